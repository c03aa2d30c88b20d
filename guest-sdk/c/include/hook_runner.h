/*
 * hook_runner.h: write hook-runner hooks in C.
 *
 * A hook is a WebAssembly component that hook-runner calls when Tufin
 * SecureChange reports a workflow event. This header is a typed layer over
 * the bindings that wit-bindgen's C generator writes for the worlds of the
 * `hook-runner:api@0.1.0` WIT package (guest-sdk/c/bindings/WORLD/):
 *
 *   - short names for the WIT types (hr_ticket_t, hr_field_t, ...),
 *   - string helpers, because WIT strings are not NUL-terminated,
 *   - lookups: steps by name, fields by name, typed field values,
 *   - constructors for field values and the outcome a trigger hook returns,
 *   - builders for the task list of a dynamic-assignment hook,
 *   - the host services: logging, configuration values, reading the ticket.
 *
 * Choose the world with exactly one macro, on the compiler command line so
 * that the SDK's sources see it too:
 *
 *   -DHOOK_RUNNER_WORLD_TRIGGER     a hook on workflow events; define hr_on_event
 *   -DHOOK_RUNNER_WORLD_CONDITION   a scripted condition; define hr_evaluate
 *   -DHOOK_RUNNER_WORLD_ASSIGNMENT  a dynamic-assignment hook; define hr_assign
 *
 * and add the world's bindings folder to the include path. The SDK's
 * sources in src/ define the world's export (such as `on-event`) and call the
 * hook's function; docs/c-hooks.md shows the whole build.
 *
 * Memory ownership:
 *
 *   - Everything the SDK hands to a hook function (the ticket info, the
 *     ticket) belongs to the SDK, which frees it after the function returns.
 *     Copy what must outlive the call.
 *   - Everything put into an outcome, a task list or a hook error must be
 *     allocated with malloc, because the generated bindings free it with
 *     free() after the host has read it. The constructors and builders below
 *     copy their arguments into such memory, so string literals and stack
 *     buffers are fine to pass.
 *   - Functions that return `char *` return a NUL-terminated copy that the
 *     caller frees with free(). Functions that return `const` pointers
 *     return views into an object the caller already owns.
 *   - When an allocation fails, the SDK calls abort(), which traps the
 *     component: hook-runner reports the hook as failed. A hook's memory
 *     limit is set in its policy.toml.
 */
#ifndef HOOK_RUNNER_H
#define HOOK_RUNNER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(HOOK_RUNNER_WORLD_TRIGGER) + defined(HOOK_RUNNER_WORLD_CONDITION) + \
        defined(HOOK_RUNNER_WORLD_ASSIGNMENT) != 1
#error "define exactly one of HOOK_RUNNER_WORLD_TRIGGER, HOOK_RUNNER_WORLD_CONDITION and HOOK_RUNNER_WORLD_ASSIGNMENT, for example with -DHOOK_RUNNER_WORLD_TRIGGER"
#endif

#if defined(HOOK_RUNNER_WORLD_TRIGGER)
#include "trigger.h"
typedef trigger_string_t hr_string_t;
#elif defined(HOOK_RUNNER_WORLD_CONDITION)
#include "condition.h"
typedef condition_string_t hr_string_t;
#else
#include "assignment.h"
typedef assignment_string_t hr_string_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define HR_PRINTF(format_index, first_arg) \
    __attribute__((format(printf, format_index, first_arg)))
#else
#define HR_PRINTF(format_index, first_arg)
#endif

/* ---- WIT types under short names ---------------------------------------- */

/* A SecureChange workflow event (HR_EVENT_CREATE, HR_EVENT_ADVANCE, ...). */
typedef hook_runner_api_types_event_t hr_event_t;
/* The <ticket_info> document SecureChange hands a trigger hook. */
typedef hook_runner_api_types_ticket_info_t hr_ticket_info_t;
/* A whole ticket as the SecureChange REST API returns it. */
typedef hook_runner_api_types_ticket_t hr_ticket_t;
typedef hook_runner_api_types_step_t hr_step_t;
typedef hook_runner_api_types_task_t hr_task_t;
typedef hook_runner_api_types_field_t hr_field_t;
typedef hook_runner_api_types_comment_t hr_comment_t;
typedef hook_runner_api_types_access_request_t hr_access_request_t;
typedef hook_runner_api_types_network_object_t hr_network_object_t;
typedef hook_runner_api_types_service_t hr_service_t;
/* A new value for a field; build one with hr_text(), hr_checkbox(), ... */
typedef hook_runner_api_types_field_input_t hr_field_input_t;
/* Why a hook failed; fill one with hr_error_set(). */
typedef hook_runner_api_types_hook_error_t hr_hook_error_t;

