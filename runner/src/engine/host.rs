//! The host side of a hook's imports: logging, its configuration values and
//! authenticated ticket reads, plus the WASI context (no files, no
//! environment, no network, captured output).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::api::ApiClient;
use crate::bindings::Ticket;
use crate::bindings::hook_runner::api::{config, log, tickets, types};
use crate::egress::Egress;
use crate::untrusted_text::escape_control;

use super::memory::MemoryLimiter;
use super::sandbox::RunContext;

/// The ticket a hook may read, and the client that reads it.
#[derive(Debug, Clone)]
pub struct TicketAccess {
    /// The ticket of the event being handled; the only one a hook may read.
    pub ticket_id: u64,
    /// Whether the hook's policy grants the read.
    pub read_grant: ReadGrant,
    /// The API client, absent when the run makes no API calls.
    pub client: Option<Arc<ApiClient>>,
    /// The ticket as the host read it before the run, which a read by the
    /// hook returns, so that one run reads the ticket once.
    pub already_read: Option<Ticket>,
}

/// The `read` setting of a policy's `[ticket]` table.
#[derive(Debug, Clone)]
pub struct ReadGrant {
    /// Whether the policy grants the read.
    pub read: bool,
    /// The policy file, for the denial message; `None` for a hook without
    /// one, which may not read.
    pub policy: Option<std::path::PathBuf>,
}

/// The data of one hook's store.
pub struct HostState {
    pub(super) wasi: WasiCtx,
    http: WasiHttpCtx,
    egress: Egress,
    pub(super) table: ResourceTable,
    pub(super) limits: MemoryLimiter,
    pub(super) deadline: Instant,
    hook: String,
    settings: BTreeMap<String, String>,
    tickets: TicketAccess,
    log_bytes_left: usize,
    log_bytes_used: usize,
    log_lines: Vec<LogLine>,
    log_lines_dropped: usize,
    api_errors: Vec<String>,
    /// The ticket after the first successful read; later reads return it, so
    /// a hook cannot flood the API with requests.
    ticket_cache: Option<Ticket>,
}

impl HostState {
    pub(super) fn new(
        wasi: WasiCtx,
        limits: MemoryLimiter,
        deadline: Instant,
        context: RunContext,
    ) -> HostState {
        let mut tickets = context.tickets;
        let ticket_cache = tickets.already_read.take();
        HostState {
            wasi,
            http: WasiHttpCtx::new(),
            egress: context.egress,
            table: ResourceTable::new(),
            limits,
            deadline,
            hook: context.name,
            settings: context.settings,
            tickets,
            log_bytes_left: context.limits.log_bytes,
            log_bytes_used: 0,
            log_lines: Vec::new(),
            log_lines_dropped: 0,
            api_errors: Vec::new(),
            ticket_cache,
        }
    }

    /// Log messages dropped because the hook exceeded its log budget.
    pub fn log_lines_dropped(&self) -> usize {
        self.log_lines_dropped
    }

    /// Bytes of the log budget used, as charged per line.
    pub(super) fn log_bytes_used(&self) -> usize {
        self.log_bytes_used
    }

    /// Takes the log lines kept within the log budget.
    pub(super) fn take_log_lines(&mut self) -> Vec<LogLine> {
        std::mem::take(&mut self.log_lines)
    }

    /// Returns the hook's HTTP requests so far.
    pub(super) fn requests(&self) -> Vec<crate::egress::RequestRecord> {
        self.egress.records()
    }

    /// Takes the API failures seen by the hook's ticket reads.
    pub(super) fn take_api_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.api_errors)
    }
}

impl std::fmt::Debug for HostState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("HostState")
            .field("hook", &self.hook)
            .field("ticket_id", &self.tickets.ticket_id)
            .finish_non_exhaustive()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            hooks: &mut self.egress,
            table: &mut self.table,
            ctx: &mut self.http,
        }
    }
}

impl types::Host for HostState {}

/// Bytes charged for each log line on top of its message: the timestamp,
/// level and hook name that every line carries.
const LOG_LINE_OVERHEAD: usize = 64;

