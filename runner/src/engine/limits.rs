//! Resource limits for one hook run, taken from the hook's policy file or
//! from the policy defaults when the hook has none.

use std::time::Duration;

use crate::policy::PolicyLimits;

/// Limits applied to one hook run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest linear memory, in bytes (per memory, not a total).
    pub memory_bytes: usize,
    /// Wall-clock time for the whole hook call, host calls included.
    pub wall_time: Duration,
    /// Captured standard output or error, in bytes each; writes past it fail.
    pub output_bytes: usize,
    /// Bytes of log messages kept; later messages are dropped and counted.
    pub log_bytes: usize,
    /// Component instances, tables and memories a hook may create.
    pub instances: usize,
    /// Fuel for the run, or `None` for no fuel limit.
    pub fuel: Option<u64>,
    /// Largest outcome in bytes: field names, values and comments.
    pub outcome_bytes: u64,
}

/// Component instances, tables and memories a hook may create. Components
/// made by componentize-py need more than 32 instances.
const MAX_INSTANCES: usize = 128;

impl Limits {
    /// Converts the `[limits]` of a policy.
    pub fn from_policy(limits: &PolicyLimits) -> Limits {
        Limits {
            memory_bytes: mib(limits.memory_mib),
            wall_time: Duration::from_secs(limits.wall_time_seconds),
            output_bytes: kib(limits.max_output_kib),
            log_bytes: kib(limits.max_log_kib),
            instances: MAX_INSTANCES,
            fuel: limits.fuel,
            outcome_bytes: limits.max_outcome_bytes(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::from_policy(&PolicyLimits::default())
    }
}

fn mib(value: u64) -> usize {
    usize::try_from(value.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
}

fn kib(value: u64) -> usize {
    usize::try_from(value.saturating_mul(1 << 10)).unwrap_or(usize::MAX)
}
