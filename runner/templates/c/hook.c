/*
 * The {{name}} hook: on ADVANCE, lists the access requests of the step the
 * ticket is leaving in a text field and adds a comment.
 *
 * Configuration key: `summary_field` (default `Risk Reason`), the field to
 * write. policy.toml must grant it under `write_fields`.
 */
#include <stdlib.h>
#include <string.h>

#include "hook_runner.h"

#define DEFAULT_SUMMARY_FIELD "Risk Reason"

/* Returns the step to summarize: on ADVANCE `current_stage` names the step
 * being left, and the ticket's current step may already be the next one. */
static const hr_step_t *summary_step(const hr_ticket_info_t *info, const hr_ticket_t *ticket) {
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

/* Returns "N access requests in step NAME: AR1, AR2" as a malloc'd string.
 * A step with several tasks repeats its fields on every task, so the first
 * access-request field is enough. */
static char *summarize(const hr_step_t *step) {
    const hr_access_request_t *requests = NULL;
    size_t count = 0;
    for (size_t t = 0; t < step->tasks.len && requests == NULL; t++) {
        const hr_task_t *task = &step->tasks.ptr[t];
        for (size_t f = 0; f < task->fields.len && requests == NULL; f++) {
            requests = hr_field_access_requests(&task->fields.ptr[f], &count);
        }
    }

    char *summary = hr_format("%zu access requests in step %.*s:", count, (int)step->name.len,
                              (const char *)step->name.ptr);
    for (size_t i = 0; i < count; i++) {
        const hr_string_t *order = &requests[i].order;
        char *longer = hr_format("%s%s %.*s", summary, i == 0 ? "" : ",", (int)order->len,
                                 (const char *)order->ptr);
        free(summary);
        summary = longer;
    }
    return summary;
}

bool hr_on_event(hr_event_t event, const hr_ticket_info_t *info, hr_outcome_t *outcome,
                 hr_hook_error_t *error) {
    if (event != HR_EVENT_ADVANCE) {
        hr_log_debug("ticket %llu: ignoring %s", (unsigned long long)info->id,
                     hr_event_name(event));
        return true;
    }

    hr_ticket_t ticket;
    char *message = NULL;
    hr_api_status_t status = hr_get_ticket(info->id, &ticket, &message);
    if (status != HR_API_OK) {
        hr_error_set(error, status == HR_API_UNAVAILABLE, "failed to read ticket %llu: %s",
                     (unsigned long long)info->id, message);
        free(message);
        return false;
    }

    const hr_step_t *step = summary_step(info, &ticket);
    if (step == NULL) {
        hr_log_info("ticket %llu: no step to summarize", (unsigned long long)info->id);
        hr_ticket_free(&ticket);
        return true;
    }
    char *summary = summarize(step);
    hr_log_info("ticket %llu: %s", (unsigned long long)info->id, summary);

    char *field = hr_config_get_or("summary_field", DEFAULT_SUMMARY_FIELD);
    hr_outcome_set_field(outcome, field, hr_text(summary));
    hr_outcome_add_comment(outcome, "{{name}} listed the access requests of step %.*s in %s.",
                           (int)step->name.len, (const char *)step->name.ptr, field);
    free(field);
    free(summary);
    hr_ticket_free(&ticket);
    return true;
}
