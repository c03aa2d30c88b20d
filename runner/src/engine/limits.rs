//! Resource limits for one hook run.
//!
//! NOTE: every hook gets these defaults; per-hook values come with the
//! sandbox policy files.

use std::time::Duration;

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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 256 << 20,
            wall_time: Duration::from_secs(30),
            output_bytes: 64 << 10,
            log_bytes: 256 << 10,
            instances: 128,
        }
    }
}
