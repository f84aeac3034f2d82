"""The warning interviews in the admin: read-only (they change through their pages), for those who may
manage the rules."""

from django.contrib import admin

from liangpai.interviews.models import WarningInterview
from liangpai.rulesets.admin import RulesReadOnlyAdmin


@admin.register(WarningInterview)
class WarningInterviewAdmin(RulesReadOnlyAdmin[WarningInterview]):
    list_display = ["enterprise", "quarter", "town", "status", "due_on", "held_on"]
    list_filter = ["status", "quarter", "town"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise", "town"]
    exclude = ["signed_scan"]
