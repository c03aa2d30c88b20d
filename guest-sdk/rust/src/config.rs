//! The hook's own settings from the hook-runner configuration.

use crate::bindings::hook_runner::api::config::get as host_get;

/// Returns the value configured for `key`, or `None` when the configuration
/// sets no such key for this hook.
pub fn get(key: &str) -> Option<String> {
    host_get(key)
}

/// Returns the value configured for `key`, or `default` when the
/// configuration sets no such key for this hook.
pub fn get_or(key: &str, default: &str) -> String {
    get(key).unwrap_or_else(|| default.to_owned())
}
