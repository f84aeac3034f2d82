from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Pages that combine several domain apps: the home page, the enterprise page with its panels,
    the town page. Selectors and templates only; every write is a domain app's service."""

    name = "liangpai.web"
    verbose_name = _("页面")
