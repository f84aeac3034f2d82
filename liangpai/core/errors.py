"""Why a ratings service refused: a message for the user, in their language."""


class RatingsError(Exception):
    """A refusal the user can act on; `message` says why (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PeriodError(RatingsError):
    """The period cannot be processed: not started yet, or no ruleset applies to it."""


class PublishedError(RatingsError):
    """The quarter's lights or the year's grades are published, and published results never change."""


class RulesetFrozen(RatingsError):
    """A ruleset that a stored result names cannot change."""


class TransitionError(RatingsError):
    """A status move the workflow's table does not allow."""


class ConflictError(RatingsError):
    """Someone else saved the record after the form was opened (optimistic locking)."""
