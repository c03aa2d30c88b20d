/*
 * A classic SecureChange script as a hook-runner command hook, in plain C.
 *
 * It reads SCW_EVENT and the <ticket_info> document on standard input, as
 * SecureChange scripts always have, and prints a <hook_result> document
 * that sets the "Risk Level" drop-down from the ticket's priority and adds a
 * comment. Build it with any C compiler for wasm32-wasi, for example:
 *
 *     zig cc --target=wasm32-wasi -Os -Wl,-z,stack-size=1048576 -o priority-level.wasm priority_level.c
 *     clang --target=wasm32-wasi --sysroot=/usr -Os -o priority-level.wasm priority_level.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Real <ticket_info> documents are a few kilobytes. */
#define MAX_INPUT (64 * 1024)

/*
 * Copies the text of the first <name> element inside `scope` (or anywhere
 * when `scope` is NULL) into `out`. Returns 0 when the element is missing.
 */
static int element_text(const char *xml, const char *scope, const char *name,
                        char *out, size_t size) {
    char open[64], close[64];
    if (scope != NULL) {
        snprintf(open, sizeof open, "<%s>", scope);
        xml = strstr(xml, open);
        if (xml == NULL) {
            return 0;
        }
    }
    snprintf(open, sizeof open, "<%s>", name);
    snprintf(close, sizeof close, "</%s>", name);
    const char *start = strstr(xml, open);
    if (start == NULL) {
        return 0;
    }
    start += strlen(open);
    const char *end = strstr(start, close);
    if (end == NULL) {
        return 0;
    }
    size_t length = (size_t)(end - start);
    if (length >= size) {
        length = size - 1;
    }
    memcpy(out, start, length);
    out[length] = '\0';
    return 1;
}

static const char *risk_level(const char *priority) {
    if (strcmp(priority, "Critical") == 0 || strcmp(priority, "High") == 0) {
        return "High";
    }
    if (strcmp(priority, "Low") == 0) {
        return "Low";
    }
    return "Medium";
}

int main(void) {
    static char input[MAX_INPUT + 1];
    size_t length = fread(input, 1, MAX_INPUT, stdin);
    input[length] = '\0';

    const char *event = getenv("SCW_EVENT");
    char id[32], priority[128];
    if (!element_text(input, NULL, "id", id, sizeof id)) {
        fprintf(stderr, "the ticket info on standard input has no <id>\n");
        return 2;
    }
    if (!element_text(input, "priority", "name", priority, sizeof priority)) {
        strcpy(priority, "Normal");
    }

    /* The priority name is copied from XML, so it is still escaped. */
    printf("<hook_result>\n");
    printf("  <field name=\"Risk Level\" type=\"drop_down\">%s</field>\n", risk_level(priority));
    printf("  <comment>Ticket %s: risk level set from priority %s on %s.</comment>\n", id,
           priority, event != NULL ? event : "an unknown event");
    printf("</hook_result>\n");
    return 0;
}
