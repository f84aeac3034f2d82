from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesetsConfig(AppConfig):
    """Rulesets (R-RULESET-1/2) and the working-day calendar (R-WORKDAY-1): the configurable numbers every light and grade is decided with."""

    name = "liangpai.rulesets"
    verbose_name = _("规则集")
