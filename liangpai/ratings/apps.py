from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "liangpai.ratings"
    verbose_name = _("亮灯与评级")
