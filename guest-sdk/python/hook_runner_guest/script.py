"""Turns a function into the `evaluate` export of a scripted condition (the
`condition` world) or the `assign` export of a dynamic-assignment hook (the
`assignment` world). Both get the whole ticket, which hook-runner reads
through the API. Build such a hook with `HOOK_WORLD=condition` or
`HOOK_WORLD=assignment` (see `build-hook.sh`)."""

from typing import Callable, Iterable, List, Optional

from ._bindings import Err, api_types
from .hook import call_guarded

ConditionFunction = Callable[[api_types.Ticket], bool]
AssignmentFunction = Callable[[api_types.Ticket], List[api_types.TaskAssignment]]


def task(
    name: str,
    participants: Iterable[str],
    *,
    assigner: Optional[str] = None,
    access_requests: Iterable[int] = (),
) -> api_types.TaskAssignment:
    """Return a task to open on the current step. Without `assigner` every
    participant sees the task and any of them can take it. With `assigner`,
    that user picks the handler from the participants.

    `participants` is a list of logins: a single string is rejected with a
    TypeError, because iterating it would give one participant per
    character."""
    if isinstance(participants, str):
        raise TypeError(
            f"task {name!r}: participants must be a list of logins, not the string "
            f"{participants!r}; write [{participants!r}]"
        )
    if assigner is None:
        mode: api_types.AssignmentMode = api_types.AssignmentMode_SelfAssignment()
    else:
        mode = api_types.AssignmentMode_Manual(assigner)
    return api_types.TaskAssignment(
        name=name,
        participants=list(participants),
        mode=mode,
        access_request_ids=list(access_requests),
    )


def export_condition(function: ConditionFunction) -> type:
    """Return the class that componentize-py exports as `evaluate`: bind it
    to the name `WitWorld` in the hook's module.

    `function(ticket)` returns True or False. A `HookFailed` it raises
    becomes the hook error, and so does any other exception, with its
    traceback in the log."""

    class WitWorld:
        def evaluate(self, ticket: api_types.Ticket) -> bool:
            return run_condition(function, ticket)

    WitWorld.__qualname__ = f"WitWorld[{function.__name__}]"
    return WitWorld


def export_assignment(function: AssignmentFunction) -> type:
    """Return the class that componentize-py exports as `assign`: bind it to
    the name `WitWorld` in the hook's module.

    `function(ticket)` returns a list of tasks made with `task`. Failures
    become the hook error as for `export_condition`."""

    class WitWorld:
        def assign(self, ticket: api_types.Ticket) -> List[api_types.TaskAssignment]:
            return run_assignment(function, ticket)

    WitWorld.__qualname__ = f"WitWorld[{function.__name__}]"
    return WitWorld


def run_condition(function: ConditionFunction, ticket: api_types.Ticket) -> bool:
    """Call a condition function and check that it returned a bool. Raises
    `Err(hook-error)`, the error case of the export."""
    result = call_guarded(function, ticket)
    if not isinstance(result, bool):
        message = f"the condition returned a {type(result).__name__}; return True or False"
        raise Err(api_types.HookError(message=message, retryable=False))
    return result


def run_assignment(
    function: AssignmentFunction, ticket: api_types.Ticket
) -> List[api_types.TaskAssignment]:
    """Call an assignment function and check that it returned a list of
    tasks. Raises `Err(hook-error)`, the error case of the export."""
    result = call_guarded(function, ticket)
    if not isinstance(result, list) or not all(
        isinstance(item, api_types.TaskAssignment) for item in result
    ):
        message = "the assignment hook must return a list of tasks made with hook_runner_guest.task"
        raise Err(api_types.HookError(message=message, retryable=False))
    return result
