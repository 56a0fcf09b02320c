from django.apps import AppConfig


class MmipConfig(AppConfig):
    name = "mmip"
    verbose_name = "Directory of organisations"
