from django.apps import AppConfig


class IndexingConfig(AppConfig):
    name = "carnet.indexing"
    label = "indexing"
