//! The store's resource limiter: wasmtime's [`StoreLimits`] plus a record of
//! the largest linear memory the hook grew, for reports.

use wasmtime::{ResourceLimiter, StoreLimits};

/// Enforces [`StoreLimits`] and records the memory high-water mark.
pub(super) struct MemoryLimiter {
    limits: StoreLimits,
    peak_bytes: usize,
}

impl MemoryLimiter {
    /// Wraps `limits`.
    pub(super) fn new(limits: StoreLimits) -> MemoryLimiter {
        MemoryLimiter {
            limits,
            peak_bytes: 0,
        }
    }

    /// Returns the size in bytes of the largest linear memory that the limits
    /// allowed. The memory limit applies to each memory, so this is the value
    /// to compare with it.
    pub(super) fn peak_bytes(&self) -> usize {
        self.peak_bytes
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if allowed {
            self.peak_bytes = self.peak_bytes.max(desired);
        }
        Ok(allowed)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}
