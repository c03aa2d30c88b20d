/*
 * String and allocation helpers: WIT strings are (ptr, len) byte ranges,
 * and everything handed back to the host must be malloc'd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void *hr_alloc(size_t size) {
    void *pointer = malloc(size == 0 ? 1 : size);
    if (pointer == NULL) {
        abort();
    }
    return pointer;
}

void *hr_resize(void *pointer, size_t size) {
    void *resized = realloc(pointer, size == 0 ? 1 : size);
    if (resized == NULL) {
        abort();
    }
    return resized;
}

char *hr_vformat(const char *format, va_list arguments) {
    va_list measure;
    va_copy(measure, arguments);
    int length = vsnprintf(NULL, 0, format, measure);
    va_end(measure);
    if (length < 0) {
        /* Only an invalid format makes vsnprintf fail; show it as written. */
        format = "(invalid format string)";
        length = (int)strlen(format);
        char *text = hr_alloc((size_t)length + 1);
        memcpy(text, format, (size_t)length + 1);
        return text;
    }
    char *text = hr_alloc((size_t)length + 1);
    vsnprintf(text, (size_t)length + 1, format, arguments);
    return text;
}

char *hr_format(const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    char *text = hr_vformat(format, arguments);
    va_end(arguments);
    return text;
}

/* An empty hr_string_t owns no memory, as in the generated bindings: the
 * canonical ABI hands the guest empty strings with the pointer 1, which is
 * not a heap block, so only strings with bytes are ever freed. */

void hr_string_take(hr_string_t *string, char *text) {
    size_t length = strlen(text);
    if (length == 0) {
        free(text);
        string->ptr = NULL;
        string->len = 0;
        return;
    }
    string->ptr = (uint8_t *)text;
    string->len = length;
}

bool hr_string_equals(const hr_string_t *string, const char *text) {
    size_t length = strlen(text);
    return string->len == length && (length == 0 || memcmp(string->ptr, text, length) == 0);
}

char *hr_string_to_cstr(const hr_string_t *string) {
    char *text = hr_alloc(string->len + 1);
    if (string->len > 0) {
        memcpy(text, string->ptr, string->len);
    }
    text[string->len] = '\0';
    return text;
}

void hr_string_copy(hr_string_t *string, const char *text) {
    size_t length = strlen(text);
    if (length == 0) {
        string->ptr = NULL;
        string->len = 0;
        return;
    }
    string->ptr = hr_alloc(length + 1);
    memcpy(string->ptr, text, length);
    string->len = length;
}

void hr_string_free(hr_string_t *string) {
    if (string->len > 0) {
        free(string->ptr);
    }
    string->ptr = NULL;
    string->len = 0;
}
