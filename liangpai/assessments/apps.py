from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "liangpai.assessments"
    verbose_name = _("年度评估")

    def ready(self) -> None:
        from liangpai.assessments.sources import PublishedAssessments
        from liangpai.ratings import grades

        # After the recorded and imported bases: a published assessment decides the base grade.
        if not any(isinstance(source, PublishedAssessments) for source in grades.BASE_GRADE_SOURCES):
            grades.BASE_GRADE_SOURCES.append(PublishedAssessments())
