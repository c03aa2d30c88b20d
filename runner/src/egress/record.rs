//! The record the host keeps of each outgoing request, for the log, the
//! audit log and reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Whether a request was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A grant allowed it.
    Allowed {
        /// The grant's name.
        grant: String,
    },
    /// It was not sent.
    Denied {
        /// The denial message, which names the policy change that would
        /// allow the request.
        reason: String,
    },
}

/// One outgoing request of a hook.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// The URL, normalised when the request was allowed; never with userinfo.
    pub url: String,
    /// The decision.
    pub decision: Decision,
    /// The address connected to.
    pub address: Option<std::net::IpAddr>,
    /// Response status.
    pub status: Option<u16>,
    /// Error that ended an allowed request.
    pub error: Option<String>,
    /// Time from the request to the response head, or to the failure.
    pub duration: Duration,
    /// Request body bytes sent so far.
    pub request_bytes: Arc<AtomicU64>,
    /// Response body bytes read by the guest so far.
    pub response_bytes: Arc<AtomicU64>,
}

impl RequestRecord {
    /// Returns the request body bytes sent so far.
    pub fn request_bytes(&self) -> u64 {
        self.request_bytes.load(Ordering::Relaxed)
    }

    /// Returns the response body bytes read so far.
    pub fn response_bytes(&self) -> u64 {
        self.response_bytes.load(Ordering::Relaxed)
    }
}
