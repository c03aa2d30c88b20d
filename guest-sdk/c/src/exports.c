/*
 * The world's export, which wit-bindgen's bindings call: it hands the hook
 * function an empty result to fill, and frees the arguments afterwards,
 * because exported functions own their arguments. The generated
 * post-return function frees the result once the host has read it.
 */
#include <string.h>

#include "internal.h"

/* Sets a message on a failure that has none, because hook-runner shows the
 * message to the admin. */
static void name_silent_failure(hr_hook_error_t *error) {
    if (error->message.len == 0) {
        hr_error_set(error, false, "the hook failed and set no error message");
    }
}

#if defined(HOOK_RUNNER_WORLD_TRIGGER)

bool exports_trigger_on_event(hr_event_t event, hr_ticket_info_t *info, hr_outcome_t *ret,
                              hr_hook_error_t *err) {
    memset(ret, 0, sizeof *ret);
    memset(err, 0, sizeof *err);
    bool ok = hr_on_event(event, info, ret, err);
    hook_runner_api_types_ticket_info_free(info);
    if (ok) {
        hook_runner_api_types_hook_error_free(err);
    } else {
        hook_runner_api_types_outcome_free(ret);
        name_silent_failure(err);
    }
    return ok;
}

#elif defined(HOOK_RUNNER_WORLD_CONDITION)

bool exports_condition_evaluate(hr_ticket_t *ticket, bool *ret, hr_hook_error_t *err) {
    *ret = false;
    memset(err, 0, sizeof *err);
    bool ok = hr_evaluate(ticket, ret, err);
    hook_runner_api_types_ticket_free(ticket);
    if (ok) {
        hook_runner_api_types_hook_error_free(err);
    } else {
        name_silent_failure(err);
    }
    return ok;
}

#else

bool exports_assignment_assign(hr_ticket_t *ticket, hr_task_list_t *ret, hr_hook_error_t *err) {
    memset(ret, 0, sizeof *ret);
    memset(err, 0, sizeof *err);
    bool ok = hr_assign(ticket, ret, err);
    hook_runner_api_types_ticket_free(ticket);
    if (ok) {
        hook_runner_api_types_hook_error_free(err);
    } else {
        assignment_list_task_assignment_free(ret);
        name_silent_failure(err);
    }
    return ok;
}

#endif
