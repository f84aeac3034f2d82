"""Loading the default templates (default_templates.py) into the template tables.

Used by the data migration with historical models, so it takes the model classes as
arguments and calls no model method.
"""

from typing import Any

from liangpai.checklists.default_templates import DEFAULT_TEMPLATES, TemplateSpec

#: The defaults are the first version of their year, active from the start.
DEFAULT_VERSION = 1


def load_default_templates(template_model: Any, category_model: Any, item_model: Any) -> int:
    """Create each default template that is not there yet; returns how many were created.

    Idempotent: a template of the same scale, year and version 1 is left as it is (it may
    be in use, and active templates never change).
    """
    created = 0
    for spec in DEFAULT_TEMPLATES:
        exists = template_model.objects.filter(
            scale=spec.scale, year=spec.version_year, version=DEFAULT_VERSION
        ).exists()
        if not exists:
            _create(spec, template_model, category_model, item_model)
            created += 1
    return created


def _create(spec: TemplateSpec, template_model: Any, category_model: Any, item_model: Any) -> None:
    template = template_model.objects.create(
        code=spec.code,
        name=spec.name,
        scale=spec.scale,
        year=spec.version_year,
        version=DEFAULT_VERSION,
        status="active",
    )
    items = []
    for c_order, c_spec in enumerate(spec.categories, start=1):
        category = category_model.objects.create(template=template, code=c_spec.code, name=c_spec.name, order=c_order)
        items += [
            item_model(
                category=category,
                code=i_spec.code,
                text=i_spec.text,
                max_score=i_spec.max_score,
                guidance=i_spec.guidance,
                evidence=i_spec.evidence,
                is_veto=i_spec.is_veto,
                veto_key=i_spec.veto_key,
                order=i_order,
            )
            for i_order, i_spec in enumerate(c_spec.items, start=1)
        ]
    item_model.objects.bulk_create(items)
