//! Outgoing HTTP requests of hooks, made through standard `wasi:http`.
//!
//! The host sends each request itself. It checks the request against the
//! hook's policy, resolves the host name and checks every resolved address.
//! It then connects to the checked address, so a second DNS answer cannot
//! swap it, adds the grant's secrets as headers, and caps bodies, time and
//! the number of requests. Redirects are returned to the guest as they are,
//! and a guest that follows one makes a new request, which is checked again.

mod body;
mod connect;
mod record;
mod resolve;
mod send;

pub use record::{Decision, RequestRecord};
pub use resolve::Resolver;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use wasmtime_wasi_http::{WasiBody, WasiHttpHooks};

use crate::policy::Policy;

/// The limits that apply to a hook's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EgressLimits {
    /// Requests a hook may make in one run, denied ones included.
    pub max_requests: u64,
    /// Largest request body in bytes.
    pub max_request_body: u64,
    /// Largest response body in bytes.
    pub max_response_body: u64,
    /// Time one request may take, from the policy check to the last byte of
    /// the response body. Connecting and the response head each also have
    /// this limit.
    pub timeout: Duration,
}

/// A secret header, ready to add to the requests of one grant.
#[derive(Clone)]
pub struct SecretHeader {
    /// Index of the `[[http]]` grant in the policy.
    pub grant_index: usize,
    /// Header name.
    pub name: HeaderName,
    /// Header value, marked sensitive.
    pub value: HeaderValue,
}

impl std::fmt::Debug for SecretHeader {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SecretHeader")
            .field("grant_index", &self.grant_index)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The `wasi:http` hooks of one hook run: the policy checks and the sender.
#[derive(Debug, Clone)]
pub struct Egress {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    hook: String,
    policy: Arc<Policy>,
    resolver: Resolver,
    secrets: Vec<SecretHeader>,
    limits: EgressLimits,
    records: Mutex<Vec<RequestRecord>>,
}

impl EgressLimits {
    /// Converts the `[limits]` of a policy.
    pub fn from_policy(limits: &crate::policy::PolicyLimits) -> EgressLimits {
        EgressLimits {
            max_requests: limits.max_http_requests,
            max_request_body: limits.max_request_body_kib.saturating_mul(1024),
            max_response_body: limits.max_response_body_kib.saturating_mul(1024),
            timeout: Duration::from_secs(limits.http_timeout_seconds),
        }
    }
}

impl Egress {
    /// Creates the hooks for one run of `hook` under `policy`.
    pub fn new(
        hook: &str,
        policy: Arc<Policy>,
        resolver: Resolver,
        secrets: Vec<SecretHeader>,
        limits: EgressLimits,
    ) -> Egress {
        Egress {
            shared: Arc::new(Shared {
                hook: hook.to_string(),
                policy,
                resolver,
                secrets,
                limits,
                records: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Returns the requests made so far, allowed and denied.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.shared
            .records
            .lock()
            .map(|records| records.clone())
            .unwrap_or_default()
    }

    /// Returns the limits that apply to the hook's requests.
    pub fn limits(&self) -> EgressLimits {
        self.shared.limits
    }
}

impl WasiHttpHooks for Egress {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<wasmtime_wasi_http::RequestOptions>,
        _response_error: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
                )>,
            > + Send,
    > {
        // The guest's own timeout options are ignored: the policy's apply.
        let shared = self.shared.clone();
        Box::new(async move { send::send(&shared, request).await })
    }
}