impl log::Host for HostState {
    async fn log(&mut self, level: log::Level, message: String) {
        let cost = message.len() + LOG_LINE_OVERHEAD;
        if self.log_lines_dropped > 0 || cost > self.log_bytes_left {
            self.log_lines_dropped += 1;
            if self.log_lines_dropped == 1 {
                tracing::warn!(hook = %self.hook, "hook exceeded its log budget; dropping its further messages");
            }
            return;
        }
        self.log_bytes_left -= cost;
        self.log_bytes_used += cost;
        let hook = self.hook.as_str();
        let message = escape_control(&message);
        self.log_lines.push(LogLine {
            level: level_name(level),
            message: message.to_string(),
        });
        match level {
            log::Level::Trace => tracing::trace!(target: "hook", hook, "{message}"),
            log::Level::Debug => tracing::debug!(target: "hook", hook, "{message}"),
            log::Level::Info => tracing::info!(target: "hook", hook, "{message}"),
            log::Level::Warn => tracing::warn!(target: "hook", hook, "{message}"),
            log::Level::Error => tracing::error!(target: "hook", hook, "{message}"),
        }
    }
}

/// A line a hook logged through the `log` import, or printed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogLine {
    /// `trace`, `debug`, `info`, `warn` or `error` for the `log` import;
    /// `stdout` or `stderr` for a line of captured output.
    pub level: &'static str,
    /// The text, with control characters escaped.
    pub message: String,
}

fn level_name(level: log::Level) -> &'static str {
    match level {
        log::Level::Trace => "trace",
        log::Level::Debug => "debug",
        log::Level::Info => "info",
        log::Level::Warn => "warn",
        log::Level::Error => "error",
    }
}

impl config::Host for HostState {
    async fn get(&mut self, key: String) -> Option<String> {
        self.settings.get(&key).cloned()
    }
}

impl tickets::Host for HostState {
    async fn get_ticket(&mut self, id: u64) -> Result<Ticket, tickets::ApiError> {
        let grant = &self.tickets.read_grant;
        if !grant.read {
            tracing::warn!(hook = %self.hook, "denied a ticket read that the policy does not grant");
            let message = match &grant.policy {
                Some(policy) => format!(
                    "the policy `{}` of hook `{}` does not grant ticket reads; add read = true under [ticket]",
                    policy.display(),
                    self.hook
                ),
                None => format!(
                    "hook `{}` has no policy file, so it may not read its ticket; \
                     give it one with read = true under [ticket]",
                    self.hook
                ),
            };
            return Err(tickets::ApiError::Denied(message));
        }
        if id != self.tickets.ticket_id {
            tracing::warn!(hook = %self.hook, requested = id, allowed = self.tickets.ticket_id, "denied a read of another ticket");
            return Err(tickets::ApiError::Denied(format!(
                "hook `{}` may read only ticket {}, the ticket of this event",
                self.hook, self.tickets.ticket_id
            )));
        }
        let Some(client) = self.tickets.client.clone() else {
            return Err(tickets::ApiError::Unavailable(
                "this run makes no SecureChange API calls".to_string(),
            ));
        };
        if let Some(ticket) = &self.ticket_cache {
            return Ok(ticket.clone());
        }
        match client.get_ticket(id).await {
            Ok(ticket) => {
                self.ticket_cache = Some(ticket.clone());
                Ok(ticket)
            }
            Err(error) => {
                tracing::warn!(hook = %self.hook, ticket = id, error = %error, "ticket read for a hook failed");
                self.api_errors.push(error.to_string());
                Err(match error.status() {
                    Some(404) => tickets::ApiError::NotFound(format!("ticket {id} was not found")),
                    Some(401 | 403) => tickets::ApiError::Denied(format!(
                        "the SecureChange API rejected hook-runner's credentials: {error}"
                    )),
                    _ => tickets::ApiError::Unavailable(error.to_string()),
                })
            }
        }
    }
}
