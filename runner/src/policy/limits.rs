//! The `[limits]` table: resources one hook run may use.
//!
//! Every key is optional. Each has a default, and an upper bound that catches
//! typos such as an extra zero. Keys where 0 would make every run fail must
//! be at least 1.

use std::time::Duration;

/// Linear memory of the hook in MiB, by default.
pub const DEFAULT_MEMORY_MIB: u64 = 128;
/// Largest accepted `memory_mib`.
pub const MAX_MEMORY_MIB: u64 = 4096;

/// Time a hook run may take in seconds, by default.
pub const DEFAULT_WALL_TIME_SECONDS: u64 = 30;
/// Largest accepted `wall_time_seconds`: one hour.
pub const MAX_WALL_TIME_SECONDS: u64 = 3600;

/// Fuel by default: 0, which turns fuel metering off.
pub const DEFAULT_FUEL: u64 = 0;

/// HTTP requests one run may send, by default. 0 is accepted and allows
/// none.
pub const DEFAULT_MAX_HTTP_REQUESTS: u64 = 32;
/// Largest accepted `max_http_requests`.
pub const MAX_MAX_HTTP_REQUESTS: u64 = 10_000;

/// Size of one request body in KiB, by default. 0 is accepted and allows
/// only empty bodies.
pub const DEFAULT_MAX_REQUEST_BODY_KIB: u64 = 1024;
/// Largest accepted `max_request_body_kib`: 1 GiB.
pub const MAX_MAX_REQUEST_BODY_KIB: u64 = 1_048_576;

/// Size of one response body in KiB, by default.
pub const DEFAULT_MAX_RESPONSE_BODY_KIB: u64 = 4096;
/// Largest accepted `max_response_body_kib`: 1 GiB.
pub const MAX_MAX_RESPONSE_BODY_KIB: u64 = 1_048_576;

/// Time one HTTP request may take in seconds, by default.
pub const DEFAULT_HTTP_TIMEOUT_SECONDS: u64 = 10;
/// Largest accepted `http_timeout_seconds`: one hour.
pub const MAX_HTTP_TIMEOUT_SECONDS: u64 = 3600;

/// Size of the outcome the hook returns in KiB, by default.
pub const DEFAULT_MAX_OUTCOME_KIB: u64 = 256;
/// Largest accepted `max_outcome_kib`: 64 MiB.
pub const MAX_MAX_OUTCOME_KIB: u64 = 65_536;

/// Size of the log lines of one run in KiB, by default. 0 is accepted.
pub const DEFAULT_MAX_LOG_KIB: u64 = 256;
/// Largest accepted `max_log_kib`: 64 MiB.
pub const MAX_MAX_LOG_KIB: u64 = 65_536;

/// Size of the captured stdout, and separately of stderr, in KiB, by
/// default. 0 is accepted.
pub const DEFAULT_MAX_OUTPUT_KIB: u64 = 64;
/// Largest accepted `max_output_kib`: 64 MiB.
pub const MAX_MAX_OUTPUT_KIB: u64 = 65_536;

/// Resource limits of one hook run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyLimits {
    /// Linear memory in MiB, from 1 to [`MAX_MEMORY_MIB`].
    pub memory_mib: u64,
    /// Time the whole run may take in seconds, from 1 to
    /// [`MAX_WALL_TIME_SECONDS`].
    pub wall_time_seconds: u64,
    /// Fuel for the run, or `None` when fuel metering is off (`fuel = 0`).
    pub fuel: Option<u64>,
    /// HTTP requests the run may send.
    pub max_http_requests: u64,
    /// Size of one request body in KiB.
    pub max_request_body_kib: u64,
    /// Size of one response body in KiB, at least 1.
    pub max_response_body_kib: u64,
    /// Time one HTTP request may take in seconds, at least 1.
    pub http_timeout_seconds: u64,
    /// Size of the outcome in KiB, at least 1.
    pub max_outcome_kib: u64,
    /// Size of the log lines of the run in KiB.
    pub max_log_kib: u64,
    /// Size of the captured stdout, and separately of stderr, in KiB.
    pub max_output_kib: u64,
}

impl Default for PolicyLimits {
    fn default() -> PolicyLimits {
        PolicyLimits {
            memory_mib: DEFAULT_MEMORY_MIB,
            wall_time_seconds: DEFAULT_WALL_TIME_SECONDS,
            fuel: None,
            max_http_requests: DEFAULT_MAX_HTTP_REQUESTS,
            max_request_body_kib: DEFAULT_MAX_REQUEST_BODY_KIB,
            max_response_body_kib: DEFAULT_MAX_RESPONSE_BODY_KIB,
            http_timeout_seconds: DEFAULT_HTTP_TIMEOUT_SECONDS,
            max_outcome_kib: DEFAULT_MAX_OUTCOME_KIB,
            max_log_kib: DEFAULT_MAX_LOG_KIB,
            max_output_kib: DEFAULT_MAX_OUTPUT_KIB,
        }
    }
}