#define HR_EVENT_CREATE HOOK_RUNNER_API_TYPES_EVENT_CREATE
#define HR_EVENT_CLOSE HOOK_RUNNER_API_TYPES_EVENT_CLOSE
#define HR_EVENT_CANCEL HOOK_RUNNER_API_TYPES_EVENT_CANCEL
#define HR_EVENT_REJECT HOOK_RUNNER_API_TYPES_EVENT_REJECT
#define HR_EVENT_ADVANCE HOOK_RUNNER_API_TYPES_EVENT_ADVANCE
#define HR_EVENT_REDO HOOK_RUNNER_API_TYPES_EVENT_REDO
#define HR_EVENT_RESUBMIT HOOK_RUNNER_API_TYPES_EVENT_RESUBMIT
#define HR_EVENT_REOPEN HOOK_RUNNER_API_TYPES_EVENT_REOPEN
#define HR_EVENT_RESOLVE HOOK_RUNNER_API_TYPES_EVENT_RESOLVE
#define HR_EVENT_AUTOMATION_FAILED HOOK_RUNNER_API_TYPES_EVENT_AUTOMATION_FAILED
#define HR_EVENT_PRE_ASSIGNMENT_SCRIPT HOOK_RUNNER_API_TYPES_EVENT_PRE_ASSIGNMENT_SCRIPT
#define HR_EVENT_TEST HOOK_RUNNER_API_TYPES_EVENT_TEST

/* Returns the event's name as SecureChange spells it in SCW_EVENT, such as
 * "ADVANCE", or "UNKNOWN" for a value outside the enum. */
const char *hr_event_name(hr_event_t event);

/* ---- Strings ------------------------------------------------------------ */
/* WIT strings are UTF-8 byte ranges (`ptr`, `len`) without a NUL byte. */

/* Returns whether `string` has exactly the bytes of the C string `text`. */
bool hr_string_equals(const hr_string_t *string, const char *text);

/* Returns a NUL-terminated copy of `string`; free it with free(). A NUL byte
 * inside `string` ends the C string early. */
char *hr_string_to_cstr(const hr_string_t *string);

/* Sets `string` to a malloc'd copy of `text`, as outcomes and errors need. */
void hr_string_copy(hr_string_t *string, const char *text);

/* Frees the bytes of `string` and sets it to the empty string. An empty
 * string owns no memory, so this is safe on any string, the host's included. */
void hr_string_free(hr_string_t *string);

/* Returns a malloc'd string formatted like printf; free it with free(). */
char *hr_format(const char *format, ...) HR_PRINTF(1, 2);

/* ---- Logging ------------------------------------------------------------ */
/* hook-runner writes each line to its log under the hook's name. */

typedef enum hr_log_level {
    HR_LOG_TRACE = HOOK_RUNNER_API_LOG_LEVEL_TRACE,
    HR_LOG_DEBUG = HOOK_RUNNER_API_LOG_LEVEL_DEBUG,
    HR_LOG_INFO = HOOK_RUNNER_API_LOG_LEVEL_INFO,
    HR_LOG_WARN = HOOK_RUNNER_API_LOG_LEVEL_WARN,
    HR_LOG_ERROR = HOOK_RUNNER_API_LOG_LEVEL_ERROR,
} hr_log_level_t;

/* Logs a line formatted like printf at `level`. */
void hr_log(hr_log_level_t level, const char *format, ...) HR_PRINTF(2, 3);

#define hr_log_debug(...) hr_log(HR_LOG_DEBUG, __VA_ARGS__)
#define hr_log_info(...) hr_log(HR_LOG_INFO, __VA_ARGS__)
#define hr_log_warn(...) hr_log(HR_LOG_WARN, __VA_ARGS__)
#define hr_log_error(...) hr_log(HR_LOG_ERROR, __VA_ARGS__)

