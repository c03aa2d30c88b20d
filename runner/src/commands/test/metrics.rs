//! The resources a hook run used, each against the policy limit that caps
//! it, with the values near or over a limit marked.

use serde::Serialize;

use crate::egress::Decision;
use crate::engine::{HookFailure, HookRun, Limits};
use crate::writeback;

/// A value over this share of its limit, in percent, is marked as near it.
pub const NEAR_LIMIT_PERCENT: u64 = 80;

/// One measured resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metric {
    /// `wall_time`, `fuel`, `peak_memory`, `http_requests`, `outcome_size`,
    /// `log`, `stdout`, `stderr` or `component_size`.
    pub name: &'static str,
    /// The value used, in `unit`.
    pub value: u64,
    /// `ms`, `fuel`, `bytes` or `requests`.
    pub unit: &'static str,
    /// The limit in `unit`, or `None` when nothing caps the value.
    pub limit: Option<u64>,
    /// The `[limits]` key of the policy that sets the limit.
    pub limit_key: Option<&'static str>,
    /// How the value compares with its limit.
    pub state: LimitState,
}

/// How a value compares with its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitState {
    /// At most [`NEAR_LIMIT_PERCENT`] of the limit, or no limit.
    Ok,
    /// Over [`NEAR_LIMIT_PERCENT`] of the limit.
    Near,
    /// The limit stopped the hook or cut its output, or the value is over it.
    Over,
}

/// Measures the resources of `run` against `limits`. `component_bytes` is
/// the size of the component file.
pub fn measure(
    run: &HookRun,
    limits: &Limits,
    max_requests: u64,
    component_bytes: u64,
) -> Vec<Metric> {
    let failure = run.result.as_ref().err();
    let timed_out = matches!(failure, Some(HookFailure::Timeout(_)));
    let out_of_fuel = matches!(failure, Some(HookFailure::Fuel(_)));
    let out_of_memory = matches!(failure, Some(HookFailure::Memory(_)));
    let outcome_bytes = run.result.as_ref().map_or(0, writeback::outcome_bytes);
    let over_request_limit = run.requests.iter().any(|request| {
        matches!(&request.decision, Decision::Denied { reason } if reason.contains("max_http_requests"))
    });
    let output_limit = limits.output_bytes as u64;
    vec![
        limited(
            "wall_time",
            millis(run.elapsed),
            "ms",
            (millis(limits.wall_time), "wall_time_seconds"),
            timed_out,
        ),
        match limits.fuel {
            Some(fuel) => limited(
                "fuel",
                run.fuel_used.unwrap_or(0),
                "fuel",
                (fuel, "fuel"),
                out_of_fuel,
            ),
            None => unlimited("fuel", run.fuel_used.unwrap_or(0), "fuel"),
        },
        limited(
            "peak_memory",
            run.peak_memory_bytes as u64,
            "bytes",
            (limits.memory_bytes as u64, "memory_mib"),
            out_of_memory,
        ),
        limited(
            "http_requests",
            run.requests.len() as u64,
            "requests",
            (max_requests, "max_http_requests"),
            over_request_limit,
        ),
        limited(
            "outcome_size",
            outcome_bytes,
            "bytes",
            (limits.outcome_bytes, "max_outcome_kib"),
            false,
        ),
        limited(
            "log",
            run.log_bytes as u64,
            "bytes",
            (limits.log_bytes as u64, "max_log_kib"),
            run.log_limit_hit,
        ),
        output_metric("stdout", run.stdout_bytes as u64, output_limit),
        output_metric("stderr", run.stderr_bytes as u64, output_limit),
        unlimited("component_size", component_bytes, "bytes"),
    ]
}

/// Returns the `[limits]` key of the first limit that stopped the hook, cut
/// its output or rejected its outcome.
pub fn limit_fired(metrics: &[Metric]) -> Option<&'static str> {
    metrics
        .iter()
        .find(|metric| metric.state == LimitState::Over)
        .and_then(|metric| metric.limit_key)
}

fn limited(
    name: &'static str,
    value: u64,
    unit: &'static str,
    (limit, limit_key): (u64, &'static str),
    fired: bool,
) -> Metric {
    Metric {
        name,
        value,
        unit,
        limit: Some(limit),
        limit_key: Some(limit_key),
        state: compare(value, limit, fired),
    }
}

fn unlimited(name: &'static str, value: u64, unit: &'static str) -> Metric {
    Metric {
        name,
        value,
        unit,
        limit: None,
        limit_key: None,
        state: LimitState::Ok,
    }
}

/// Measures captured output, which stops growing at its capture limit: a
/// stream that reached the limit lost what the hook wrote after it.
fn output_metric(name: &'static str, value: u64, limit: u64) -> Metric {
    // NOTE: with `max_output_kib = 0` every write fails and the stream stays
    // empty, so a cut stream looks the same as an unused one.
    let reached = limit > 0 && value >= limit;
    limited(name, value, "bytes", (limit, "max_output_kib"), reached)
}

/// Compares `value` with `limit`; `fired` marks a limit that stopped the
/// hook whatever the value shows.
pub(super) fn compare(value: u64, limit: u64, fired: bool) -> LimitState {
    if fired || value > limit {
        LimitState::Over
    } else if u128::from(value) * 100 > u128::from(limit) * u128::from(NEAR_LIMIT_PERCENT) {
        LimitState::Near
    } else {
        LimitState::Ok
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_marks_near_and_over() {
        assert_eq!(compare(80, 100, false), LimitState::Ok);
        assert_eq!(compare(81, 100, false), LimitState::Near);
        assert_eq!(compare(100, 100, false), LimitState::Near);
        assert_eq!(compare(101, 100, false), LimitState::Over);
        assert_eq!(compare(10, 100, true), LimitState::Over);
    }

    #[test]
    fn compare_handles_huge_values() {
        assert_eq!(compare(u64::MAX, u64::MAX, false), LimitState::Near);
        assert_eq!(compare(0, 0, false), LimitState::Ok);
    }

    #[test]
    fn output_at_capture_limit_is_over() {
        assert_eq!(output_metric("stdout", 1024, 1024).state, LimitState::Over);
        assert_eq!(output_metric("stdout", 10, 1024).state, LimitState::Ok);
        assert_eq!(output_metric("stdout", 0, 0).state, LimitState::Ok);
    }
}
