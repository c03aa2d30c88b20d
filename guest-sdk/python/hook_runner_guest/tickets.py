"""The SecureChange REST API, called by the host with its own credentials."""

from ._bindings import Err, api_types, tickets_import
from .outcome import HookFailed


class TicketApiError(HookFailed):
    """A ticket read that the host denied, that found no ticket, or that
    failed because the API was unavailable.

    It is a `HookFailed`, so a hook that does not catch it fails with its
    message. Only an unavailable API makes it retryable.
    """

    def __init__(self, kind: str, message: str) -> None:
        retryable = kind == "unavailable"
        super().__init__(f"SecureChange API {kind.replace('-', ' ')}: {message}", retryable)
        self.kind = kind


def get_ticket(ticket_id: int) -> api_types.Ticket:
    """Fetch the whole ticket `ticket_id`. A hook may read only the ticket of
    the event it runs for.

    Raises TicketApiError with kind `denied` for any other ticket or when the
    policy grants no reads, `not-found` when the ticket does not exist and
    `unavailable` when the API could not be reached or failed.
    """
    try:
        return tickets_import.get_ticket(ticket_id)
    except Err as error:
        raise api_error(error.value) from None


def api_error(value: tickets_import.ApiError) -> TicketApiError:
    """Convert the WIT `api-error` variant into a TicketApiError."""
    if isinstance(value, tickets_import.ApiError_Denied):
        return TicketApiError("denied", value.value)
    if isinstance(value, tickets_import.ApiError_NotFound):
        return TicketApiError("not-found", value.value)
    return TicketApiError("unavailable", value.value)
