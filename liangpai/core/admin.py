"""Admin base classes every app's admin screens share.

The Django admin is not a second way to change data (STYLE.md, "Services"). Each model's admin
is one of:

- `ReadOnlyAdmin`: it lists and shows, and changes nothing — reference data nobody edits, or
  rows made and changed elsewhere;
- `ServiceAdmin`: every save and delete is one call to the app's service, with `by=request.user`
  and the reason typed in the form. The service checks access, validates, saves and writes the
  audit record, the same record as when the app's own page makes that change; the admin only
  translates its form into the call, and shows a refusal on the form.
"""

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext

from liangpai.core.errors import ServiceError
from liangpai.core.forms import apply_service_errors, reason_field

#: The reason a service records for an admin change when the admin user typed none: deletes and list
#: actions have no reason field, and the form's is optional (stored as data, so not translated).
ADMIN_DEFAULT_REASON = "系统管理后台（未填写说明）"

#: The form field, added to every ServiceAdmin form, whose text the service records as the reason.
REASON = "reason"

#: Where a refused save leaves the refusal on the request, for the form shown again.
_REFUSAL = "_lp_service_refusal"


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """Lists and shows a model, and changes nothing: no add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class ReadOnlyTabularInline[C: Model, P: Model](admin.TabularInline[C, P]):
    """Rows shown with their parent, changed only elsewhere (the parent's ServiceAdmin saves no inline)."""

    def has_add_permission(self, request: HttpRequest, obj: P | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: P | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: P | None = None) -> bool:
        return False


class ServiceRefused(Exception):
    """A service said no to an admin change; `error` says why, as the form or a message shows it.

    Raised out of the admin's transaction, so that whatever the change had written is rolled back.
    """

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def call_service[T](call: Callable[[], T]) -> T:
    """`call()`, one service call; its refusal (PermissionDenied, or a ValidationError such as the
    service's ValidationError, or a core.errors.ServiceError) becomes ServiceRefused."""
    try:
        return call()
    except ServiceError as exc:  # not allowed, a conflict, or a refusal of the program's rules
        raise ServiceRefused(ValidationError({exc.field: exc.message} if exc.field else exc.message)) from exc
    except PermissionDenied as exc:
        raise ServiceRefused(ValidationError(str(exc) or gettext("您无权进行此操作。"))) from exc
    except ValidationError as exc:
        raise ServiceRefused(exc) from exc


def refusal_text(error: ValidationError) -> str:
    """A refusal as one line, for a message above the page."""
    return " ".join(str(message) for message in error.messages)


class _ShowsRefusal:
    """Mixed into a ServiceAdmin form when it is shown again after a refusal: the form is invalid
    with the service's errors (on the fields they name, else above the form), so nothing is saved."""

    refusal: ValidationError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        apply_service_errors(self, self.refusal)  # type: ignore[arg-type]


def _with_reason(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """`form_class` with the reason field the service records (declared, so that it is in every
    form the admin builds from it)."""
    if REASON in getattr(form_class, "base_fields", {}):
        return form_class
    return type(form_class.__name__, (form_class,), {REASON: reason_field()})


class ServiceAdmin[M: Model](admin.ModelAdmin[M]):
    """An admin whose every save and delete is one call to the app's service.

    A subclass implements `save_via_service` (and, when rows may be deleted here, sets
    `delete_allowed` and implements `delete_via_service`); an inline that may change rows is
    saved by `save_inlines_via_service`, any other inline must be read-only. The admin parses
    and validates its form as usual, then calls the service inside its transaction. A refusal
    rolls that transaction back and shows: a save's on the form shown again, a delete's or a
    list action's as an error message.
    """

    #: Whether rows may be added here (the service that creates them must exist).
    add_allowed: bool = True
    #: Whether rows may be deleted here (then `delete_via_service` calls the service that deletes).
    delete_allowed: bool = False

    # --- what a subclass implements ----------------------------------------------------

    def save_via_service(self, request: HttpRequest, *, obj: M | None, data: dict[str, Any], reason: str) -> M:
        """Create (`obj` is None) or change `obj`, the row as stored, to the form's cleaned `data`,
        by calling the service with `by=request.user`; return the row the service saved."""
        raise NotImplementedError(f"{type(self).__name__} must call its app's service to save")

    def save_inlines_via_service(self, request: HttpRequest, *, obj: M, formsets: list[Any], reason: str) -> None:
        """Save the changes of the inlines that may change rows, by calling services. By default the
        inlines are read-only, so there is nothing to save."""

    def delete_via_service(self, request: HttpRequest, *, obj: M, reason: str) -> None:
        """Delete `obj` by calling the service with `by=request.user` (only when `delete_allowed`)."""
        raise NotImplementedError(f"{type(self).__name__} must call its app's service to delete")

    # --- permissions ---------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.add_allowed and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self.delete_allowed and super().has_delete_permission(request, obj)

    def _editable(self, request: HttpRequest, obj: M | None) -> bool:
        return self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)

    # --- the form: a reason field, and the refusal when it is shown again ---------------------

    def get_form(self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = _with_reason(kwargs.get("form") or self.form)
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal: ValidationError | None = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form_class
        return type(form_class.__name__, (_ShowsRefusal, form_class), {"refusal": refusal})

    def get_fieldsets(self, request: HttpRequest, obj: M | None = None) -> Any:
        """The subclass's fieldsets, with the reason last on a form that can be saved (and nowhere else)."""
        fieldsets: list[Any] = [
            (name, {**options, "fields": [f for f in options["fields"] if f != REASON]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self._editable(request, obj):
            fieldsets.append((None, {"fields": [REASON]}))
        return fieldsets

    @staticmethod
    def reason_of(form: Any) -> str:
        """The reason typed in `form`, or the default when none was (or the form has no reason field)."""
        typed = (getattr(form, "cleaned_data", None) or {}).get(REASON) or ""
        return typed.strip() or ADMIN_DEFAULT_REASON

    # --- saving and deleting through the services --------------------------------------------

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        # The service is given the row as stored, not the admin's copy that the form has already changed.
        stored = type(obj)._default_manager.get(pk=obj.pk) if change else None
        data = form.cleaned_data
        saved = call_service(lambda: self.save_via_service(request, obj=stored, data=data, reason=self.reason_of(form)))
        if not change:
            # The admin goes on (its history entry, the redirect) with the object its form built.
            obj.pk = saved.pk
            obj._state.adding = False
            obj._state.db = saved._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Not `form.save_m2m()`: the service saved the many-to-many fields along with the rest.
        if not formsets:
            return
        obj = type(form.instance)._default_manager.get(pk=form.instance.pk)
        call_service(
            lambda: self.save_inlines_via_service(
                request, obj=obj, formsets=list(formsets), reason=self.reason_of(form)
            )
        )

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        # The admin's own history entry names the form's changed fields; the inlines' rows were saved
        # by services, not by the formsets, which so have no saved objects to list (the audit log has them).
        return super().construct_change_message(request, form, [], add)

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        call_service(lambda: self.delete_via_service(request, obj=obj, reason=ADMIN_DEFAULT_REASON))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # "Delete selected" runs outside the admin's transactions: all of them, or (refused) none.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    # --- a refusal, shown -----------------------------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            if getattr(request, _REFUSAL, None) is not None:  # refused again on the way back: not a form's fault
                raise
            # The transaction is rolled back. The same POST again, now with the refusal on the form,
            # shows the form as the user filled it, with the reason it was not saved.
            setattr(request, _REFUSAL, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            self.message_user(request, refusal_text(refused.error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # The list's own writes (editable columns, "delete selected", actions) call the services too,
        # in one transaction: a refusal leaves nothing behind, the admin's history of deletes included.
        try:
            with transaction.atomic() if request.method == "POST" else nullcontext():
                return super().changelist_view(request, extra_context)
        except ServiceRefused as refused:
            self.message_user(request, refusal_text(refused.error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
