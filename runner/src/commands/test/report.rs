//! The report of one `hook-runner test` run, as printed with `--json`.

use serde::Serialize;

use crate::bindings::{Outcome, Ticket};
use crate::egress::{Decision, EgressLimits, RequestRecord};
use crate::engine::{CacheOutcome, LogLine};
use crate::writeback::WritePlan;

use super::metrics::{self, LimitState, Metric};
use super::values::{input_text, value_text};

/// What one test run did and used.
#[derive(Debug, Serialize)]
pub struct TestReport {
    /// The hook's name: its name in the configuration, or the component's
    /// file name without `.wasm`.
    pub hook: String,
    /// The event, such as `ADVANCE`.
    pub event: String,
    /// The ticket id from `<ticket_info>`.
    pub ticket: u64,
    /// The component file.
    pub component: ComponentReport,
    /// `ok` when the outcome can be written (or was), else `failed`.
    pub status: &'static str,
    /// The process exit code, as in the exit code table of `--help`.
    pub exit_code: u8,
    /// Why the run failed, when it did.
    pub failure: Option<FailureReport>,
    /// What happened to the outcome in the ticket.
    pub write: WriteReport,
    /// The step that field changes apply to, when the ticket was read.
    pub step: Option<StepReport>,
    /// Field changes, one per field and task.
    pub changes: Vec<FieldChange>,
    /// Comments the hook adds.
    pub comments: Vec<String>,
    /// The `<condition_result>` a command hook printed.
    pub condition: Option<bool>,
    /// The hook's log lines and captured output lines.
    pub log: Vec<LogLine>,
    /// Every HTTP request the hook made, allowed or denied.
    pub requests: Vec<RequestReport>,
    /// Resources used, against their limits.
    pub metrics: Vec<Metric>,
}

/// The component that ran.
#[derive(Debug, Serialize)]
pub struct ComponentReport {
    /// The file.
    pub path: String,
    /// `sha256:` and the hex SHA-256 of the file.
    pub digest: String,
    /// Size of the file in bytes.
    pub size_bytes: u64,
    /// Whether the machine code came from the compile cache.
    pub from_cache: bool,
}

/// A run that failed, and the limit that stopped it.
#[derive(Debug, Serialize)]
pub struct FailureReport {
    /// The error.
    pub message: String,
    /// The `[limits]` key of the limit that stopped the hook or rejected its
    /// outcome, if a limit did.
    pub limit: Option<&'static str>,
}

/// What happened to the outcome in the ticket.
#[derive(Debug, Serialize)]
pub struct WriteReport {
    /// `dry_run`, or `write` with `--write`.
    pub mode: &'static str,
    /// Whether anything was written to the ticket.
    pub written: bool,
    /// What was written, queued or skipped, or why nothing was.
    pub message: String,
}

/// The ticket's current step.
#[derive(Debug, Serialize)]
pub struct StepReport {
    /// Step id.
    pub id: u64,
    /// Step name.
    pub name: String,
}

/// One field write: the value now in the ticket and the hook's new value.
#[derive(Debug, Serialize)]
pub struct FieldChange {
    /// The field name.
    pub field: String,
    /// The task of the current step, when the field was found there.
    pub task: Option<u64>,
    /// The field's `xsi:type`, when the field was found.
    pub field_type: Option<String>,
    /// The current value, when the field was found.
    pub before: Option<String>,
    /// The new value.
    pub after: String,
}

/// One outgoing HTTP request of the hook.
#[derive(Debug, Serialize)]
pub struct RequestReport {
    /// HTTP method.
    pub method: String,
    /// The URL, without user info.
    pub url: String,
    /// `allowed` or `denied`.
    pub decision: &'static str,
    /// The grant that allowed it.
    pub grant: Option<String>,
    /// The denial message, which names the policy change that would allow
    /// the request.
    pub reason: Option<String>,
    /// The response status of an allowed request.
    pub status: Option<u16>,
    /// The error that ended an allowed request.
    pub error: Option<String>,
    /// Milliseconds from the request to the response head or the failure.
    pub duration_ms: u64,
    /// The request body sent, against `max_request_body_kib`.
    pub request_body: BodySize,
    /// The response body the hook read, against `max_response_body_kib`.
    pub response_body: BodySize,
}

/// The size of one HTTP body and how it compares with its policy limit.
#[derive(Debug, Serialize)]
pub struct BodySize {
    /// Bytes sent or read; past the limit, the bytes of the chunk that
    /// crossed it count too.
    pub bytes: u64,
    /// The policy's limit in bytes.
    pub limit: u64,
    /// How `bytes` compares with `limit`.
    pub state: LimitState,
}

impl BodySize {
    fn new(bytes: u64, limit: u64) -> BodySize {
        BodySize {
            bytes,
            limit,
            state: metrics::compare(bytes, limit, false),
        }
    }
}

impl ComponentReport {
    /// Describes the component at `path`, of `size_bytes`, loaded with
    /// `compiled`.
    pub fn new(
        path: &std::path::Path,
        digest: &str,
        size_bytes: u64,
        compiled: &CacheOutcome,
    ) -> ComponentReport {
        ComponentReport {
            path: path.display().to_string(),
            digest: digest.to_string(),
            size_bytes,
            from_cache: matches!(compiled, CacheOutcome::Hit),
        }
    }
}

/// Lists the changes of `plan` with the current values from `ticket`.
pub fn planned_changes(ticket: &Ticket, plan: &WritePlan) -> Vec<FieldChange> {
    let step = ticket.steps.iter().find(|step| step.id == plan.step_id);
    let mut changes = Vec::new();
    for task_write in &plan.tasks {
        let task =
            step.and_then(|step| step.tasks.iter().find(|task| task.id == task_write.task_id));
        for write in &task_write.fields {
            let current =
                task.and_then(|task| task.fields.iter().find(|field| field.id == write.id));
            changes.push(FieldChange {
                field: write.name.clone(),
                task: Some(task_write.task_id),
                field_type: Some(write.field_type.clone()),
                before: current.map(|field| value_text(&field.value)),
                after: input_text(&write.value),
            });
        }
    }
    changes
}

/// Lists the field updates of `outcome` as the hook returned them, for an
/// outcome that was not resolved against the ticket.
pub fn requested_changes(outcome: &Outcome) -> Vec<FieldChange> {
    outcome
        .field_updates
        .iter()
        .map(|update| FieldChange {
            field: update.field.clone(),
            task: None,
            field_type: None,
            before: None,
            after: input_text(&update.value),
        })
        .collect()
}

/// Describes the hook's HTTP requests, with their body sizes against
/// `limits`.
pub fn requests(records: &[RequestRecord], limits: &EgressLimits) -> Vec<RequestReport> {
    records
        .iter()
        .map(|record| {
            let (decision, grant, reason) = match &record.decision {
                Decision::Allowed { grant } => ("allowed", Some(grant.clone()), None),
                Decision::Denied { reason } => ("denied", None, Some(reason.clone())),
            };
            RequestReport {
                method: record.method.clone(),
                url: record.url.clone(),
                decision,
                grant,
                reason,
                status: record.status,
                error: record.error.clone(),
                duration_ms: u64::try_from(record.duration.as_millis()).unwrap_or(u64::MAX),
                request_body: BodySize::new(record.request_bytes(), limits.max_request_body),
                response_body: BodySize::new(record.response_bytes(), limits.max_response_body),
            }
        })
        .collect()
}
