//! Turns what a run did into audit records and writes them. A failed write
//! to the audit log is logged and does not stop the run, because the ticket
//! change it records has already been made or refused.

use std::time::Duration;

use crate::audit::{
    self, AuditLog, Decision, HookResult, Limit, OutboxAction, Record, WriteResult,
};
use crate::bindings::{Event, Outcome};
use crate::config::ScriptKind;
use crate::egress::{self, RequestRecord};
use crate::engine::{HookFailure, Limits};
use crate::outbox::Entry;
use crate::writeback::WritePlan;

/// The audit log of one run and the hook it is recording.
#[derive(Debug)]
pub struct AuditTrail {
    log: AuditLog,
}

impl AuditTrail {
    /// Wraps `log`.
    pub fn new(log: AuditLog) -> AuditTrail {
        AuditTrail { log }
    }

    /// Registers a value that must never appear in the log.
    pub fn add_secret(&self, secret: &str) {
        self.log.add_secret(secret);
    }

    /// Writes `record`, logging a failure.
    pub fn write(&self, record: Record) {
        if let Err(error) = self.log.write(&record) {
            tracing::error!(%error, kind = record.kind(), "failed to write the audit log");
        }
    }

    /// Records the start of a run.
    pub fn run_started(&self, event: Event, ticket: Option<u64>) {
        self.write(Record::run_started(event, ticket));
    }

    /// Records the start of a `condition` or `assign` run for `ticket`.
    pub fn script_started(&self, kind: ScriptKind, ticket: u64) {
        self.write(Record::script_started(kind, ticket));
    }

    /// Records the end of a run.
    pub fn run_finished(&self, exit_code: u8, elapsed: Duration) {
        self.write(Record::RunFinished {
            exit_code: i32::from(exit_code),
            duration_ms: millis(elapsed),
        });
    }

    /// Records a hook's component before it runs.
    pub fn hook_started(&self, hook: &str, component: &std::path::Path, digest: &str) {
        self.write(Record::HookStarted {
            hook: hook.to_string(),
            component: component.display().to_string(),
            digest: digest.to_string(),
        });
    }

    /// Records the hook's HTTP requests, any limit it hit, and how it ended.
    pub fn hook_finished(
        &self,
        hook: &str,
        result: &Result<Outcome, HookFailure>,
        requests: &[RequestRecord],
        limits: &Limits,
        elapsed: Duration,
        fuel_used: Option<u64>,
    ) {
        for request in requests {
            self.write(http_record(hook, request));
        }
        let denied = requests
            .iter()
            .any(|request| matches!(request.decision, egress::Decision::Denied { .. }));
        let (result, message) = match result {
            Ok(_) if denied => (
                HookResult::Denied,
                Some("a request was denied by the policy".to_string()),
            ),
            // A hook that returned an outcome is recorded by `outcome_handled`
            // once its outcome is written or rejected.
            Ok(_) => return,
            Err(failure) => {
                let kind = match failure {
                    // A command hook's non-zero exit is its way to return an error.
                    HookFailure::Returned(_) | HookFailure::Exit { .. } => {
                        HookResult::ReturnedError
                    }
                    HookFailure::InvalidOutput(_) | HookFailure::WrongInput(..) => {
                        HookResult::Rejected
                    }
                    HookFailure::Timeout(_) => HookResult::Timeout,
                    HookFailure::Memory(_) => HookResult::Memory,
                    HookFailure::Fuel(limit) => {
                        self.write(Record::limit_hit(hook, Limit::Fuel, *limit));
                        HookResult::Trap
                    }
                    HookFailure::Trap(_) => HookResult::Trap,
                };
                (kind, Some(failure.to_string()))
            }
        };
        match result {
            HookResult::Timeout => self.write(Record::limit_hit(
                hook,
                Limit::WallTime,
                millis(limits.wall_time),
            )),
            HookResult::Memory => self.write(Record::limit_hit(
                hook,
                Limit::Memory,
                limits.memory_bytes as u64,
            )),
            _ => {}
        }
        self.write(Record::HookFinished {
            hook: hook.to_string(),
            result,
            message,
            duration_ms: millis(elapsed),
            fuel_used,
        });
    }

    /// Records a limit that the hook reached.
    pub fn limit_hit(&self, hook: &str, limit: Limit, value: u64) {
        self.write(Record::limit_hit(hook, limit, value));
    }

    /// Records how a hook that returned an outcome ended: written, or
    /// rejected with `error` before or during write-back.
    pub fn outcome_handled(
        &self,
        hook: &str,
        error: Option<&str>,
        elapsed: Duration,
        fuel_used: Option<u64>,
    ) {
        let result = if error.is_some() {
            HookResult::Rejected
        } else {
            HookResult::Ok
        };
        self.write(Record::HookFinished {
            hook: hook.to_string(),
            result,
            message: error.map(str::to_string),
            duration_ms: millis(elapsed),
            fuel_used,
        });
    }

    /// Records a condition or assignment hook that did not run because its
    /// ticket could not be read.
    pub fn ticket_read_failed(&self, hook: &str, message: &str, elapsed: Duration) {
        self.write(Record::HookFinished {
            hook: hook.to_string(),
            result: HookResult::TicketReadFailed,
            message: Some(message.to_string()),
            duration_ms: millis(elapsed),
            fuel_used: None,
        });
    }

    /// Records a hook that could not be loaded.
    pub fn hook_load_failed(&self, hook: &str, message: &str) {
        self.write(Record::HookFinished {
            hook: hook.to_string(),
            result: HookResult::LoadFailed,
            message: Some(message.to_string()),
            duration_ms: 0,
            fuel_used: None,
        });
    }

    /// Records a change of an outbox entry.
    pub fn outbox(&self, action: OutboxAction, entry: &Entry, message: Option<&str>) {
        self.write(Record::Outbox {
            action,
            entry: entry.id,
            hook: entry.payload.hook.clone(),
            ticket: entry.payload.ticket,
            attempts: entry.attempts,
            message: message.map(str::to_string),
        });
    }

    /// Records every field write and comment of `plan` with one result.
    pub fn writes(&self, hook: &str, plan: &WritePlan, result: WriteResult, error: Option<&str>) {
        for task in &plan.tasks {
            for field in &task.fields {
                self.write(Record::FieldWrite {
                    hook: hook.to_string(),
                    ticket: plan.ticket_id,
                    step: plan.step_id,
                    task: task.task_id,
                    field: field.name.clone(),
                    field_type: field.field_type.clone(),
                    value_bytes: crate::writeback::value_bytes(&field.value),
                    result,
                    error: error.map(str::to_string),
                });
            }
        }
        for comment in &plan.comments {
            self.write(Record::Comment {
                hook: hook.to_string(),
                ticket: plan.ticket_id,
                task: comment.task_id,
                text_bytes: comment.content.len() as u64,
                result,
                error: error.map(str::to_string),
            });
        }
    }
}

fn http_record(hook: &str, request: &RequestRecord) -> Record {
    let (decision, rule) = match &request.decision {
        egress::Decision::Allowed { grant } => (Decision::Allowed, grant.clone()),
        egress::Decision::Denied { reason } => (Decision::Denied, reason.clone()),
    };
    Record::HttpRequest {
        hook: hook.to_string(),
        method: request.method.clone(),
        url: audit::redact_url(&request.url),
        decision,
        rule,
        address: request.address,
        status: request.status,
        request_bytes: 0,
        response_bytes: request.response_bytes(),
        duration_ms: millis(request.duration),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
