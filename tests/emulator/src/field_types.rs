//! Value shapes and checks per field type (`xsi:type`) for field updates.
//!
//! | type | value elements in the body |
//! |---|---|
//! | `text_field`, `text_area`, `manager` | `<text>` |
//! | `hyperlink` | `<url>`: empty, or starting with `http://` or `https://` |
//! | `checkbox` | `<value>true</value>` or `false` |
//! | `date` | `<value>YYYY-MM-DD</value>`, a real calendar date |
//! | `time` | `<value>HH:MM</value>`, 24-hour clock |
//! | `drop_down_list` | `<selection>`, one of the field's option values |
//! | `multiple_selection` | `<selected_options><selected_option><value>`..., each an option value |
//! | `approve_reject` | `<approved>true|false</approved>` and an optional `<reason>` |
//! | `multi_text_field` | repeated `<text_field><text>..</text></text_field>` |
//! | `multi_text_area` | repeated `<text_area><text>..</text></text_area>` |
//!
//! Other types (`multi_access_request` and the other multi-object fields)
//! are rejected in a field update.
//! NOTE: the real API accepts updates of some of those types; this emulator
//! does not model them.

use crate::xml::Element;

/// Stored children to swap in: each name's old elements are replaced by
/// the new ones.
pub type Replacement = (&'static str, Vec<Element>);

/// Elements every field body may carry besides its value.
const IDENTITY_ELEMENTS: &[&str] = &["id", "name", "read_only"];

/// Returns the value elements of a writable type, or `None` for a type that cannot
/// be written.
fn value_elements(field_type: &str) -> Option<&'static [&'static str]> {
    let elements: &'static [&'static str] = match field_type {
        "text_field" | "text_area" | "manager" => &["text"],
        "hyperlink" => &["url"],
        "checkbox" | "date" | "time" => &["value"],
        "drop_down_list" => &["selection"],
        "multiple_selection" => &["selected_options"],
        "approve_reject" => &["approved", "reason"],
        "multi_text_field" => &["text_field"],
        "multi_text_area" => &["text_area"],
        _ => return None,
    };
    Some(elements)
}

/// Checks a body field's value against the stored field of the same type
/// and returns what to store. Errors are reasons without the field's name.
pub fn check_value(
    field_type: &str,
    stored: &Element,
    body: &Element,
) -> Result<Vec<Replacement>, String> {
    let Some(allowed) = value_elements(field_type) else {
        return Err(format!(
            "fields of type {field_type} cannot be written by a field update"
        ));
    };
    reject_unexpected_elements(field_type, allowed, body)?;
    match field_type {
        "text_field" | "text_area" | "manager" => {
            single_text(body, "text").map(|e| vec![("text", vec![e])])
        }
        "hyperlink" => check_url(body),
        "checkbox" => check_checkbox(body),
        "date" => check_formatted(body, "date", "YYYY-MM-DD", is_valid_date),
        "time" => check_formatted(body, "time", "HH:MM", is_valid_time),
        "drop_down_list" => check_selection(stored, body),
        "multiple_selection" => check_selected_options(stored, body),
        "approve_reject" => check_approval(body),
        "multi_text_field" => check_multi_text(body, "text_field"),
        "multi_text_area" => check_multi_text(body, "text_area"),
        _ => Err(format!(
            "fields of type {field_type} cannot be written by a field update"
        )),
    }
}

fn reject_unexpected_elements(
    field_type: &str,
    allowed: &[&str],
    body: &Element,
) -> Result<(), String> {
    let unexpected = body.elements().find(|element| {
        !IDENTITY_ELEMENTS.contains(&element.name.as_str())
            && !allowed.contains(&element.name.as_str())
    });
    match unexpected {
        Some(element) => Err(format!(
            "unexpected element <{}> for a {field_type} field; expected <{}>",
            element.name,
            allowed.join(">, <")
        )),
        None => Ok(()),
    }
}

/// Returns the one child `name` as a fresh text element.
fn single_text(body: &Element, name: &str) -> Result<Element, String> {
    let mut matches = body.elements().filter(|element| element.name == name);
    match (matches.next(), matches.next()) {
        (Some(element), None) if element.elements().next().is_none() => {
            Ok(Element::with_text(name, element.text()))
        }
        (Some(_), None) => Err(format!("<{name}> must contain text, not elements")),
        (Some(_), Some(_)) => Err(format!("<{name}> is given more than once")),
        (None, _) => Err(format!("the value element <{name}> is missing")),
    }
}

fn check_url(body: &Element) -> Result<Vec<Replacement>, String> {
    let url = single_text(body, "url")?;
    let text = url.text();
    let lower = text.to_ascii_lowercase();
    if !text.is_empty() && !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!(
            "url '{text}' is invalid; expected an http:// or https:// URL"
        ));
    }
    Ok(vec![("url", vec![url])])
}

