/*
 * The host services: logging, configuration values and ticket reads.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void hr_log(hr_log_level_t level, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    hr_string_t message;
    hr_string_take(&message, hr_vformat(format, arguments));
    va_end(arguments);
    hook_runner_api_log_log((hook_runner_api_log_level_t)level, &message);
    hr_string_free(&message);
}

char *hr_config_get(const char *key) {
    hr_string_t name;
    hr_string_copy(&name, key);
    hr_string_t value;
    bool found = hook_runner_api_config_get(&name, &value);
    hr_string_free(&name);
    if (!found) {
        return NULL;
    }
    char *text = hr_string_to_cstr(&value);
    hr_string_free(&value);
    return text;
}

char *hr_config_get_or(const char *key, const char *fallback) {
    char *value = hr_config_get(key);
    if (value != NULL) {
        return value;
    }
    return hr_format("%s", fallback);
}

hr_api_status_t hr_get_ticket(uint64_t id, hr_ticket_t *ticket, char **message) {
    hook_runner_api_tickets_api_error_t error;
    if (hook_runner_api_tickets_get_ticket(id, ticket, &error)) {
        return HR_API_OK;
    }
    hr_api_status_t status;
    const hr_string_t *explanation;
    switch (error.tag) {
    case HOOK_RUNNER_API_TICKETS_API_ERROR_DENIED:
        status = HR_API_DENIED;
        explanation = &error.val.denied;
        break;
    case HOOK_RUNNER_API_TICKETS_API_ERROR_NOT_FOUND:
        status = HR_API_NOT_FOUND;
        explanation = &error.val.not_found;
        break;
    default:
        status = HR_API_UNAVAILABLE;
        explanation = &error.val.unavailable;
        break;
    }
    if (message != NULL) {
        *message = hr_string_to_cstr(explanation);
    }
    hook_runner_api_tickets_api_error_free(&error);
    memset(ticket, 0, sizeof *ticket);
    return status;
}

void hr_ticket_free(hr_ticket_t *ticket) {
    hook_runner_api_types_ticket_free(ticket);
}
