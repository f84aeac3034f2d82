from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "liangpai.checklists"
    verbose_name = _("评估模板")
