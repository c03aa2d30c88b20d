//! When a pending entry is tried again: exponential backoff from 30
//! seconds, doubling per failed attempt, capped at one hour.

use std::time::Duration;

/// Delay after the first failed attempt.
pub const FIRST_DELAY: Duration = Duration::from_secs(30);

/// Longest delay between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// Returns the delay after `attempts` failed attempts (at least one).
pub fn delay(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_to_cap() {
        assert_eq!(delay(0), FIRST_DELAY);
        assert_eq!(delay(1), Duration::from_secs(30));
        assert_eq!(delay(2), Duration::from_secs(60));
        assert_eq!(delay(5), Duration::from_secs(480));
        assert_eq!(delay(8), MAX_DELAY);
        assert_eq!(delay(u32::MAX), MAX_DELAY);
    }
}
