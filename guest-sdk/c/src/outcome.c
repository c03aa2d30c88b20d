/*
 * The outcome a trigger hook returns: field updates and comments.
 */
#include "internal.h"

#if defined(HOOK_RUNNER_WORLD_TRIGGER)

void hr_outcome_set_field(hr_outcome_t *outcome, const char *field, hr_field_input_t value) {
    size_t count = outcome->field_updates.len + 1;
    outcome->field_updates.ptr =
        hr_resize(outcome->field_updates.ptr, count * sizeof *outcome->field_updates.ptr);
    hook_runner_api_types_field_update_t *update = &outcome->field_updates.ptr[count - 1];
    hr_string_copy(&update->field, field);
    update->value = value;
    outcome->field_updates.len = count;
}

void hr_outcome_add_comment(hr_outcome_t *outcome, const char *format, ...) {
    size_t count = outcome->comments.len + 1;
    outcome->comments.ptr = hr_resize(outcome->comments.ptr, count * sizeof *outcome->comments.ptr);
    va_list arguments;
    va_start(arguments, format);
    hr_string_take(&outcome->comments.ptr[count - 1], hr_vformat(format, arguments));
    va_end(arguments);
    outcome->comments.len = count;
}

#endif
