/*
 * The task list a dynamic-assignment hook returns.
 */
#include <string.h>

#include "internal.h"

#if defined(HOOK_RUNNER_WORLD_ASSIGNMENT)

hr_task_assignment_t *hr_tasks_add(hr_task_list_t *tasks, const char *name) {
    size_t count = tasks->len + 1;
    tasks->ptr = hr_resize(tasks->ptr, count * sizeof *tasks->ptr);
    hr_task_assignment_t *task = &tasks->ptr[count - 1];
    memset(task, 0, sizeof *task);
    hr_string_copy(&task->name, name);
    task->mode.tag = HOOK_RUNNER_API_TYPES_ASSIGNMENT_MODE_SELF_ASSIGNMENT;
    tasks->len = count;
    return task;
}

void hr_task_add_participant(hr_task_assignment_t *task, const char *login) {
    size_t count = task->participants.len + 1;
    task->participants.ptr =
        hr_resize(task->participants.ptr, count * sizeof *task->participants.ptr);
    hr_string_copy(&task->participants.ptr[count - 1], login);
    task->participants.len = count;
}

void hr_task_add_access_request(hr_task_assignment_t *task, uint64_t id) {
    size_t count = task->access_request_ids.len + 1;
    task->access_request_ids.ptr =
        hr_resize(task->access_request_ids.ptr, count * sizeof *task->access_request_ids.ptr);
    task->access_request_ids.ptr[count - 1] = id;
    task->access_request_ids.len = count;
}

void hr_task_set_manual(hr_task_assignment_t *task, const char *assigner_login) {
    if (task->mode.tag == HOOK_RUNNER_API_TYPES_ASSIGNMENT_MODE_MANUAL) {
        hr_string_free(&task->mode.val.manual);
    }
    task->mode.tag = HOOK_RUNNER_API_TYPES_ASSIGNMENT_MODE_MANUAL;
    hr_string_copy(&task->mode.val.manual, assigner_login);
}

#endif
