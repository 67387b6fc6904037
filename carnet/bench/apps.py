from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "carnet.bench"
    label = "bench"
    verbose_name = "Benchmarks"
