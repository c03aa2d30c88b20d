"""The componentize-py bindings that the rest of the package builds on.

The bindings are generated at build time into the `wit_world` package, with
the hook-runner `types` interface named `api_types` so that it does not
clash with `wasi:http/types` (see `build-hook.sh`). Every other module of
this package imports the generated code from here, so a change of those
names touches one file.
"""

from componentize_py_types import Err
from wit_world.imports import api_types
from wit_world.imports import config as config_import
from wit_world.imports import log as log_import
from wit_world.imports import tickets as tickets_import

AccessRequest = api_types.AccessRequest
ApprovalState = api_types.ApprovalState
Comment = api_types.Comment
DropDown = api_types.DropDown
Event = api_types.Event
Field = api_types.Field
MultipleSelection = api_types.MultipleSelection
NamedRef = api_types.NamedRef
NetworkObject = api_types.NetworkObject
Service = api_types.Service
Stage = api_types.Stage
Step = api_types.Step
Task = api_types.Task
TaskRef = api_types.TaskRef
Ticket = api_types.Ticket
TicketInfo = api_types.TicketInfo
UserRef = api_types.UserRef

__all__ = [
    "Err",
    "api_types",
    "config_import",
    "log_import",
    "tickets_import",
]
