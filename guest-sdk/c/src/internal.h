/*
 * Helpers shared by the SDK's sources; not part of the public header.
 */
#ifndef HOOK_RUNNER_INTERNAL_H
#define HOOK_RUNNER_INTERNAL_H

#include "hook_runner.h"

/* Allocates `size` bytes with malloc, and aborts (a trap) when that fails,
 * as hook_runner.h documents. Returns a non-NULL pointer for size 0 too. */
void *hr_alloc(size_t size);

/* Resizes `pointer` to `size` bytes with realloc, and aborts when that
 * fails. */
void *hr_resize(void *pointer, size_t size);

/* Returns a malloc'd string formatted like vprintf. */
char *hr_vformat(const char *format, va_list arguments);

/* Sets `string` to own the malloc'd C string `text` (without its NUL). */
void hr_string_take(hr_string_t *string, char *text);

#endif