/* ---- Configuration ------------------------------------------------------ */
/* The values under the hook's [hook.config] table in hook-runner's
 * configuration. */

/* Returns the value of `key` as a malloc'd string, or NULL when the
 * configuration sets no such key for this hook. */
char *hr_config_get(const char *key);

/* Returns the value of `key`, or a copy of `fallback` when it is unset, as a
 * malloc'd string. */
char *hr_config_get_or(const char *key, const char *fallback);

/* ---- Reading the ticket through the host -------------------------------- */

/* How a ticket read ended. */
typedef enum hr_api_status {
    HR_API_OK = 0,
    /* The policy does not grant ticket reads, or the id is not the event's
     * ticket. Running the hook again does not help. */
    HR_API_DENIED,
    /* SecureChange has no ticket with this id. */
    HR_API_NOT_FOUND,
    /* The API could not be reached or failed; a later run may succeed. */
    HR_API_UNAVAILABLE,
} hr_api_status_t;

/* Reads the whole ticket `id` through the host, which uses its own API
 * credentials. On HR_API_OK, `*ticket` is filled and must be released with
 * hr_ticket_free(). Otherwise, when `message` is not NULL, `*message` is the
 * host's explanation as a malloc'd string. A hook may read only the ticket
 * of the event it runs for, and only when its policy grants reads. */
hr_api_status_t hr_get_ticket(uint64_t id, hr_ticket_t *ticket, char **message);

/* Frees everything hr_get_ticket() put into `ticket`. */
void hr_ticket_free(hr_ticket_t *ticket);

/* ---- Lookups ------------------------------------------------------------ */
/* The returned pointers point into the object passed in. */

/* Returns the name of the step the event happened on (`current_stage` in
 * <ticket_info>), or NULL when SecureChange named none, as for a completed
 * ticket. On ADVANCE this is the step being left. */
const hr_string_t *hr_info_stage_name(const hr_ticket_info_t *info);

/* Returns the step named `name`, or NULL. A ticket that went through a
 * step twice (a redo) has it twice: this returns the last one. */
const hr_step_t *hr_ticket_step(const hr_ticket_t *ticket, const char *name);

/* Returns the ticket's current step, or NULL once it is closed, cancelled or
 * rejected. */
const hr_step_t *hr_ticket_current_step(const hr_ticket_t *ticket);

/* Returns the first field named `name` on any task of `step`, or NULL. A
 * step with several tasks repeats its fields on each of them. */
const hr_field_t *hr_step_field(const hr_step_t *step, const char *name);

/* Returns the field named `name` on `task`, or NULL. */
const hr_field_t *hr_task_field(const hr_task_t *task, const char *name);

/* Returns the text of a text, text area, manager or hyperlink field, or NULL
 * for a field of another type. */
const hr_string_t *hr_field_text(const hr_field_t *field);

/* Returns the selected option of a drop-down field, or NULL when nothing is
 * selected or the field is of another type. */
const hr_string_t *hr_field_selection(const hr_field_t *field);

/* Stores a checkbox field's state in `*checked` and returns true, or returns
 * false for an unset checkbox or a field of another type. */
bool hr_field_checkbox(const hr_field_t *field, bool *checked);

/* Returns the access requests of a multi_access_request field and stores
 * their number in `*count`, or returns NULL (and a count of 0) for a field
 * of another type. */
const hr_access_request_t *hr_field_access_requests(const hr_field_t *field, size_t *count);

/* Returns whether any comment of `ticket` has exactly the text `text`. A
 * hook that SecureChange runs again after a failure can check this to avoid
 * adding the same comment twice. */
bool hr_ticket_has_comment(const hr_ticket_t *ticket, const char *text);

/* ---- Field values ------------------------------------------------------- */
/* Each constructor copies its arguments into malloc'd memory. */

