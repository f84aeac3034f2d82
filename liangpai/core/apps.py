from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "liangpai.core"
    verbose_name = "系统"
