/*
 * change-window: a trigger hook in C that checks the "Change Window" text
 * field of the step an event happened on. The field must read
 * `YYYY-MM-DD HH:MM-HH:MM`, such as `2026-12-05 22:00-23:30`.
 *
 * A valid window sets the "Change Window Status" field to `Valid`. An
 * invalid one sets it to `Invalid` and adds a comment with the reason and
 * the expected form. The status field may be a drop-down
 * list with the options Valid and Invalid, or a text field.
 *
 * Configuration keys ([hook.config]):
 *   window_field  the field to check (default "Change Window")
 *   status_field  the field to write (default "Change Window Status"),
 *                 which policy.toml must grant under write_fields
 */
#include <stdlib.h>
#include <string.h>

#include "hook_runner.h"
#include "window_format.h"

#define DEFAULT_WINDOW_FIELD "Change Window"
#define DEFAULT_STATUS_FIELD "Change Window Status"
/* A comment quotes at most this many bytes of an invalid window. */
#define MAX_QUOTED 64

/* Returns the step the event happened on: the stage that <ticket_info>
 * names (on ADVANCE, the step being left), else the current step. */
static const hr_step_t *event_step(const hr_ticket_info_t *info, const hr_ticket_t *ticket) {
    const hr_string_t *stage = hr_info_stage_name(info);
    if (stage != NULL) {
        char *name = hr_string_to_cstr(stage);
        const hr_step_t *step = hr_ticket_step(ticket, name);
        free(name);
        if (step != NULL) {
            return step;
        }
    }
    return hr_ticket_current_step(ticket);
}

/* Returns the value that writes `status` into `field`, by the field's type. */
static hr_field_input_t status_value(const hr_field_t *field, const char *status) {
    if (field->value.tag == HOOK_RUNNER_API_TYPES_FIELD_VALUE_DROP_DOWN) {
        return hr_drop_down(status);
    }
    return hr_text(status);
}

/* Checks the window field of `step` and fills `outcome`. */
static bool check_step(const hr_ticket_t *ticket, const hr_step_t *step, const char *window_name,
                       const char *status_name, hr_outcome_t *outcome, hr_hook_error_t *error) {
    char *step_name = hr_string_to_cstr(&step->name);
    const hr_field_t *window = hr_step_field(step, window_name);
    if (window == NULL) {
        hr_log_info("ticket %llu: step %s has no field `%s`; nothing to check",
                    (unsigned long long)ticket->id, step_name, window_name);
        free(step_name);
        return true;
    }
    free(step_name);

    const hr_string_t *text = hr_field_text(window);
    if (text == NULL) {
        char *type = hr_string_to_cstr(&window->field_type);
        hr_error_set(error, false,
                     "the field `%s` is a %s field, and change-window reads text fields; set "
                     "window_field in [hook.config] to a text field",
                     window_name, type);
        free(type);
        return false;
    }
    const hr_field_t *status = hr_step_field(step, status_name);
    if (status == NULL) {
        return hr_error_set(error, false,
                            "the step has no field `%s` to write the status into; add it to the "
                            "workflow or set status_field in [hook.config]",
                            status_name);
    }

    char reason[WINDOW_REASON_SIZE];
    if (window_parse((const char *)text->ptr, text->len, reason)) {
        hr_log_info("ticket %llu: change window `%.*s` is valid", (unsigned long long)ticket->id,
                    (int)text->len, (const char *)text->ptr);
        hr_outcome_set_field(outcome, status_name, status_value(status, "Valid"));
        return true;
    }

    int quoted = text->len > MAX_QUOTED ? MAX_QUOTED : (int)text->len;
    char *comment = hr_format("Change window `%.*s%s` is invalid: %s. Write it as "
                              "YYYY-MM-DD HH:MM-HH:MM, for example 2026-12-05 22:00-23:30.",
                              quoted, (const char *)text->ptr,
                              text->len > MAX_QUOTED ? "..." : "", reason);
    hr_log_info("ticket %llu: %s", (unsigned long long)ticket->id, comment);
    hr_outcome_set_field(outcome, status_name, status_value(status, "Invalid"));
    /* SecureChange runs a failed hook again; one comment is enough. */
    if (!hr_ticket_has_comment(ticket, comment)) {
        hr_outcome_add_comment(outcome, "%s", comment);
    }
    free(comment);
    return true;
}

bool hr_on_event(hr_event_t event, const hr_ticket_info_t *info, hr_outcome_t *outcome,
                 hr_hook_error_t *error) {
    if (event == HR_EVENT_TEST) {
        return true;
    }

    hr_ticket_t ticket;
    char *message = NULL;
    hr_api_status_t status = hr_get_ticket(info->id, &ticket, &message);
    if (status != HR_API_OK) {
        bool retryable = status == HR_API_UNAVAILABLE;
        hr_error_set(error, retryable, "failed to read ticket %llu: %s",
                     (unsigned long long)info->id, message);
        free(message);
        return false;
    }

    bool ok = true;
    const hr_step_t *step = event_step(info, &ticket);
    if (step == NULL) {
        hr_log_info("ticket %llu has no current step on %s; nothing to check",
                    (unsigned long long)info->id, hr_event_name(event));
    } else {
        char *window_name = hr_config_get_or("window_field", DEFAULT_WINDOW_FIELD);
        char *status_name = hr_config_get_or("status_field", DEFAULT_STATUS_FIELD);
        ok = check_step(&ticket, step, window_name, status_name, outcome, error);
        free(window_name);
        free(status_name);
    }
    hr_ticket_free(&ticket);
    return ok;
}
