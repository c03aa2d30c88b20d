"""Write hook-runner hooks in Python.

A hook is a WebAssembly component that hook-runner calls when Tufin
SecureChange reports a workflow event. componentize-py builds it from a
Python module and the bindings it generates for the `trigger` world of the
`hook-runner:api@0.1.0` WIT package. This package is a small layer over
those bindings:

- the ticket types, with lookup helpers in `hook_runner_guest.ticket` and
  `hook_runner_guest.network`,
- constructors for field values (`hook_runner_guest.values`) and the
  `Outcome` a hook returns,
- the host services in `log`, `config` and `tickets`, and `http` for
  `requests` over `wasi:http`,
- `export_hook`, which turns a function into the component's `on-event`
  export, and `HookFailed`, the exception that returns a hook error,
- `export_condition` and `export_assignment`, the same for the `evaluate`
  export of a scripted condition and the `assign` export of a
  dynamic-assignment hook, with `task` for the tasks it returns.

A hook that marks tickets of critical priority when they are created::

    from hook_runner_guest import Event, Outcome, config, export_hook, log, values

    def flag_urgent(event, info):
        if event != Event.CREATE or info.priority is None:
            return Outcome()
        if info.priority.name != "Critical":
            return Outcome()
        log.info(f"ticket {info.id} is critical")
        field = config.get_or("flag_field", "Urgent")
        return Outcome().set_field(field, values.checkbox(True)).comment(
            "Marked as urgent because of its priority."
        )

    WitWorld = export_hook(flag_urgent)

componentize-py looks for the class `WitWorld` in the hook's module, so the
result of `export_hook` must be bound to that name.

A scripted condition, built with `HOOK_WORLD=condition`::

    from hook_runner_guest import export_condition

    WitWorld = export_condition(lambda ticket: ticket.priority == "Critical")
"""

from ._bindings import (
    AccessRequest,
    ApprovalState,
    Comment,
    DropDown,
    Event,
    Field,
    MultipleSelection,
    NamedRef,
    NetworkObject,
    Service,
    Stage,
    Step,
    Task,
    TaskRef,
    Ticket,
    TicketInfo,
    UserRef,
)
from . import config, log, network, ticket, tickets, values
from .hook import export_hook
from .script import export_assignment, export_condition, task
from .outcome import HookFailed, Outcome

__all__ = [
    "AccessRequest",
    "ApprovalState",
    "Comment",
    "DropDown",
    "Event",
    "Field",
    "HookFailed",
    "MultipleSelection",
    "NamedRef",
    "NetworkObject",
    "Outcome",
    "Service",
    "Stage",
    "Step",
    "Task",
    "TaskRef",
    "Ticket",
    "TicketInfo",
    "UserRef",
    "config",
    "export_assignment",
    "export_condition",
    "export_hook",
    "log",
    "network",
    "task",
    "ticket",
    "tickets",
    "values",
]
