from django import template
from django.core.exceptions import FieldDoesNotExist

from liangpai.enterprises.models import Enterprise

register = template.Library()


@register.filter
def enterprise_field_label(name: str) -> str:
    """The label users know for an enterprise field named in the change history."""
    try:
        field = Enterprise._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))
