//! The host side of a hook's imports: logging, its configuration values and
//! authenticated ticket reads, plus the WASI context (no files, no
//! environment, no network, captured output).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::api::ApiClient;
use crate::bindings::Ticket;
use crate::bindings::hook_runner::api::{config, log, tickets, types};

/// The ticket a hook may read, and the client that reads it.
#[derive(Debug, Clone)]
pub struct TicketAccess {
    /// The ticket of the event being handled; the only one a hook may read.
    pub ticket_id: u64,
    /// The API client, absent when the run makes no API calls.
    pub client: Option<Arc<ApiClient>>,
}

/// The data of one hook's store.
pub struct HostState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) limits: StoreLimits,
    pub(super) deadline: Instant,
    hook: String,
    settings: BTreeMap<String, String>,
    tickets: TicketAccess,
    log_bytes_left: usize,
    log_lines_dropped: usize,
    api_errors: Vec<String>,
}

impl HostState {
    pub(super) fn new(
        wasi: WasiCtx,
        limits: StoreLimits,
        deadline: Instant,
        hook: &str,
        settings: BTreeMap<String, String>,
        tickets: TicketAccess,
        log_bytes: usize,
    ) -> HostState {
        HostState {
            wasi,
            table: ResourceTable::new(),
            limits,
            deadline,
            hook: hook.to_string(),
            settings,
            tickets,
            log_bytes_left: log_bytes,
            log_lines_dropped: 0,
            api_errors: Vec::new(),
        }
    }

    /// Log messages dropped because the hook exceeded its log budget.
    pub fn log_lines_dropped(&self) -> usize {
        self.log_lines_dropped
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

impl types::Host for HostState {}

impl log::Host for HostState {
    async fn log(&mut self, level: log::Level, message: String) {
        if message.len() > self.log_bytes_left {
            self.log_lines_dropped += 1;
            if self.log_lines_dropped == 1 {
                tracing::warn!(hook = %self.hook, "hook exceeded its log budget; dropping further messages");
            }
            return;
        }
        self.log_bytes_left -= message.len();
        let hook = self.hook.as_str();
        match level {
            log::Level::Trace => tracing::trace!(target: "hook", hook, "{message}"),
            log::Level::Debug => tracing::debug!(target: "hook", hook, "{message}"),
            log::Level::Info => tracing::info!(target: "hook", hook, "{message}"),
            log::Level::Warn => tracing::warn!(target: "hook", hook, "{message}"),
            log::Level::Error => tracing::error!(target: "hook", hook, "{message}"),
        }
    }
}

impl config::Host for HostState {
    async fn get(&mut self, key: String) -> Option<String> {
        self.settings.get(&key).cloned()
    }
}

impl tickets::Host for HostState {
    async fn get_ticket(&mut self, id: u64) -> Result<Ticket, tickets::ApiError> {
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
        match client.get_ticket(id).await {
            Ok(ticket) => Ok(ticket),
            Err(error) => {
                tracing::warn!(hook = %self.hook, ticket = id, error = %error, "ticket read for a hook failed");
                self.api_errors.push(error.to_string());
                Err(if error.status() == Some(404) {
                    tickets::ApiError::NotFound(format!("ticket {id} was not found"))
                } else {
                    tickets::ApiError::Unavailable(error.to_string())
                })
            }
        }
    }
}
