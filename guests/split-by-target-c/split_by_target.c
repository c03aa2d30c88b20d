/*
 * split-by-target: a dynamic-assignment hook in C. It opens one task per
 * target device named by the access requests of the ticket's current step,
 * and gives each task the access requests that name its device.
 *
 * Configuration keys ([hook.config]):
 *   participants  comma-separated SecureChange logins who may handle every
 *                 task (required)
 *   assigner      a login that picks each task's handler; without it, the
 *                 tasks use self-assignment
 */
#include <stdlib.h>
#include <string.h>

#include "hook_runner.h"

/* Returns the task named `name` in `tasks`, or NULL. */
static hr_task_assignment_t *find_task(hr_task_list_t *tasks, const hr_string_t *name) {
    for (size_t i = 0; i < tasks->len; i++) {
        hr_string_t *task_name = &tasks->ptr[i].name;
        if (task_name->len == name->len && memcmp(task_name->ptr, name->ptr, name->len) == 0) {
            return &tasks->ptr[i];
        }
    }
    return NULL;
}

/* Adds the comma-separated logins in `participants` and the assigner to
 * every task. Empty names between commas are skipped. */
static void staff_tasks(hr_task_list_t *tasks, const char *participants, const char *assigner) {
    for (size_t i = 0; i < tasks->len; i++) {
        const char *start = participants;
        while (*start != '\0') {
            const char *end = strchr(start, ',');
            size_t length = end != NULL ? (size_t)(end - start) : strlen(start);
            if (length > 0) {
                char *login = hr_format("%.*s", (int)length, start);
                hr_task_add_participant(&tasks->ptr[i], login);
                free(login);
            }
            start += length;
            if (*start == ',') {
                start++;
            }
        }
        if (assigner != NULL && assigner[0] != '\0') {
            hr_task_set_manual(&tasks->ptr[i], assigner);
        }
    }
}

bool hr_assign(const hr_ticket_t *ticket, hr_task_list_t *tasks, hr_hook_error_t *error) {
    const hr_step_t *step = hr_ticket_current_step(ticket);
    if (step == NULL) {
        return hr_error_set(error, false, "ticket %llu has no current step to split",
                            (unsigned long long)ticket->id);
    }
    char *participants = hr_config_get("participants");
    if (participants == NULL) {
        return hr_error_set(error, false,
                            "no participants: set participants in [hook.config] to the "
                            "comma-separated logins who handle the tasks");
    }

    /* A step with several tasks repeats its fields on each, so the first
     * task's access-request field is the whole list. */
    for (size_t f = 0; step->tasks.len > 0 && f < step->tasks.ptr[0].fields.len; f++) {
        size_t count;
        const hr_access_request_t *requests =
            hr_field_access_requests(&step->tasks.ptr[0].fields.ptr[f], &count);
        for (size_t r = 0; r < count; r++) {
            for (size_t t = 0; t < requests[r].targets.len; t++) {
                const hr_string_t *target = &requests[r].targets.ptr[t];
                hr_task_assignment_t *task = find_task(tasks, target);
                if (task == NULL) {
                    char *name = hr_string_to_cstr(target);
                    task = hr_tasks_add(tasks, name);
                    free(name);
                }
                hr_task_add_access_request(task, requests[r].id);
            }
        }
    }

    char *assigner = hr_config_get("assigner");
    staff_tasks(tasks, participants, assigner);
    hr_log_info("ticket %llu: %zu tasks, one per target device", (unsigned long long)ticket->id,
                tasks->len);
    free(participants);
    free(assigner);
    return true;
}
