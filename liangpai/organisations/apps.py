from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "liangpai.organisations"
    verbose_name = "组织机构"
