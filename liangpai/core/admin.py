"""Admin base classes every app's admin screens share."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from liangpai.core import audit

#: The reason recorded for changes made in the admin (stored as data, so not translated).
ADMIN_REASON = "系统管理"


class AuditedAdmin(admin.ModelAdmin):
    """Records every admin save and delete in the audit log, in the admin's own transaction.

    `audited_fields` are compared before → after; many-to-many fields are read after
    `save_related`, so a change of only the related rows is recorded too.
    """

    audited_fields: list[str] = []
    audited_m2m: list[str] = []
    #: Models edited here (or in an inline) whose `version` the app's forms are saved against
    #: (optimistic locking, SECURITY.md T9): a change here raises it as a change in the app does,
    #: so a form opened before it is refused as stale instead of overwriting it.
    versioned_models: tuple[type[Model], ...] = ()

    def _state(self, obj: Model) -> dict[str, Any]:
        state = audit.snapshot(obj, self.audited_fields)
        for name in self.audited_m2m:
            state[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        return state

    def _action(self, verb: str) -> str:
        return f"admin.{self.model._meta.model_name}.{verb}"

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = None
        if change:
            current = type(obj)._default_manager.get(pk=obj.pk)
            before = self._state(current)
            if isinstance(obj, self.versioned_models) and form.has_changed():
                obj.version = current.version + 1  # type: ignore[attr-defined]
        request._lp_audit_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.initial_forms:  # the rows as read for this save, so their current versions
            instance = inline_form.instance
            if isinstance(instance, self.versioned_models) and inline_form.has_changed():
                instance.version += 1  # type: ignore[attr-defined]
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_lp_audit_before", None)
        after = self._state(obj)
        if before is not None:
            changed = sorted(k for k in after if after[k] != before.get(k))
            if not changed and not any(fs.has_changed() for fs in formsets):
                return
            before, after = {k: before[k] for k in changed}, {k: after[k] for k in changed}
        audit.record(
            actor=request.user,
            action=self._action("update" if change else "create"),
            target=obj,
            before=before,
            after=after,
            reason=ADMIN_REASON,
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.record(
            actor=request.user, action=self._action("delete"), target=obj, before=self._state(obj), reason=ADMIN_REASON
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # The bulk "delete selected" action runs outside the admin's transactions.
        with transaction.atomic():
            for obj in queryset:
                audit.record(
                    actor=request.user,
                    action=self._action("delete"),
                    target=obj,
                    before=self._state(obj),
                    reason=ADMIN_REASON,
                )
            super().delete_queryset(request, queryset)
