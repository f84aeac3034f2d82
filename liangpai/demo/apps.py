from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city (`manage.py seed_demo`): made through the domain apps' services and models."""

    name = "liangpai.demo"
    verbose_name = _("示范城市")
