from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradesConfig(AppConfig):
    """The annual grade as the city computes it: its bases (recorded, imported, assessed) and the commands."""

    name = "liangpai.grades"
    verbose_name = _("年度等级")
