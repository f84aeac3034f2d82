"""Writes to assessment templates: copy one for a new year, edit a draft's items, activate it.

One function per use case, each in a transaction: access check (`can`), validation, save,
one audit record per change. Only a draft changes: active and retired templates stay as
they are (a past year's assessments were made against them), and a template's status
moves only along `TRANSITIONS`.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.checklists import validation
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.core.errors import Conflict
from liangpai.core.transitions import Transition, Workflow

Status = ChecklistTemplate.Status

#: The template lifecycle, the only moves there are: a draft is activated, an active
#: template is retired when another one of its scale and year is activated.
TRANSITIONS = Workflow(
    Status,
    [Transition(Status.DRAFT, Status.ACTIVE), Transition(Status.ACTIVE, Status.RETIRED)],
    refusal=gettext_lazy("“%(template)s”的状态是“%(source)s”，不能改为“%(target)s”。"),
)

#: The years a template may be made for.
MIN_YEAR, MAX_YEAR = 2000, 2100

TEMPLATE_FIELDS = ["code", "name", "scale", "year", "version", "status"]
ITEM_FIELDS = ["code", "text", "max_score", "guidance", "evidence", "is_veto", "veto_key", "order"]


def check_transition(template: ChecklistTemplate, target: str) -> None:
    """Raise TransitionError unless `template` may move from its status to `target`."""
    TRANSITIONS.check(template.status, target, template=template)


def _check_access(by: Any) -> None:
    if not can(by, Action.TEMPLATE_MANAGE):
        raise PermissionDenied(_("只有市总工会可以管理评估模板。"))


def check_draft(template: ChecklistTemplate) -> None:
    """Raise ValidationError unless `template` is a draft: only a draft's contents change."""
    if not template.is_draft:
        raise ValidationError(
            _("“%(template)s”%(status)s，不能再修改。往年和在用的模板保持不变；如需调整，请复制为新版本。")
            % {"template": template, "status": template.get_status_display()},
            code="not_draft",
        )


def _locked_draft(template_id: int) -> ChecklistTemplate:
    """The template, locked until the transaction ends (edits and activation queue); a draft, or refused."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template_id)
    check_draft(template)
    return template


def _locked_item(item: ChecklistItem) -> tuple[ChecklistTemplate, ChecklistItem]:
    """The item's template (a draft, or refused) and the item as saved, both locked until the transaction ends."""
    template = _locked_draft(ChecklistCategory.objects.values_list("template_id", flat=True).get(pk=item.category_id))
    return template, ChecklistItem.objects.select_for_update().get(pk=item.pk)


# --- templates --------------------------------------------------------------------------


def copy_template(
    *, by: Any, template: ChecklistTemplate, year: int, name: str = "", reason: str = ""
) -> ChecklistTemplate:
    """A new draft for `year`, with copies of `template`'s categories and items.

    Its version is the next one of its scale and year. The copy is independent: editing it
    never touches `template`. `name` defaults to the name of `template`.
    """
    _check_access(by)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("年度应在%(min)s到%(max)s之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}})
    try:
        with transaction.atomic():
            source = ChecklistTemplate.objects.get(pk=template.pk)
            last = ChecklistTemplate.objects.filter(scale=source.scale, year=year).aggregate(v=Max("version"))["v"]
            copy = ChecklistTemplate.objects.create(
                code=source.code,
                name=name.strip() or source.name,
                scale=source.scale,
                year=year,
                version=(last or 0) + 1,
                status=Status.DRAFT,
                based_on=source,
                created_by=by,
            )
            n_items = _copy_contents(source, copy)
            audit.record(
                actor=by,
                action="checklist_template.copy",
                target=copy,
                after={
                    **audit.snapshot(copy, TEMPLATE_FIELDS),
                    "based_on": source.pk,
                    "items": n_items,
                },
                reason=reason,
            )
    except IntegrityError as exc:  # another copy for the same year took this version number
        raise ValidationError(_("同一年度刚有别人复制了模板，请重试。")) from exc
    return copy


def _copy_contents(source: ChecklistTemplate, copy: ChecklistTemplate) -> int:
    categories = list(source.categories.prefetch_related("items"))
    new_categories = ChecklistCategory.objects.bulk_create(
        ChecklistCategory(template=copy, code=c.code, name=c.name, order=c.order) for c in categories
    )
    items = [
        ChecklistItem(category=new, **{f: getattr(item, f) for f in ITEM_FIELDS})
        for old, new in zip(categories, new_categories, strict=True)
        for item in old.items.all()
    ]
    ChecklistItem.objects.bulk_create(items)
    return len(items)


def activate_template(*, by: Any, template: ChecklistTemplate, reason: str = "") -> ChecklistTemplate:
    """Make a draft the active template of its scale and year; the one it replaces is retired."""
    _check_access(by)
    try:
        with transaction.atomic():
            current = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
            check_transition(current, Status.ACTIVE)
            categories = [(c, list(c.items.all())) for c in current.categories.prefetch_related("items")]
            problems = validation.activation_problems(categories)
            if problems:
                raise ValidationError(problems, code="not_ready")
            previous = list(
                ChecklistTemplate.objects.select_for_update()
                .filter(scale=current.scale, year=current.year, status=Status.ACTIVE)
                .exclude(pk=current.pk)
            )
            # The one-active constraint holds at every statement: the previous one goes first.
            for old in previous:
                check_transition(old, Status.RETIRED)
                old.status = Status.RETIRED
                old.save(update_fields=["status"])
                audit.record(
                    actor=by,
                    action="checklist_template.retire",
                    target=old,
                    before={"status": Status.ACTIVE.value},
                    after={"status": Status.RETIRED.value, "replaced_by": current.pk},
                    reason=reason,
                )
            current.status = Status.ACTIVE
            current.save(update_fields=["status"])
            audit.record(
                actor=by,
                action="checklist_template.activate",
                target=current,
                before={"status": Status.DRAFT.value},
                after={"status": Status.ACTIVE.value, "replaces": [old.pk for old in previous]},
                reason=reason,
            )
    except IntegrityError as exc:  # another template of the same scale and year was activated meanwhile
        raise ValidationError(_("同一年度刚有别的模板被启用，请刷新页面后再试。")) from exc
    return current


def rename_template(*, by: Any, template: ChecklistTemplate, name: str, reason: str = "") -> ChecklistTemplate:
    """Rename a draft; an active or retired template keeps the name its assessments were made under."""
    _check_access(by)
    name = name.strip()
    max_length = ChecklistTemplate._meta.get_field("name").max_length or 0
    if not name:
        raise ValidationError({"name": _("请填写模板名称。")})
    if len(name) > max_length:
        raise ValidationError({"name": _("模板名称最多%(max)s个字。") % {"max": max_length}})
    with transaction.atomic():
        current = _locked_draft(template.pk)
        if current.name == name:
            return current
        before = {"name": current.name}
        current.name = name
        current.save(update_fields=["name"])
        audit.record(
            actor=by,
            action="checklist_template.rename",
            target=current,
            before=before,
            after={"name": name},
            reason=reason,
        )
    return current


def delete_template(*, by: Any, template: ChecklistTemplate, reason: str = "") -> None:
    """Delete a draft made by mistake, with its categories and items. Active and retired templates
    stay (assessments were made against them), and so does a draft another template was copied from."""
    _check_access(by)
    with transaction.atomic():
        current = _locked_draft(template.pk)
        audit.record(
            actor=by,
            action="checklist_template.delete",
            target=current,
            before={
                **audit.snapshot(current, TEMPLATE_FIELDS),
                "based_on": current.based_on_id,
                "items": ChecklistItem.objects.filter(category__template=current).count(),
            },
            reason=reason,
        )
        try:
            current.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("“%(template)s”已被复制为别的模板，不能删除。") % {"template": current}, code="protected"
            ) from exc


