"""Why a service said no: one vocabulary for every app.

A service that refuses raises one of these with a message for the user, already in
their language. Views show it where it belongs (`core.forms.apply_service_errors` puts it
on the form, on the field it names; a page without a form shows `message`); commands
print it. Invalid input on a form field is Django's `ValidationError`, as forms use it.

    ServiceError
    ├── NotAllowed        the actor may not do this (also Django's PermissionDenied: 403)
    ├── Conflict          someone saved the record after the form was opened (SECURITY.md T9)
    └── Refused           the program's rules say no
        ├── PeriodError       the period has not started, or no ruleset applies to it
        ├── PublishedError    published results never change
        ├── RulesetFrozen     a ruleset a stored result names never changes
        └── TransitionError   a status move the workflow's table does not allow
"""

from django.core.exceptions import PermissionDenied


class ServiceError(Exception):
    """A refusal the user can act on: `message` says why (translated); `field`, when set, names the form
    field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def messages(self) -> list[str]:
        """The refusal as Django's ValidationError gives its messages, so one display serves both."""
        return [self.message]


class NotAllowed(ServiceError, PermissionDenied):
    """The actor may not take this action (on this object)."""


class Conflict(ServiceError):
    """Someone else saved the record after the form was opened (optimistic locking, `core.locking`)."""


class Refused(ServiceError):
    """The program's rules refuse the change."""


class PeriodError(Refused):
    """The period cannot be processed: not started yet, or no ruleset applies to it."""


class PublishedError(Refused):
    """The quarter's lights or the year's grades are published, and published results never change."""


class RulesetFrozen(Refused):
    """A ruleset that a stored result names cannot change."""


class TransitionError(Refused):
    """A status move the workflow's table does not allow (`core.transitions`)."""


# The old name of `Refused`, still raised by `periods.closing`; it goes once the period engines raise `Refused`.
RatingsError = Refused
