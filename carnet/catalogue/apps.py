from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "carnet.catalogue"
    label = "catalogue"
