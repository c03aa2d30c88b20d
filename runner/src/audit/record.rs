//! The audit records: one enum variant per `kind`, and the values their
//! fields take.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::bindings::Event;
use crate::config::ScriptKind;
use crate::event::event_name;

/// One line of the audit log: the envelope fields that every line has, then
/// the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When the line was written, RFC 3339 in UTC with milliseconds.
    pub time: String,
    /// The id of the hook-runner process that wrote the line.
    pub run: String,
    /// The record, with its `kind`.
    #[serde(flatten)]
    pub record: Record,
}

/// An audit event, serialized with a `kind` field that names the variant in
/// snake case, such as `"kind":"http_request"`.
///
/// Optional fields that are `None` are left out of the line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// The process started handling a ticket event.
    RunStarted {
        /// The `SCW_EVENT` name, such as `ADVANCE`, or `condition` or
        /// `assignment` for a run of `hook-runner condition` or
        /// `hook-runner assign`.
        event: String,
        /// The ticket id, or `None` for a `TEST` event, which has no ticket.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<u64>,
        /// The hook-runner version.
        version: String,
        /// The process id.
        pid: u32,
    },
    /// A hook is about to be loaded and run.
    HookStarted {
        /// The hook name from the configuration.
        hook: String,
        /// The path of the component file.
        component: String,
        /// The component's SHA-256 digest, from [`component_digest`](super::component_digest).
        digest: String,
    },
    /// A hook sent an HTTP request, or tried to and was denied.
    HttpRequest {
        /// The hook name.
        hook: String,
        /// The HTTP method, such as `GET`.
        method: String,
        /// The URL after [`redact_url`](super::redact_url). The log applies
        /// `redact_url` itself, so callers may pass the URL as requested.
        url: String,
        /// Whether the policy allowed the request.
        decision: Decision,
        /// The grant that allowed the request, or the reason it was denied.
        rule: String,
        /// The IP address the host name resolved to, when it was resolved.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<IpAddr>,
        /// The HTTP status code, when a response arrived.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// Size of the request body in bytes.
        request_bytes: u64,
        /// Size of the response body in bytes.
        response_bytes: u64,
        /// Time from the request to the end of the response, in milliseconds.
        duration_ms: u64,
    },
    /// A field value that a hook returned was written to a ticket, or not.
    /// The value itself is never logged because it may contain sensitive
    /// data.
    FieldWrite {
        /// The hook name.
        hook: String,
        /// The ticket id.
        ticket: u64,
        /// The step id.
        step: u64,
        /// The task id.
        task: u64,
        /// The field name.
        field: String,
        /// The field's `xsi:type`, such as `text_field`.
        field_type: String,
        /// Size of the value in bytes.
        value_bytes: u64,
        /// The result of the write.
        result: WriteResult,
        /// The reason the write was rejected or failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A comment that a hook returned was added to a ticket, or not. The text
    /// itself is never logged.
    Comment {
        /// The hook name.
        hook: String,
        /// The ticket id.
        ticket: u64,
        /// The task id.
        task: u64,
        /// Size of the comment text in bytes.
        text_bytes: u64,
        /// The result of the comment.
        result: WriteResult,
        /// The reason the comment was rejected or failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A hook reached one of its resource limits.
    LimitHit {
        /// The hook name.
        hook: String,
        /// The limit.
        limit: Limit,
        /// The limit's configured value, in `unit`.
        value: u64,
        /// The unit of `value`.
        unit: LimitUnit,
    },
    /// A hook ended.
    HookFinished {
        /// The hook name.
        hook: String,
        /// The hook's result.
        result: HookResult,
        /// The hook's error message or the runner's explanation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// Time from loading the component to the end, in milliseconds.
        duration_ms: u64,
        /// Wasmtime fuel consumed, when fuel metering was on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fuel_used: Option<u64>,
    },
    /// An outbox entry changed: a write-back was queued for a retry,
    /// delivered, skipped, failed, found already delivered, or dropped.
    Outbox {
        /// What happened.
        action: OutboxAction,
        /// The entry id that `hook-runner outbox list` shows.
        entry: i64,
        /// The hook name.
        hook: String,
        /// The ticket id.
        ticket: u64,
        /// Delivery attempts so far.
        attempts: u32,
        /// The reason or the failure.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The process is about to exit.
    RunFinished {
        /// The process exit code.
        exit_code: i32,
        /// Time since the process started, in milliseconds.
        duration_ms: u64,
    },
}

/// A change of an outbox entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxAction {
    /// An attempt failed in a way a retry can fix; the entry waits.
    Queued,
    /// Every write was confirmed.
    Delivered,
    /// Not written because the ticket left the event's step.
    Skipped,
    /// Rejected in a way a retry cannot fix; kept for the admin.
    Failed,
    /// A re-run of an event whose write-back was already settled; nothing
    /// was sent.
    Duplicate,
    /// Discarded by an admin.
    Dropped,
}

/// Whether the HTTP policy allowed a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A grant matched.
    Allowed,
    /// No grant matched, or a rule denied the request.
    Denied,
}

