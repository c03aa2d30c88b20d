//! Fault injection: rules that make chosen API requests fail the way a real
//! server or network does, so tests can check that no write is lost or
//! applied twice.
//!
//! A rule matches a method and a path pattern under the API prefix, where
//! `*` matches any run of characters, and fires a number of times (or until
//! the rules are cleared). Rules are added with `POST /emulator/faults` (a
//! JSON [`FaultRule`]) or [`crate::EmulatorHandle::add_fault`], listed with
//! `GET /emulator/faults` and cleared with `DELETE /emulator/faults`, which
//! also releases every stalled request.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// What a matching request gets instead of a normal response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The connection is dropped without a response.
    Refuse,
    /// The response has `status` (such as 500, 502 or 503) and a
    /// SecureChange-style error body.
    Status,
    /// A 401 with the API's authentication error body.
    Unauthorized,
    /// No response until the rules are cleared or `stall_ms` passes; then a
    /// 504 in the `before` phase, or the handler's response in `after`.
    Stall,
    /// The status line, headers and half of the body are sent, then the
    /// connection is closed.
    CloseMidResponse,
    /// The status is kept and the body is replaced by text that is not a
    /// valid document.
    MalformedBody,
}

/// Whether the emulator handles the request before the fault fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The request is not handled: nothing is written.
    Before,
    /// The request is handled (a write lands), then the response is spoilt.
    After,
}

/// One fault rule, as `POST /emulator/faults` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// HTTP method to match, such as `POST`; any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Path pattern after the API prefix, such as
    /// `tickets/1001/steps/*/tasks/*/comments`; `*` matches anything.
    pub path: String,
    /// The fault.
    pub fault: Fault,
    /// The status of a [`Fault::Status`] rule.
    #[serde(default)]
    pub status: Option<u16>,
    /// How many matching requests pass untouched before the rule fires.
    #[serde(default)]
    pub skip: u32,
    /// How many matching requests the rule fires on; every one when absent.
    #[serde(default)]
    pub times: Option<u32>,
    /// When the fault fires; [`Phase::After`] for close-mid-response and
    /// malformed-body, [`Phase::Before`] for the others, when absent.
    #[serde(default)]
    pub phase: Option<Phase>,
    /// Maximum stall time in milliseconds; 60 000 when absent.
    #[serde(default)]
    pub stall_ms: Option<u64>,
}

impl FaultRule {
    /// Builds a rule that fires on every `method` request matching `path`.
    pub fn new(method: &str, path: &str, fault: Fault) -> FaultRule {
        FaultRule {
            method: Some(method.to_string()),
            path: path.to_string(),
            fault,
            status: None,
            skip: 0,
            times: None,
            phase: None,
            stall_ms: None,
        }
    }

    /// Limits the rule to the first `times` matching requests.
    pub fn times(mut self, times: u32) -> FaultRule {
        self.times = Some(times);
        self
    }

    /// Lets the first `skip` matching requests through.
    pub fn skip(mut self, skip: u32) -> FaultRule {
        self.skip = skip;
        self
    }

    /// Sets the status of a [`Fault::Status`] rule.
    pub fn status(mut self, status: u16) -> FaultRule {
        self.status = Some(status);
        self
    }

    /// Sets when the fault fires.
    pub fn phase(mut self, phase: Phase) -> FaultRule {
        self.phase = Some(phase);
        self
    }

    /// Returns the phase, with the fault's default when none is set.
    pub fn effective_phase(&self) -> Phase {
        self.phase.unwrap_or(match self.fault {
            Fault::CloseMidResponse | Fault::MalformedBody => Phase::After,
            _ => Phase::Before,
        })
    }

    /// Returns the maximum stall time.
    pub fn stall_time(&self) -> Duration {
        Duration::from_millis(self.stall_ms.unwrap_or(60_000))
    }

    /// Checks the rule before it is stored.
    pub fn validate(&self) -> Result<(), String> {
        match (self.fault, self.status) {
            (Fault::Status, None) => Err("a `status` fault needs `status`, such as 503".into()),
            (Fault::Status, Some(status)) if !(400..=599).contains(&status) => Err(format!(
                "status {status} is not an error status: use 400 to 599"
            )),
            (Fault::Status, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err("`status` applies only to the `status` fault".into()),
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|expected| expected.eq_ignore_ascii_case(method));
        method_matches && glob_matches(self.path.as_bytes(), path.as_bytes())
    }
}

/// Matches `text` against `pattern`, where `*` matches any run of bytes.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| glob_matches(rest, &text[skip..])),
        Some((byte, rest)) => text
            .split_first()
            .is_some_and(|(first, tail)| first == byte && glob_matches(rest, tail)),
    }
}

