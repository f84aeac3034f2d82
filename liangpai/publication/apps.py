from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    """Publication (R7): a quarter's lights or a year's grades made public, one city admin requesting and another approving."""

    name = "liangpai.publication"
    verbose_name = _("结果公布")
