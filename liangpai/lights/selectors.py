"""Reads of quarterly lights, scoped through `core.access`."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from liangpai.core.access import Action, can
from liangpai.enterprises.models import Enterprise
from liangpai.lights.models import QuarterLight
from liangpai.lights.wording import light_reason_text
from liangpai.rules import codec


def get_light_for_user_or_404(user: Any, pk: int, action: Action) -> QuarterLight:
    """A light of an enterprise `user` may see (else 404), which they may take `action` on (else 403)."""
    try:
        light = (
            QuarterLight.objects.select_related("enterprise", "enterprise__town")
            .filter(enterprise__in=Enterprise.objects.visible_to(user))
            .get(pk=pk)
        )
    except QuarterLight.DoesNotExist as exc:
        raise Http404 from exc
    if not can(user, action, light.enterprise):
        raise PermissionDenied
    return light


def light_reasons(light: QuarterLight) -> list[str]:
    return [light_reason_text(reason) for reason in codec.light_reasons_from_json(light.reasons)]
