"""The changes a hook returns, and the exception that makes it fail."""

from typing import List

from ._bindings import api_types


class HookFailed(Exception):
    """Raised by a hook that cannot do its work.

    `export_hook` returns it to the host as the `hook-error` case, so the run
    fails with `message`. Set `retryable` when a later run may succeed, for
    example because a service the hook needs was down.
    """

    def __init__(self, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable

    def to_hook_error(self) -> api_types.HookError:
        """Convert the exception into the WIT `hook-error` record."""
        return api_types.HookError(message=self.message, retryable=self.retryable)


class Outcome:
    """Field updates and comments for the host to write, built by chaining
    `set_field` and `comment`."""

    def __init__(self) -> None:
        self.field_updates: List[api_types.FieldUpdate] = []
        self.comments: List[str] = []

    def set_field(self, field: str, value: api_types.FieldInput) -> "Outcome":
        """Set the field named `field` to `value` and return the outcome.

        The host writes the value on every task of the ticket's current step
        that has a field of that name. Setting the same field again replaces
        the earlier value.
        """
        for update in self.field_updates:
            if update.field == field:
                update.value = value
                return self
        self.field_updates.append(api_types.FieldUpdate(field=field, value=value))
        return self

    def comment(self, text: str) -> "Outcome":
        """Add a comment to the ticket's current step and return the outcome."""
        self.comments.append(text)
        return self

    def is_empty(self) -> bool:
        """Return True when the outcome updates no field and adds no comment."""
        return not self.field_updates and not self.comments

    def to_wit(self) -> api_types.Outcome:
        """Convert the outcome into the WIT `outcome` record."""
        return api_types.Outcome(
            field_updates=list(self.field_updates), comments=list(self.comments)
        )