/// A rule and the number of times it may still fire.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveRule {
    /// The rule as it was added.
    pub rule: FaultRule,
    /// Matching requests still to let through.
    pub to_skip: u32,
    /// Remaining firings; `None` for a rule without `times`.
    pub remaining: Option<u32>,
    /// Requests the rule fired on so far.
    pub fired: u32,
}

/// The active rules and the stall release signal.
#[derive(Debug)]
pub struct Faults {
    rules: Mutex<Vec<ActiveRule>>,
    stalled: Mutex<u32>,
    release: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            rules: Mutex::default(),
            stalled: Mutex::default(),
            release: watch::Sender::new(0),
        }
    }
}

impl Faults {
    /// Adds a rule after checking it.
    pub fn add(&self, rule: FaultRule) -> Result<(), String> {
        rule.validate()?;
        let remaining = rule.times;
        let to_skip = rule.skip;
        self.lock_rules().push(ActiveRule {
            rule,
            to_skip,
            remaining,
            fired: 0,
        });
        Ok(())
    }

    /// Removes every rule and releases every stalled request.
    pub fn clear(&self) {
        self.lock_rules().clear();
        self.release.send_modify(|generation| *generation += 1);
    }

    /// Returns the rules with their counters.
    pub fn list(&self) -> Vec<ActiveRule> {
        self.lock_rules().clone()
    }

    /// Returns how many requests have entered a stall so far.
    pub fn stalled(&self) -> u32 {
        *self.stalled.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the first rule that fires on this request, counting it.
    pub fn take(&self, method: &str, path: &str) -> Option<FaultRule> {
        let mut rules = self.lock_rules();
        let active = rules
            .iter_mut()
            .find(|active| active.remaining != Some(0) && active.rule.matches(method, path))?;
        if active.to_skip > 0 {
            active.to_skip -= 1;
            return None;
        }
        if let Some(remaining) = &mut active.remaining {
            *remaining -= 1;
        }
        active.fired += 1;
        Some(active.rule.clone())
    }

    /// Waits until the rules are cleared or `limit` passes.
    pub async fn stall(&self, limit: Duration) {
        let mut release = self.release.subscribe();
        *self.stalled.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        // An error means the sender is gone, which also ends the stall.
        let _ = tokio::time::timeout(limit, release.changed()).await;
    }

    fn lock_rules(&self) -> std::sync::MutexGuard<'_, Vec<ActiveRule>> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_segments() {
        let pattern = b"tickets/*/steps/*/tasks/*/comments";
        assert!(glob_matches(
            pattern,
            b"tickets/1001/steps/3/tasks/4/comments"
        ));
        assert!(!glob_matches(
            pattern,
            b"tickets/1001/steps/3/tasks/4/fields"
        ));
        assert!(glob_matches(b"*", b"anything/at/all"));
        assert!(!glob_matches(b"tickets/1", b"tickets/1001"));
    }

    #[test]
    fn rule_fires_its_count() {
        let faults = Faults::default();
        faults
            .add(FaultRule::new("GET", "tickets/*", Fault::Unauthorized).times(1))
            .expect("valid");
        assert!(faults.take("PUT", "tickets/1").is_none());
        assert!(faults.take("get", "tickets/1").is_some());
        assert!(faults.take("GET", "tickets/1").is_none());
        assert_eq!(faults.list()[0].fired, 1);
    }

    #[test]
    fn rule_skips_first_matches() {
        let faults = Faults::default();
        faults
            .add(FaultRule::new("GET", "*", Fault::Refuse).skip(2).times(1))
            .expect("valid");
        assert!(faults.take("GET", "a").is_none());
        assert!(faults.take("GET", "a").is_none());
        assert!(faults.take("GET", "a").is_some());
        assert!(faults.take("GET", "a").is_none());
    }

    #[test]
    fn status_rule_needs_error_status() {
        let rule = FaultRule::new("GET", "*", Fault::Status);
        assert!(rule.validate().is_err());
        assert!(rule.clone().status(200).validate().is_err());
        assert!(rule.status(503).validate().is_ok());
        let misplaced = FaultRule::new("GET", "*", Fault::Refuse).status(500);
        assert!(misplaced.validate().is_err());
    }
}