/// The result of a field write or a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteResult {
    /// SecureChange accepted it.
    Written,
    /// hook-runner did not send it, such as a value that does not fit the
    /// field's type.
    Rejected,
    /// It was sent and the request failed.
    Failed,
}

/// A resource limit of a hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Linear memory.
    Memory,
    /// Wall-clock time.
    WallTime,
    /// Wasmtime fuel.
    Fuel,
    /// Number of HTTP requests.
    HttpRequests,
    /// Size of one HTTP response body.
    ResponseBody,
    /// Size of one HTTP request body.
    RequestBody,
    /// Bytes written to standard output.
    Output,
    /// Bytes of log messages.
    Log,
    /// Size of the outcome that the hook returns.
    Outcome,
}

/// The unit of a limit's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// Bytes.
    Bytes,
    /// Milliseconds.
    Milliseconds,
    /// Units of Wasmtime fuel.
    Fuel,
    /// HTTP requests.
    Requests,
}

/// The result of running a hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookResult {
    /// The hook returned an outcome.
    Ok,
    /// The hook returned an error.
    ReturnedError,
    /// The hook trapped.
    Trap,
    /// The hook ran past its wall-clock time limit or out of fuel.
    Timeout,
    /// The hook ran out of memory.
    Memory,
    /// The hook did something its policy denies.
    Denied,
    /// The component could not be read, compiled or instantiated.
    LoadFailed,
    /// The hook returned an outcome that was rejected before or during
    /// write-back; the message gives the reason.
    Rejected,
    /// hook-runner could not read the ticket that a condition or assignment
    /// hook is called with, so the hook did not run.
    TicketReadFailed,
}

impl Limit {
    /// Returns the unit that this limit's value is given in.
    pub fn unit(self) -> LimitUnit {
        match self {
            Limit::WallTime => LimitUnit::Milliseconds,
            Limit::Fuel => LimitUnit::Fuel,
            Limit::HttpRequests => LimitUnit::Requests,
            Limit::Memory
            | Limit::ResponseBody
            | Limit::RequestBody
            | Limit::Output
            | Limit::Log
            | Limit::Outcome => LimitUnit::Bytes,
        }
    }
}

impl Record {
    /// Builds a `run_started` record for this process and version.
    pub fn run_started(event: Event, ticket: Option<u64>) -> Record {
        Record::RunStarted {
            event: event_name(event).to_string(),
            ticket,
            version: env!("CARGO_PKG_VERSION").to_string(),
            pid: std::process::id(),
        }
    }

    /// Builds a `run_started` record for a `condition` or `assign` run on
    /// `ticket`, with the kind's name in place of the event.
    pub fn script_started(kind: ScriptKind, ticket: u64) -> Record {
        Record::RunStarted {
            event: kind.name().to_string(),
            ticket: Some(ticket),
            version: env!("CARGO_PKG_VERSION").to_string(),
            pid: std::process::id(),
        }
    }

    /// Builds a `limit_hit` record, with the unit that belongs to `limit`.
    pub fn limit_hit(hook: &str, limit: Limit, value: u64) -> Record {
        Record::LimitHit {
            hook: hook.to_string(),
            limit,
            value,
            unit: limit.unit(),
        }
    }

    /// Returns the `kind` name that the record is written with.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::RunStarted { .. } => "run_started",
            Record::HookStarted { .. } => "hook_started",
            Record::HttpRequest { .. } => "http_request",
            Record::FieldWrite { .. } => "field_write",
            Record::Comment { .. } => "comment",
            Record::LimitHit { .. } => "limit_hit",
            Record::HookFinished { .. } => "hook_finished",
            Record::Outbox { .. } => "outbox",
            Record::RunFinished { .. } => "run_finished",
        }
    }
}
