//! RFC 3339 timestamps in UTC, formatted from `SystemTime` without a date
//! crate.

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: u64 = 86_400;

/// Formats `time` as RFC 3339 in UTC with milliseconds, such as
/// `2024-02-29T13:05:09.042Z`. The fraction is truncated, not rounded.
///
/// A time before 1970, which only a badly set clock returns, is written as
/// `1970-01-01T00:00:00.000Z`.
pub fn format_rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let millis = since_epoch.subsec_millis();

    let (year, month, day) = date_from_days(seconds / SECONDS_PER_DAY);
    let second_of_day = seconds % SECONDS_PER_DAY;
    let hour = second_of_day / 3600;
    let minute = second_of_day / 60 % 60;
    let second = second_of_day % 60;

    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// Converts a count of days since 1970-01-01 to a Gregorian (year, month,
/// day), with month and day starting at 1.
fn date_from_days(mut days: u64) -> (u64, u64, u64) {
    let mut year = 1970;
    loop {
        let year_length = if is_leap_year(year) { 366 } else { 365 };
        if days < year_length {
            break;
        }
        days -= year_length;
        year += 1;
    }

    let february = if is_leap_year(year) { 29 } else { 28 };
    let month_lengths = [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 1;
    for length in month_lengths {
        if days < length {
            break;
        }
        days -= length;
        month += 1;
    }
    (year, month, days + 1)
}

fn is_leap_year(year: u64) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}
