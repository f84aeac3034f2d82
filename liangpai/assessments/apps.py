from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "liangpai.assessments"
    verbose_name = _("年度评估")
