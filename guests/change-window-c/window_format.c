/*
 * Change-window validation: pure C, no SDK calls.
 */
#include "window_format.h"

#include <stdio.h>
#include <string.h>

/* `YYYY-MM-DD HH:MM-HH:MM` */
#define WINDOW_LENGTH 22

/* Reads `count` ASCII digits at `text` into `*value`. Returns 0 when one of
 * them is no digit. */
static int read_digits(const char *text, int count, int *value) {
    *value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return 0;
        }
        *value = *value * 10 + (text[i] - '0');
    }
    return 1;
}

static int is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) {
        return 29;
    }
    return days[month - 1];
}

/* Checks the HH:MM at `text`, named `label` in the reason. Stores the
 * minutes since midnight in `*minutes`. */
static int parse_time(const char *text, const char *label, int *minutes,
                      char reason[WINDOW_REASON_SIZE]) {
    int hour, minute;
    if (!read_digits(text, 2, &hour) || text[2] != ':' || !read_digits(text + 3, 2, &minute)) {
        snprintf(reason, WINDOW_REASON_SIZE, "the %s time is not HH:MM", label);
        return 0;
    }
    if (hour > 23) {
        snprintf(reason, WINDOW_REASON_SIZE, "the %s hour %02d is out of range 00-23", label,
                 hour);
        return 0;
    }
    if (minute > 59) {
        snprintf(reason, WINDOW_REASON_SIZE, "the %s minute %02d is out of range 00-59", label,
                 minute);
        return 0;
    }
    *minutes = hour * 60 + minute;
    return 1;
}

int window_parse(const char *text, size_t length, char reason[WINDOW_REASON_SIZE]) {
    while (length > 0 && text[0] == ' ') {
        text++;
        length--;
    }
    while (length > 0 && text[length - 1] == ' ') {
        length--;
    }
    if (length == 0) {
        snprintf(reason, WINDOW_REASON_SIZE, "it is empty");
        return 0;
    }
    if (length != WINDOW_LENGTH || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
        text[16] != '-') {
        snprintf(reason, WINDOW_REASON_SIZE, "it does not have the form YYYY-MM-DD HH:MM-HH:MM");
        return 0;
    }

    int year, month, day;
    if (!read_digits(text, 4, &year) || !read_digits(text + 5, 2, &month) ||
        !read_digits(text + 8, 2, &day)) {
        snprintf(reason, WINDOW_REASON_SIZE, "the date is not YYYY-MM-DD");
        return 0;
    }
    if (month < 1 || month > 12) {
        snprintf(reason, WINDOW_REASON_SIZE, "month %02d is out of range 01-12", month);
        return 0;
    }
    if (day < 1 || day > days_in_month(year, month)) {
        snprintf(reason, WINDOW_REASON_SIZE, "day %02d is out of range for %04d-%02d", day, year,
                 month);
        return 0;
    }

    int start, end;
    if (!parse_time(text + 11, "start", &start, reason) ||
        !parse_time(text + 17, "end", &end, reason)) {
        return 0;
    }
    if (end <= start) {
        snprintf(reason, WINDOW_REASON_SIZE,
                 "it ends at or before it starts; a window must end on the day it starts");
        return 0;
    }
    return 1;
}
