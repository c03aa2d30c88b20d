"""Lookup helpers on the ticket types, and typed views of field values.

Each view returns None when the field holds a value of another kind, so
`text(field)` of a checkbox is None.
"""

from typing import Iterator, List, Optional

from ._bindings import api_types

Field = api_types.Field
Step = api_types.Step
Task = api_types.Task
Ticket = api_types.Ticket


def current_stage_name(info: api_types.TicketInfo) -> Optional[str]:
    """Return the name of the step the event happened on, if SecureChange sent
    one. On ADVANCE this is the step being left, and the ticket may already be
    on the next one."""
    if info.current_stage is None:
        return None
    return info.current_stage.name


def current_step(ticket: Ticket) -> Optional[Step]:
    """Return the step the ticket is on, or None once it is closed, cancelled
    or rejected. The step is matched by id, then by name."""
    current = ticket.current_step
    if current is None:
        return None
    for candidate in ticket.steps:
        if candidate.id == current.id:
            return candidate
    return step(ticket, current.name)


def step(ticket: Ticket, name: str) -> Optional[Step]:
    """Return the last step named `name`. A redone step is listed once per
    run, so the last one is the latest run."""
    for candidate in reversed(ticket.steps):
        if candidate.name == name:
            return candidate
    return None


def step_fields(of_step: Step) -> Iterator[Field]:
    """Yield the fields of every task of the step, task by task. A step with
    several tasks (dynamic assignment) usually repeats each field on every
    task."""
    for task in of_step.tasks:
        yield from task.fields


def step_field(of_step: Step, name: str) -> Optional[Field]:
    """Return the first field named `name` in any task of the step."""
    return next((f for f in step_fields(of_step) if f.name == name), None)


def task_field(task: Task, name: str) -> Optional[Field]:
    """Return the field of `task` named `name`."""
    return next((f for f in task.fields if f.name == name), None)


def current_field(ticket: Ticket, name: str) -> Optional[Field]:
    """Return the first field named `name` on the current step, or None when
    the ticket has no current step or the step no such field."""
    found = current_step(ticket)
    return None if found is None else step_field(found, name)


def text(field: Field) -> Optional[str]:
    """Return the text of a `text_field`, `text_area` or `manager` field."""
    value = field.value
    return value.value if isinstance(value, api_types.FieldValue_Text) else None


def hyperlink(field: Field) -> Optional[str]:
    """Return the URL of a `hyperlink` field."""
    value = field.value
    return value.value if isinstance(value, api_types.FieldValue_Hyperlink) else None


def checkbox(field: Field) -> Optional[bool]:
    """Return the state of a checkbox, or None when it was never set."""
    value = field.value
    return value.value if isinstance(value, api_types.FieldValue_Checkbox) else None


def date(field: Field) -> Optional[str]:
    """Return the `YYYY-MM-DD` date of a date field, or None when empty."""
    value = field.value
    return value.value if isinstance(value, api_types.FieldValue_Date) else None


def time(field: Field) -> Optional[str]:
    """Return the `HH:MM` time of a time field, or None when empty."""
    value = field.value
    return value.value if isinstance(value, api_types.FieldValue_Time) else None


def selection(field: Field) -> Optional[str]:
    """Return the selected option of a drop-down list, or None when nothing
    is selected."""
    value = field.value
    if isinstance(value, api_types.FieldValue_DropDown):
        return value.value.selection
    return None


def selected(field: Field) -> Optional[List[str]]:
    """Return the selected options of a multiple-selection field."""
    value = field.value
    if isinstance(value, api_types.FieldValue_MultipleSelection):
        return value.value.selected
    return None


def approval(field: Field) -> Optional[api_types.ApprovalState]:
    """Return the state of an approve/reject field."""
    value = field.value
    if isinstance(value, api_types.FieldValue_ApproveReject):
        return value.value
    return None


def multi_text(field: Field) -> Optional[List[str]]:
    """Return the values of a `multi_text_field`, `multi_text_area` or
    `multi_hyperlink` field."""
    value = field.value
    return value.value if isinstance(value, api_types.FieldValue_MultiText) else None


def access_requests(field: Field) -> Optional[List[api_types.AccessRequest]]:
    """Return the rows of a `multi_access_request` field."""
    value = field.value
    if isinstance(value, api_types.FieldValue_AccessRequests):
        return value.value
    return None


def current_access_requests(ticket: Ticket) -> List[api_types.AccessRequest]:
    """Return the access requests of the current step, each once, in the order
    they first appear, or an empty list when the ticket has no current step.
    A step with several tasks repeats its `multi_access_request` field on
    every task."""
    found = current_step(ticket)
    if found is None:
        return []
    requests: List[api_types.AccessRequest] = []
    seen = set()
    for field in step_fields(found):
        for request in access_requests(field) or []:
            if request.id not in seen:
                seen.add(request.id)
                requests.append(request)
    return requests
