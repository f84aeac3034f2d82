from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "liangpai.regions"
    verbose_name = "行政区域"