const KIB: u64 = 1024;

impl PolicyLimits {
    /// Returns the memory limit in bytes.
    pub fn memory_bytes(&self) -> u64 {
        self.memory_mib * KIB * KIB
    }

    /// Returns the time the whole run may take.
    pub fn wall_time(&self) -> Duration {
        Duration::from_secs(self.wall_time_seconds)
    }

    /// Returns the time one HTTP request may take.
    pub fn http_timeout(&self) -> Duration {
        Duration::from_secs(self.http_timeout_seconds)
    }

    /// Returns the request body limit in bytes.
    pub fn max_request_body_bytes(&self) -> u64 {
        self.max_request_body_kib * KIB
    }

    /// Returns the response body limit in bytes.
    pub fn max_response_body_bytes(&self) -> u64 {
        self.max_response_body_kib * KIB
    }

    /// Returns the outcome limit in bytes.
    pub fn max_outcome_bytes(&self) -> u64 {
        self.max_outcome_kib * KIB
    }

    /// Returns the log limit in bytes.
    pub fn max_log_bytes(&self) -> u64 {
        self.max_log_kib * KIB
    }

    /// Returns the stdout limit, which is also the stderr limit, in bytes.
    pub fn max_output_bytes(&self) -> u64 {
        self.max_output_kib * KIB
    }
}

/// One `[limits]` key: its name, default, accepted range and unit.
pub(crate) struct LimitRule {
    pub key: &'static str,
    pub default: u64,
    pub min: u64,
    pub max: u64,
    pub unit: &'static str,
}

impl LimitRule {
    /// Checks a value from the file. The error names the value, the
    /// accepted range and the default.
    pub fn check(&self, value: u64) -> Result<u64, String> {
        if (self.min..=self.max).contains(&value) {
            return Ok(value);
        }
        Err(format!(
            "limits.{} `{value}` is out of range: use a whole number of {} from {} to {} \
             (the default is {})",
            self.key, self.unit, self.min, self.max, self.default
        ))
    }
}

pub(crate) const MEMORY_MIB: LimitRule = LimitRule {
    key: "memory_mib",
    default: DEFAULT_MEMORY_MIB,
    min: 1,
    max: MAX_MEMORY_MIB,
    unit: "MiB",
};
pub(crate) const WALL_TIME_SECONDS: LimitRule = LimitRule {
    key: "wall_time_seconds",
    default: DEFAULT_WALL_TIME_SECONDS,
    min: 1,
    max: MAX_WALL_TIME_SECONDS,
    unit: "seconds",
};
pub(crate) const FUEL: LimitRule = LimitRule {
    key: "fuel",
    default: DEFAULT_FUEL,
    min: 0,
    max: u64::MAX,
    unit: "fuel units",
};
pub(crate) const MAX_HTTP_REQUESTS: LimitRule = LimitRule {
    key: "max_http_requests",
    default: DEFAULT_MAX_HTTP_REQUESTS,
    min: 0,
    max: MAX_MAX_HTTP_REQUESTS,
    unit: "requests",
};
pub(crate) const MAX_REQUEST_BODY_KIB: LimitRule = LimitRule {
    key: "max_request_body_kib",
    default: DEFAULT_MAX_REQUEST_BODY_KIB,
    min: 0,
    max: MAX_MAX_REQUEST_BODY_KIB,
    unit: "KiB",
};
pub(crate) const MAX_RESPONSE_BODY_KIB: LimitRule = LimitRule {
    key: "max_response_body_kib",
    default: DEFAULT_MAX_RESPONSE_BODY_KIB,
    min: 1,
    max: MAX_MAX_RESPONSE_BODY_KIB,
    unit: "KiB",
};
pub(crate) const HTTP_TIMEOUT_SECONDS: LimitRule = LimitRule {
    key: "http_timeout_seconds",
    default: DEFAULT_HTTP_TIMEOUT_SECONDS,
    min: 1,
    max: MAX_HTTP_TIMEOUT_SECONDS,
    unit: "seconds",
};
pub(crate) const MAX_OUTCOME_KIB: LimitRule = LimitRule {
    key: "max_outcome_kib",
    default: DEFAULT_MAX_OUTCOME_KIB,
    min: 1,
    max: MAX_MAX_OUTCOME_KIB,
    unit: "KiB",
};
pub(crate) const MAX_LOG_KIB: LimitRule = LimitRule {
    key: "max_log_kib",
    default: DEFAULT_MAX_LOG_KIB,
    min: 0,
    max: MAX_MAX_LOG_KIB,
    unit: "KiB",
};
pub(crate) const MAX_OUTPUT_KIB: LimitRule = LimitRule {
    key: "max_output_kib",
    default: DEFAULT_MAX_OUTPUT_KIB,
    min: 0,
    max: MAX_MAX_OUTPUT_KIB,
    unit: "KiB",
};
