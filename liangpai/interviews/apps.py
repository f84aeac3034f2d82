from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    """Warning interviews (R5): the interview a red light calls for, its record and signed scan."""

    name = "liangpai.interviews"
    verbose_name = _("警示约谈")
