from typing import Any

from django.http import HttpRequest

from liangpai.core.access import Action, can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "enterprises": can(user, Action.ENTERPRISE_VIEW),
            "org": can(user, Action.ORG_VIEW),
            "import": can(user, Action.ENTERPRISE_IMPORT),
            "audit": can(user, Action.AUDIT_VIEW),
            "templates": can(user, Action.TEMPLATE_MANAGE),
            "interviews": can(user, Action.INTERVIEW_VIEW),
            "assessments": can(user, Action.ASSESSMENT_VIEW),
            "publish": can(user, Action.PUBLISH),
        },
    }
