/*
 * high-risk: a scripted condition in C. It holds when the "Risk Level"
 * drop-down of the ticket's current step has the selection `High`, so that
 * a workflow can route high-risk tickets through an extra approval step.
 *
 * Configuration keys ([hook.config]):
 *   level_field  the drop-down to read (default "Risk Level")
 *   level        the selection that makes the condition hold (default "High")
 */
#include <stdlib.h>

#include "hook_runner.h"

bool hr_evaluate(const hr_ticket_t *ticket, bool *holds, hr_hook_error_t *error) {
    const hr_step_t *step = hr_ticket_current_step(ticket);
    if (step == NULL) {
        return hr_error_set(error, false,
                            "ticket %llu has no current step; a condition runs on an open ticket",
                            (unsigned long long)ticket->id);
    }

    char *field_name = hr_config_get_or("level_field", "Risk Level");
    char *level = hr_config_get_or("level", "High");
    bool ok = true;
    const hr_field_t *field = hr_step_field(step, field_name);
    if (field == NULL) {
        ok = hr_error_set(error, false,
                          "the current step has no field `%s`; set level_field in [hook.config]",
                          field_name);
    } else {
        const hr_string_t *selection = hr_field_selection(field);
        *holds = selection != NULL && hr_string_equals(selection, level);
        if (selection == NULL) {
            hr_log_info("ticket %llu: `%s` has no selection, so the condition does not hold",
                        (unsigned long long)ticket->id, field_name);
        } else {
            hr_log_info("ticket %llu: `%s` is `%.*s`, so the condition %s",
                        (unsigned long long)ticket->id, field_name, (int)selection->len,
                        (const char *)selection->ptr, *holds ? "holds" : "does not hold");
        }
    }
    free(field_name);
    free(level);
    return ok;
}
