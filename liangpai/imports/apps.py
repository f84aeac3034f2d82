from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "liangpai.imports"
    verbose_name = "数据导入"
