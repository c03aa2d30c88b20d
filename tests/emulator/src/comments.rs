//! Ticket comments: `POST .../tasks/{id}/comments` appends a `<comment>` to
//! the ticket's `<comments>`.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::ApiError;
use crate::target::WriteTarget;
use crate::ticket::{self, name_of};
use crate::xml::Element;

/// Reads the comment text from a `<comment><content>..</content></comment>`
/// body; an empty or missing content is rejected.
pub fn comment_content(root: &Element) -> Result<String, ApiError> {
    if root.name != "comment" {
        return Err(ApiError::illegal(format!(
            "the body's root element is <{}>; expected <comment>",
            root.name
        )));
    }
    let content = root.child_text("content").unwrap_or_default();
    if content.trim().is_empty() {
        return Err(ApiError::illegal(
            "the comment's <content> is missing or empty",
        ));
    }
    Ok(content)
}

/// Appends a comment by `user` on the target task, creating `<comments>`
/// when the ticket has none. `<order>` counts from 1.
pub fn add_comment(ticket: &mut Element, target: WriteTarget, user: &str, content: &str) {
    let task_name = task_name(ticket, target);
    if ticket.child("comments").is_none() {
        ticket.push(Element::new("comments"));
    }
    let Some(comments) = ticket.child_mut("comments") else {
        return;
    };
    let order = comments.elements().filter(|c| c.name == "comment").count() + 1;
    let mut comment = Element::new("comment");
    comment.push(Element::with_text("order", order.to_string()));
    comment.push(Element::with_text(
        "created",
        iso8601_utc(SystemTime::now()),
    ));
    comment.push(Element::with_text("user", user));
    comment.push(Element::with_text("content", content));
    comment.push(Element::with_text("type", "COMMENT"));
    comment.push(Element::with_text("task_name", task_name));
    comments.push(comment);
}

/// Returns the task's `<name>`, or the step's name when the task has none.
fn task_name(ticket: &Element, target: WriteTarget) -> String {
    let Some(step) = ticket::step(ticket, target.step_id) else {
        return String::new();
    };
    let task_name = ticket::task(step, target.task_id)
        .map(name_of)
        .unwrap_or_default();
    if task_name.is_empty() {
        name_of(step)
    } else {
        task_name
    }
}

/// Formats a time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso8601_utc(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or_default();
    let second_of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Converts days since 1970-01-01 to a proleptic Gregorian date, after
/// Howard Hinnant's `civil_from_days` algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn iso8601_known_instants() {
        assert_eq!(iso8601_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let leap_day = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
        assert_eq!(iso8601_utc(leap_day), "2024-02-29T12:34:56Z");
    }
}