/* A value for a text_field, text_area or manager field. */
hr_field_input_t hr_text(const char *text);
hr_field_input_t hr_hyperlink(const char *url);
hr_field_input_t hr_checkbox(bool checked);
/* A date as YYYY-MM-DD; SecureChange validates the format. */
hr_field_input_t hr_date(const char *date);
/* A time as HH:MM; SecureChange validates the format. */
hr_field_input_t hr_time(const char *time);
/* One of the drop-down field's options. */
hr_field_input_t hr_drop_down(const char *option);
/* Some of the multiple-selection field's options. */
hr_field_input_t hr_multiple_selection(const char *const *options, size_t count);
/* A decision for an approve_reject field. */
hr_field_input_t hr_approval(bool approved, const char *reason);
/* The lines of a multi_text_field, multi_text_area or multi_hyperlink. */
hr_field_input_t hr_multi_text(const char *const *texts, size_t count);

/* Frees a value that was built but not handed to an outcome. */
void hr_field_input_free(hr_field_input_t *value);

/* ---- Errors ------------------------------------------------------------- */

/* Sets the message of `error`, formatted like printf, in place of any
 * earlier one. `retryable` is true when a later run may succeed (a service
 * was down) and false when it cannot (the ticket's data is wrong). Returns
 * false, so that a hook function can end with `return hr_error_set(...);`. */
bool hr_error_set(hr_hook_error_t *error, bool retryable, const char *format, ...)
    HR_PRINTF(3, 4);

/* ---- Trigger hooks ------------------------------------------------------ */
#if defined(HOOK_RUNNER_WORLD_TRIGGER)

/* The changes to the ticket that a trigger hook requests. */
typedef hook_runner_api_types_outcome_t hr_outcome_t;

/* Asks hook-runner to write `value` into the field named `field` on every
 * task of the ticket's current step that has it. The outcome takes
 * ownership of `value`. The policy must grant the field in write_fields. */
void hr_outcome_set_field(hr_outcome_t *outcome, const char *field, hr_field_input_t value);

/* Asks hook-runner to add a comment, formatted like printf, to the ticket's
 * current step. The policy must grant comments. */
void hr_outcome_add_comment(hr_outcome_t *outcome, const char *format, ...) HR_PRINTF(2, 3);

/* Defined by the hook: handles `event` for the ticket in `info`. On success
 * it fills `outcome` (which starts empty) and returns true; on failure it
 * fills `error`, usually with hr_error_set(), and returns false. */
bool hr_on_event(hr_event_t event, const hr_ticket_info_t *info, hr_outcome_t *outcome,
                 hr_hook_error_t *error);

#endif

/* ---- Scripted conditions ------------------------------------------------ */
#if defined(HOOK_RUNNER_WORLD_CONDITION)

/* Defined by the hook: decides whether the workflow condition holds for
 * `ticket`, which the host read through the API before the call. On success
 * it stores the decision in `*holds` (which starts false) and returns true;
 * on failure it fills `error` and returns false. */
bool hr_evaluate(const hr_ticket_t *ticket, bool *holds, hr_hook_error_t *error);

#endif

/* ---- Dynamic assignment ------------------------------------------------- */
#if defined(HOOK_RUNNER_WORLD_ASSIGNMENT)

/* A task that SecureChange opens on the step for the hook. */
typedef hook_runner_api_types_task_assignment_t hr_task_assignment_t;
/* The tasks a dynamic-assignment hook returns. */
typedef assignment_list_task_assignment_t hr_task_list_t;

/* Appends a task named `name` in self-assignment mode, with no participants
 * and no access requests, and returns it. The pointer is valid until the
 * next hr_tasks_add() on the same list. */
hr_task_assignment_t *hr_tasks_add(hr_task_list_t *tasks, const char *name);

/* Adds the SecureChange login `login` to the users who may handle `task`. */
void hr_task_add_participant(hr_task_assignment_t *task, const char *login);

/* Adds the access request `id` to those `task` handles. SecureChange puts
 * the access requests that no task names into the step's default task. */
void hr_task_add_access_request(hr_task_assignment_t *task, uint64_t id);

/* Switches `task` to manual assignment: the user `assigner_login` picks the
 * handler from the participants. */
void hr_task_set_manual(hr_task_assignment_t *task, const char *assigner_login);

/* Defined by the hook: splits the current step of `ticket` into tasks. On
 * success it appends them to `tasks` (which starts empty) and returns true;
 * on failure it fills `error` and returns false. */
bool hr_assign(const hr_ticket_t *ticket, hr_task_list_t *tasks, hr_hook_error_t *error);

#endif

#ifdef __cplusplus
}
#endif

#endif /* HOOK_RUNNER_H */
