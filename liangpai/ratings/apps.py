from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    """The storage label of the rating apps' tables; no code lives here.

    Rulesets, lights, interviews, grades and publications are separate apps
    (liangpai.rulesets, .lights, .interviews, .grades, .publication), but their models keep
    `app_label = "ratings"`: their tables (`ratings_*`), their migration history (this
    package's migrations), the labels in the audit chain (`ratings.quarterlight`, …) and
    in backup archives stay what they have always been. A new model of those apps takes
    the same label; a model of a new app takes its own.
    """

    name = "liangpai.ratings"
    verbose_name = _("亮灯与评级")
