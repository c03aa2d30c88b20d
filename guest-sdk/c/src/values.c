/*
 * Field value constructors and hook errors. Everything they build is
 * malloc'd, because the generated bindings free it after the host read it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Returns a malloc'd list of copies of `texts`, in the layout of every WIT
 * list<string> type. */
static hr_string_t *copy_strings(const char *const *texts, size_t count) {
    hr_string_t *copies = hr_alloc(count * sizeof *copies);
    for (size_t i = 0; i < count; i++) {
        hr_string_copy(&copies[i], texts[i]);
    }
    return copies;
}

hr_field_input_t hr_text(const char *text) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_TEXT};
    hr_string_copy(&value.val.text, text);
    return value;
}

hr_field_input_t hr_hyperlink(const char *url) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_HYPERLINK};
    hr_string_copy(&value.val.hyperlink, url);
    return value;
}

hr_field_input_t hr_checkbox(bool checked) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_CHECKBOX};
    value.val.checkbox = checked;
    return value;
}

hr_field_input_t hr_date(const char *date) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_DATE};
    hr_string_copy(&value.val.date, date);
    return value;
}

hr_field_input_t hr_time(const char *time) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_TIME};
    hr_string_copy(&value.val.time, time);
    return value;
}

hr_field_input_t hr_drop_down(const char *option) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_DROP_DOWN};
    hr_string_copy(&value.val.drop_down, option);
    return value;
}

hr_field_input_t hr_multiple_selection(const char *const *options, size_t count) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_MULTIPLE_SELECTION};
    value.val.multiple_selection.ptr = copy_strings(options, count);
    value.val.multiple_selection.len = count;
    return value;
}

hr_field_input_t hr_approval(bool approved, const char *reason) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_APPROVE_REJECT};
    value.val.approve_reject.approved = approved;
    hr_string_copy(&value.val.approve_reject.reason, reason);
    return value;
}

hr_field_input_t hr_multi_text(const char *const *texts, size_t count) {
    hr_field_input_t value = {.tag = HOOK_RUNNER_API_TYPES_FIELD_INPUT_MULTI_TEXT};
    value.val.multi_text.ptr = copy_strings(texts, count);
    value.val.multi_text.len = count;
    return value;
}

void hr_field_input_free(hr_field_input_t *value) {
    hook_runner_api_types_field_input_free(value);
}

bool hr_error_set(hr_hook_error_t *error, bool retryable, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    hr_string_free(&error->message);
    hr_string_take(&error->message, hr_vformat(format, arguments));
    va_end(arguments);
    error->retryable = retryable;
    return false;
}
