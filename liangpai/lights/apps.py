from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LightsConfig(AppConfig):
    """Quarterly lights (R4): the facts a light is decided from, the stored lights and their wording."""

    name = "liangpai.lights"
    verbose_name = _("季度亮灯")
