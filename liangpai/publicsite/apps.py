from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicsiteConfig(AppConfig):
    name = "liangpai.publicsite"
    verbose_name = _("公开查询")
