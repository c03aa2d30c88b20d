"""Turns a hook function into the component's `on-event` export."""

import traceback
from typing import Any, Callable, Optional

from ._bindings import Err, api_types
from . import log
from .outcome import HookFailed, Outcome

HookFunction = Callable[[api_types.Event, api_types.TicketInfo], Optional[Outcome]]


def export_hook(function: HookFunction) -> type:
    """Return the class that componentize-py exports as `on-event`: bind it
    to the name `WitWorld` in the hook's module.

    `function(event, info)` returns an `Outcome`, or None for no changes.
    A `HookFailed` it raises becomes the hook error. Any other exception also
    fails the hook, without retry, and its traceback goes to the log at
    error level.
    """

    class WitWorld:
        def on_event(
            self, event: api_types.Event, ticket: api_types.TicketInfo
        ) -> api_types.Outcome:
            return run_hook(function, event, ticket)

    WitWorld.__qualname__ = f"WitWorld[{function.__name__}]"
    return WitWorld


def run_hook(
    function: HookFunction, event: api_types.Event, info: api_types.TicketInfo
) -> api_types.Outcome:
    """Call `function` and convert its result or exception as `export_hook`
    describes. Raises `Err(hook-error)`, the error case of the export."""
    result = call_guarded(function, event, info)
    if result is None:
        return Outcome().to_wit()
    if not isinstance(result, Outcome):
        message = (
            f"the hook returned a {type(result).__name__}; "
            "return a hook_runner_guest.Outcome or None"
        )
        raise Err(api_types.HookError(message=message, retryable=False))
    return result.to_wit()


def call_guarded(function: Callable[..., Any], *arguments: Any) -> Any:
    """Call `function(*arguments)` and return its result. A `HookFailed` it
    raises becomes `Err(hook-error)`, and any other exception too, after its
    traceback goes to the log at error level."""
    try:
        return function(*arguments)
    except HookFailed as failure:
        raise Err(failure.to_hook_error()) from None
    except Exception as error:  # noqa: BLE001: every failure must reach the host
        log.error(traceback.format_exc())
        message = f"unhandled {type(error).__name__}: {error}"
        raise Err(api_types.HookError(message=message, retryable=False)) from None