fn check_checkbox(body: &Element) -> Result<Vec<Replacement>, String> {
    let value = single_text(body, "value")?;
    check_boolean("checkbox value", &value.text())?;
    Ok(vec![("value", vec![value])])
}

fn check_boolean(subject: &str, text: &str) -> Result<(), String> {
    match text {
        "true" | "false" => Ok(()),
        other => Err(format!(
            "{subject} '{other}' is invalid; expected true or false"
        )),
    }
}

fn check_formatted(
    body: &Element,
    subject: &str,
    format: &str,
    is_valid: fn(&str) -> bool,
) -> Result<Vec<Replacement>, String> {
    let value = single_text(body, "value")?;
    let text = value.text();
    if !is_valid(&text) {
        return Err(format!("{subject} '{text}' is invalid; expected {format}"));
    }
    Ok(vec![("value", vec![value])])
}

/// Checks `YYYY-MM-DD` and that the day exists in that month.
fn is_valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(year), digits(month), digits(day)) else {
        return false;
    };
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Checks `HH:MM` on a 24-hour clock.
fn is_valid_time(text: &str) -> bool {
    let Some((hours, minutes)) = text.split_once(':') else {
        return false;
    };
    if hours.len() != 2 || minutes.len() != 2 {
        return false;
    }
    matches!((digits(hours), digits(minutes)), (Some(h), Some(m)) if h < 24 && m < 60)
}

fn digits(text: &str) -> Option<u32> {
    if text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Returns the stored `<options><option><value>` values.
pub fn option_values(stored: &Element) -> Vec<String> {
    stored
        .child("options")
        .into_iter()
        .flat_map(|options| {
            options
                .elements()
                .filter(|element| element.name == "option")
        })
        .filter_map(|option| option.child_text("value"))
        .collect()
}

fn check_option(options: &[String], subject: &str, text: &str) -> Result<(), String> {
    if options.is_empty() || options.iter().any(|option| option == text) {
        return Ok(());
    }
    Err(format!(
        "{subject} '{text}' is not one of the options {}",
        options.join(", ")
    ))
}

fn check_selection(stored: &Element, body: &Element) -> Result<Vec<Replacement>, String> {
    let selection = single_text(body, "selection")?;
    check_option(&option_values(stored), "selection", &selection.text())?;
    Ok(vec![("selection", vec![selection])])
}

fn check_selected_options(stored: &Element, body: &Element) -> Result<Vec<Replacement>, String> {
    let mut wrappers = body
        .elements()
        .filter(|element| element.name == "selected_options");
    let (Some(wrapper), None) = (wrappers.next(), wrappers.next()) else {
        return Err("expected exactly one <selected_options> element".into());
    };
    let options = option_values(stored);
    let mut normalized = Element::new("selected_options");
    for child in wrapper.elements() {
        if child.name != "selected_option" {
            return Err(format!(
                "unexpected element <{}> in <selected_options>; expected <selected_option>",
                child.name
            ));
        }
        let value = single_text(child, "value")?;
        check_option(&options, "selected option", &value.text())?;
        let mut option = Element::new("selected_option");
        option.push(value);
        normalized.push(option);
    }
    Ok(vec![("selected_options", vec![normalized])])
}

fn check_approval(body: &Element) -> Result<Vec<Replacement>, String> {
    let approved = single_text(body, "approved")?;
    check_boolean("approved", &approved.text())?;
    let reason = match body.child("reason") {
        Some(_) => vec![single_text(body, "reason")?],
        None => Vec::new(),
    };
    Ok(vec![("approved", vec![approved]), ("reason", reason)])
}

fn check_multi_text(body: &Element, item: &'static str) -> Result<Vec<Replacement>, String> {
    let mut items = Vec::new();
    for child in body.elements().filter(|element| element.name == item) {
        if let Some(other) = child
            .elements()
            .find(|element| element.name != "text" && element.name != "id")
        {
            return Err(format!(
                "unexpected element <{}> in <{item}>; expected <text>",
                other.name
            ));
        }
        let mut entry = Element::new(item);
        entry.push(single_text(child, "text")?);
        items.push(entry);
    }
    Ok(vec![(item, items)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_rules() {
        assert!(is_valid_date("2024-02-29"));
        assert!(!is_valid_date("2023-02-29"));
        assert!(!is_valid_date("2024-13-01"));
        assert!(!is_valid_date("2024-1-01"));
        assert!(!is_valid_date("+024-01-01"));
        assert!(!is_valid_date(""));
    }

    #[test]
    fn time_rules() {
        assert!(is_valid_time("00:00"));
        assert!(is_valid_time("23:59"));
        assert!(!is_valid_time("24:00"));
        assert!(!is_valid_time("9:30"));
        assert!(!is_valid_time("09:3a"));
    }
}
