"""Constructors for the values a hook writes into ticket fields."""

from typing import Iterable

from ._bindings import api_types

FieldInput = api_types.FieldInput


def text(value: str) -> FieldInput:
    """Create a value for a `text_field`, `text_area` or `manager` field."""
    return api_types.FieldInput_Text(value)


def hyperlink(url: str) -> FieldInput:
    """Create a URL value for a `hyperlink` field."""
    return api_types.FieldInput_Hyperlink(url)


def checkbox(checked: bool) -> FieldInput:
    """Create a checkbox state."""
    return api_types.FieldInput_Checkbox(checked)


def date(value: str) -> FieldInput:
    """Create a `YYYY-MM-DD` date for a date field."""
    return api_types.FieldInput_Date(value)


def time(value: str) -> FieldInput:
    """Create an `HH:MM` time for a time field."""
    return api_types.FieldInput_Time(value)


def drop_down(option: str) -> FieldInput:
    """Create a selection for a drop-down list. `option` must be one of the
    list's options."""
    return api_types.FieldInput_DropDown(option)


def multiple_selection(options: Iterable[str]) -> FieldInput:
    """Create a selection for a multiple-selection field. Each option must be
    one of the field's options."""
    return api_types.FieldInput_MultipleSelection(list(options))


def multi_text(lines: Iterable[str]) -> FieldInput:
    """Create values for a `multi_text_field`, `multi_text_area` or
    `multi_hyperlink` field."""
    return api_types.FieldInput_MultiText(list(lines))


def approve(reason: str) -> FieldInput:
    """Create an approval for an approve/reject field."""
    return api_types.FieldInput_ApproveReject(
        api_types.Approval(approved=True, reason=reason)
    )


def reject(reason: str) -> FieldInput:
    """Create a rejection for an approve/reject field."""
    return api_types.FieldInput_ApproveReject(
        api_types.Approval(approved=False, reason=reason)
    )
