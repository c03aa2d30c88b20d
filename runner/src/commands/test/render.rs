//! The text form of a test report. Text from the hook (values, comments,
//! URLs) is printed with Rust's debug quoting, so control characters
//! cannot forge lines or move the cursor.

use std::fmt::Write as _;

use super::metrics::{LimitState, Metric, NEAR_LIMIT_PERCENT};
use super::report::{BodySize, TestReport};

/// Renders `report` for a terminal.
pub fn render(report: &TestReport) -> String {
    let mut text = String::new();
    let mode = if report.write.mode == "write" {
        "with --write"
    } else {
        "dry run"
    };
    line(
        &mut text,
        format!(
            "hook `{}` on {} for ticket {} ({mode})",
            report.hook, report.event, report.ticket
        ),
    );
    let component = &report.component;
    line(
        &mut text,
        format!(
            "component: {} ({}, {}{})",
            component.path,
            size_text(component.size_bytes),
            component.digest,
            if component.from_cache {
                ", from the compile cache"
            } else {
                ""
            }
        ),
    );
    match &report.failure {
        Some(failure) => {
            line(
                &mut text,
                format!(
                    "result: FAILED (exit code {}): {}",
                    report.exit_code, failure.message
                ),
            );
            if let Some(limit) = failure.limit {
                line(
                    &mut text,
                    format!(
                        "limit: the policy's `{limit}` stopped the hook or rejected its outcome"
                    ),
                );
            }
        }
        None => line(
            &mut text,
            format!("result: ok (exit code {})", report.exit_code),
        ),
    }
    line(&mut text, format!("write: {}", report.write.message));
    if let Some(condition) = report.condition {
        line(&mut text, format!("condition result: {condition}"));
    }

    render_changes(&mut text, report);
    section(&mut text, "log", report.log.len());
    for log_line in &report.log {
        line(
            &mut text,
            format!("  {:<6} {}", log_line.level, log_line.message),
        );
    }
    render_requests(&mut text, report);
    render_metrics(&mut text, &report.metrics);
    text
}

fn render_changes(text: &mut String, report: &TestReport) {
    let heading = match &report.step {
        Some(step) => format!("field changes on step `{}` ({})", step.name, step.id),
        None => "field changes".to_string(),
    };
    section(text, &heading, report.changes.len());
    for change in &report.changes {
        let place = match (&change.field_type, change.task) {
            (Some(field_type), Some(task)) => format!(" ({field_type}, task {task})"),
            _ => String::new(),
        };
        line(text, format!("  {}{place}", change.field));
        match &change.before {
            Some(before) => line(text, format!("    before: {before:?}")),
            None => line(text, "    before: (not read)".to_string()),
        }
        line(text, format!("    after:  {:?}", change.after));
    }
    section(text, "comments", report.comments.len());
    for comment in &report.comments {
        line(text, format!("  + {comment:?}"));
    }
}

fn render_requests(text: &mut String, report: &TestReport) {
    section(text, "HTTP requests", report.requests.len());
    for request in &report.requests {
        let target = format!("{} {:?}", request.method, request.url);
        if request.decision == "denied" {
            line(
                text,
                format!(
                    "  ! denied  {target}: {}",
                    request.reason.as_deref().unwrap_or_default()
                ),
            );
            continue;
        }
        let result = match (request.status, &request.error) {
            (Some(status), _) => format!("status {status}"),
            (None, Some(error)) => format!("failed: {error}"),
            (None, None) => "no response".to_string(),
        };
        line(
            text,
            format!(
                "  allowed {target}: {result} (grant `{}`, {} ms)",
                request.grant.as_deref().unwrap_or_default(),
                request.duration_ms
            ),
        );
        render_body(text, "sent", &request.request_body, "max_request_body_kib");
        render_body(
            text,
            "read",
            &request.response_body,
            "max_response_body_kib",
        );
    }
}

/// Shows a body's size against its limit, when the body had bytes or
/// came near the limit.
fn render_body(text: &mut String, verb: &str, body: &BodySize, key: &str) {
    if body.bytes == 0 && body.state == LimitState::Ok {
        return;
    }
    let note = match body.state {
        LimitState::Ok => String::new(),
        LimitState::Near => format!(", over {NEAR_LIMIT_PERCENT}% of the limit"),
        LimitState::Over => ", over the limit, so the request failed".to_string(),
    };
    line(
        text,
        format!(
            "    {} {verb} {} of {} ({key}){note}",
            marker(body.state),
            size_text(body.bytes),
            size_text(body.limit)
        ),
    );
}

fn marker(state: LimitState) -> char {
    match state {
        LimitState::Ok => ' ',
        LimitState::Near => '~',
        LimitState::Over => '!',
    }
}

fn render_metrics(text: &mut String, metrics: &[Metric]) {
    line(text, String::new());
    line(
        text,
        "resources (! over a limit, ~ over 80% of it):".to_string(),
    );
    for metric in metrics {
        let marker = marker(metric.state);
        let limit = match (metric.limit, metric.limit_key) {
            (Some(limit), Some(key)) => format!("of {} ({key})", value_text(limit, metric.unit)),
            _ => "no limit".to_string(),
        };
        line(
            text,
            format!(
                "  {marker} {:<15} {:>12}  {limit}",
                metric.name,
                value_text(metric.value, metric.unit)
            ),
        );
    }
    for metric in metrics {
        let Some(key) = metric.limit_key else {
            continue;
        };
        match metric.state {
            LimitState::Over => line(
                text,
                format!("  ! {} reached the limit `{key}`", metric.name),
            ),
            LimitState::Near => line(
                text,
                format!(
                    "  ~ {} is over {NEAR_LIMIT_PERCENT}% of the limit `{key}`",
                    metric.name
                ),
            ),
            LimitState::Ok => {}
        }
    }
}

fn section(text: &mut String, heading: &str, count: usize) {
    line(text, String::new());
    if count == 0 {
        line(text, format!("{heading}: none"));
    } else {
        line(text, format!("{heading}:"));
    }
}

fn line(text: &mut String, content: String) {
    let _ = writeln!(text, "{content}");
}

fn value_text(value: u64, unit: &str) -> String {
    match unit {
        "bytes" => size_text(value),
        "ms" => format!("{value} ms"),
        other => format!("{value} {other}"),
    }
}

/// Formats a byte count with a binary unit, such as `68.2 KiB`.
fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(size_text(1536), "1.5 KiB");
        assert_eq!(size_text(128 << 20), "128.0 MiB");
    }
}
