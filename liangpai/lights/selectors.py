"""Reads of quarterly lights, scoped through `core.access`."""

from liangpai.lights.models import QuarterLight
from liangpai.lights.wording import light_reason_text
from liangpai.rules import codec


def light_reasons(light: QuarterLight) -> list[str]:
    return [light_reason_text(reason) for reason in codec.light_reasons_from_json(light.reasons)]
