/*
 * Parses a change window written as `YYYY-MM-DD HH:MM-HH:MM`.
 */
#ifndef WINDOW_FORMAT_H
#define WINDOW_FORMAT_H

#include <stddef.h>

/* The size of the buffer window_parse() writes its reason into. */
#define WINDOW_REASON_SIZE 128

/* Checks that the `length` bytes at `text`, without leading and trailing
 * spaces, are one change window. That is a real date of the Gregorian
 * calendar, then a start and an end time as 24-hour HH:MM, with the end
 * after the start on the same day. Returns 1 when they are. Otherwise
 * returns 0 and writes the reason into `reason` as a clause such as
 * "month 13 is out of range 01-12". */
int window_parse(const char *text, size_t length, char reason[WINDOW_REASON_SIZE]);

#endif