# --- items of a draft -------------------------------------------------------------------


def _template_items(template: ChecklistTemplate) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(category__template=template))


def _validate(item: ChecklistItem, template: ChecklistTemplate) -> None:
    errors = validation.item_errors(
        code=item.code,
        text=item.text,
        max_score=item.max_score,
        guidance=item.guidance,
        evidence=item.evidence,
        is_veto=item.is_veto,
        veto_key=item.veto_key,
        others=[other for other in _template_items(template) if other.pk != item.pk],
    )
    if errors:
        raise ValidationError(errors)
    item.full_clean()


def _item_state(item: ChecklistItem) -> dict[str, Any]:
    return {**audit.snapshot(item, ITEM_FIELDS), "category": item.category_id}


def add_item(
    *,
    by: Any,
    category: ChecklistCategory,
    code: str,
    text: str,
    max_score: Decimal,
    guidance: str,
    evidence: str,
    is_veto: bool = False,
    veto_key: str = "",
    order: int | None = None,
    reason: str = "",
) -> ChecklistItem:
    """Add an item to a category of a draft; by default it goes last."""
    _check_access(by)
    with transaction.atomic():
        template = _locked_draft(category.template_id)
        if order is None:
            last = category.items.aggregate(o=Max("order"))["o"]
            order = (last or 0) + 1
        item = ChecklistItem(
            category=category,
            code=code.strip(),
            text=text.strip(),
            max_score=max_score,
            guidance=guidance.strip(),
            evidence=evidence.strip(),
            is_veto=is_veto,
            veto_key=veto_key,
            order=order,
        )
        _validate(item, template)
        item.save()
        audit.record(
            actor=by,
            action="checklist_item.create",
            target=item,
            after={**_item_state(item), "template": template.pk},
            reason=reason,
        )
    return item


def update_item(
    *,
    by: Any,
    item: ChecklistItem,
    expected_version: int,
    code: str,
    text: str,
    max_score: Decimal,
    guidance: str,
    evidence: str,
    is_veto: bool = False,
    veto_key: str = "",
    order: int | None = None,
    reason: str = "",
) -> ChecklistItem:
    """Change an item of a draft, as the form opened at `expected_version` left it; only the fields that
    change are recorded.

    A stale form (someone saved the item since it was opened) raises Conflict and
    changes nothing; one that changes nothing is no overwrite, and is let through.
    """
    _check_access(by)
    with transaction.atomic():
        template, current = _locked_item(item)
        before = _item_state(current)
        current.code, current.text, current.max_score = code.strip(), text.strip(), max_score
        current.guidance, current.evidence = guidance.strip(), evidence.strip()
        current.is_veto, current.veto_key = is_veto, veto_key
        if order is not None:
            current.order = order
        old, new = audit.changes(before, _item_state(current))
        if not new:
            return current
        if current.version != expected_version:
            raise Conflict(
                _("保存失败：在您打开此页面之后，别人已修改了这个评价项目。请刷新页面查看最新内容后再修改。")
            )
        _validate(current, template)
        current.version = expected_version + 1
        current.save()
        audit.record(actor=by, action="checklist_item.update", target=current, before=old, after=new, reason=reason)
    return current


def remove_item(*, by: Any, item: ChecklistItem, reason: str = "") -> None:
    """Take an item out of a draft."""
    _check_access(by)
    with transaction.atomic():
        template, current = _locked_item(item)
        audit.record(
            actor=by,
            action="checklist_item.delete",
            target=current,
            before={**_item_state(current), "template": template.pk},
            reason=reason,
        )
        current.delete()
