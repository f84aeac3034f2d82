from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "liangpai.enterprises"
    verbose_name = "企业"
