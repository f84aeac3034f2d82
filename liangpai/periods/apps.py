from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    """A period's results: closing a quarter (its lights and the interviews red lights call for) and computing a year's grades."""

    name = "liangpai.periods"
    verbose_name = _("期间结果")
