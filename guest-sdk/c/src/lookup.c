/*
 * Lookups in the ticket types: steps and fields by name, typed field
 * values, comments and event names.
 */
#include <string.h>

#include "internal.h"

const char *hr_event_name(hr_event_t event) {
    switch (event) {
    case HR_EVENT_CREATE:
        return "CREATE";
    case HR_EVENT_CLOSE:
        return "CLOSE";
    case HR_EVENT_CANCEL:
        return "CANCEL";
    case HR_EVENT_REJECT:
        return "REJECT";
    case HR_EVENT_ADVANCE:
        return "ADVANCE";
    case HR_EVENT_REDO:
        return "REDO";
    case HR_EVENT_RESUBMIT:
        return "RESUBMIT";
    case HR_EVENT_REOPEN:
        return "REOPEN";
    case HR_EVENT_RESOLVE:
        return "RESOLVE";
    case HR_EVENT_AUTOMATION_FAILED:
        return "AUTOMATION_FAILED";
    case HR_EVENT_PRE_ASSIGNMENT_SCRIPT:
        return "PRE_ASSIGNMENT_SCRIPT";
    case HR_EVENT_TEST:
        return "TEST";
    default:
        return "UNKNOWN";
    }
}

const hr_string_t *hr_info_stage_name(const hr_ticket_info_t *info) {
    if (!info->current_stage.is_some) {
        return NULL;
    }
    return &info->current_stage.val.name;
}

const hr_step_t *hr_ticket_step(const hr_ticket_t *ticket, const char *name) {
    const hr_step_t *found = NULL;
    for (size_t i = 0; i < ticket->steps.len; i++) {
        if (hr_string_equals(&ticket->steps.ptr[i].name, name)) {
            found = &ticket->steps.ptr[i];
        }
    }
    return found;
}

const hr_step_t *hr_ticket_current_step(const hr_ticket_t *ticket) {
    if (!ticket->current_step.is_some) {
        return NULL;
    }
    /* The current step is the last step with its id: a redone step appears
     * once per pass, and the last pass is the live one. */
    const hr_step_t *found = NULL;
    for (size_t i = 0; i < ticket->steps.len; i++) {
        if (ticket->steps.ptr[i].id == ticket->current_step.val.id) {
            found = &ticket->steps.ptr[i];
        }
    }
    return found;
}

const hr_field_t *hr_task_field(const hr_task_t *task, const char *name) {
    for (size_t i = 0; i < task->fields.len; i++) {
        if (hr_string_equals(&task->fields.ptr[i].name, name)) {
            return &task->fields.ptr[i];
        }
    }
    return NULL;
}

const hr_field_t *hr_step_field(const hr_step_t *step, const char *name) {
    for (size_t i = 0; i < step->tasks.len; i++) {
        const hr_field_t *field = hr_task_field(&step->tasks.ptr[i], name);
        if (field != NULL) {
            return field;
        }
    }
    return NULL;
}

const hr_string_t *hr_field_text(const hr_field_t *field) {
    switch (field->value.tag) {
    case HOOK_RUNNER_API_TYPES_FIELD_VALUE_TEXT:
        return &field->value.val.text;
    case HOOK_RUNNER_API_TYPES_FIELD_VALUE_HYPERLINK:
        return &field->value.val.hyperlink;
    default:
        return NULL;
    }
}

const hr_string_t *hr_field_selection(const hr_field_t *field) {
    if (field->value.tag != HOOK_RUNNER_API_TYPES_FIELD_VALUE_DROP_DOWN) {
        return NULL;
    }
    if (!field->value.val.drop_down.selection.is_some) {
        return NULL;
    }
    return &field->value.val.drop_down.selection.val;
}

bool hr_field_checkbox(const hr_field_t *field, bool *checked) {
    if (field->value.tag != HOOK_RUNNER_API_TYPES_FIELD_VALUE_CHECKBOX) {
        return false;
    }
    if (!field->value.val.checkbox.is_some) {
        return false;
    }
    *checked = field->value.val.checkbox.val;
    return true;
}

const hr_access_request_t *hr_field_access_requests(const hr_field_t *field, size_t *count) {
    if (field->value.tag != HOOK_RUNNER_API_TYPES_FIELD_VALUE_ACCESS_REQUESTS) {
        *count = 0;
        return NULL;
    }
    *count = field->value.val.access_requests.len;
    return field->value.val.access_requests.ptr;
}

bool hr_ticket_has_comment(const hr_ticket_t *ticket, const char *text) {
    for (size_t i = 0; i < ticket->comments.len; i++) {
        if (hr_string_equals(&ticket->comments.ptr[i].content, text)) {
            return true;
        }
    }
    return false;
}
