//! One hook's turn in a run: load it, run it in its sandbox, check its
//! outcome against its policy, and write the outcome back.

use std::sync::Arc;

use crate::api::ApiClient;
use crate::audit::{Limit, WriteResult};
use crate::audit_trail::AuditTrail;
use crate::bindings::{Event, Outcome, TicketInfo};
use crate::config::HookConfig;
use crate::egress::{Decision, RequestRecord, Resolver};
use crate::engine::{HookEngine, HookRun, Limits};
use crate::exit_code::Status;
use crate::hook_context;
use crate::writeback::{self, Applied};

/// The end state of one hook's run.
#[derive(Debug)]
pub enum HookResult {
    /// The hook ran and its changes, if any, were written.
    Applied(Applied),
    /// The hook or its write-back failed; the status and the message.
    Failed(Status, String),
}

/// Runs one hook for the event and writes its outcome back.
pub async fn run_hook(
    engine: &HookEngine,
    api: &Arc<ApiClient>,
    resolver: &Resolver,
    audit: &AuditTrail,
    hook: &HookConfig,
    event: Event,
    info: &TicketInfo,
) -> HookResult {
    let load_failed = |message: String| {
        audit.hook_load_failed(&hook.name, &message);
        HookResult::Failed(Status::Config, message)
    };
    let loaded = match engine.load(&hook.component) {
        Ok(loaded) => loaded,
        Err(error) => return load_failed(error.to_string()),
    };
    audit.hook_started(&hook.name, &loaded.path, &loaded.digest);
    let policy = match hook_context::load_policy(hook) {
        Ok(policy) => policy,
        Err(message) => return load_failed(message),
    };
    let ticket_grant = (policy.path.clone(), policy.ticket.clone());
    let context = match hook_context::build(hook, policy, resolver, info.id, Some(api.clone())) {
        Ok(context) => context,
        Err(message) => return load_failed(message),
    };
    for secret in &context.secrets {
        audit.add_secret(secret);
    }
    let limits = context.limits;
    let max_requests = context.max_http_requests;

    let run = engine.run(&loaded, context, (event, info)).await;
    record_run(audit, &hook.name, &run, &limits, max_requests);
    let outcome = match run.result {
        Ok(outcome) => outcome,
        Err(failure) => match run.api_errors.last() {
            Some(api_error) => {
                let message = format!("the hook failed after its ticket read failed: {api_error}");
                return HookResult::Failed(Status::Api, message);
            }
            None => return HookResult::Failed(Status::HookFailed, failure.to_string()),
        },
    };
    tracing::info!(
        hook = %hook.name,
        elapsed_ms = run.elapsed.as_millis() as u64,
        fields = outcome.field_updates.len(),
        comments = outcome.comments.len(),
        "hook returned"
    );

    let (policy_path, grant) = &ticket_grant;
    let handled = if let Err(message) =
        check_before_writing(&run.requests, &outcome, &limits, audit, &hook.name)
    {
        HookResult::Failed(Status::HookFailed, message)
    } else if let Err(error) =
        writeback::check_grants(grant, policy_path.as_deref(), info.id, &outcome)
    {
        HookResult::Failed(Status::HookFailed, error.to_string())
    } else {
        write_back(api, audit, hook, info, &outcome).await
    };

    // A hook with a denied request is already recorded as `denied`.
    let any_denied = run
        .requests
        .iter()
        .any(|request| matches!(request.decision, Decision::Denied { .. }));
    if !any_denied {
        let error = match &handled {
            HookResult::Failed(_, message) => Some(message.as_str()),
            HookResult::Applied(_) => None,
        };
        audit.outcome_handled(&hook.name, error, run.elapsed, run.fuel_used);
    }
    handled
}

/// Writes the audit records of a finished hook run: the limits it reached
/// and how it ended.
fn record_run(audit: &AuditTrail, hook: &str, run: &HookRun, limits: &Limits, max_requests: u64) {
    if run.log_limit_hit {
        audit.limit_hit(hook, Limit::Log, limits.log_bytes as u64);
    }
    if run.output_limit_hit {
        audit.limit_hit(hook, Limit::Output, limits.output_bytes as u64);
    }
    let over_request_limit = run.requests.iter().any(|request| {
        matches!(&request.decision, Decision::Denied { reason } if reason.contains("max_http_requests"))
    });
    if over_request_limit {
        audit.limit_hit(hook, Limit::HttpRequests, max_requests);
    }
    audit.hook_finished(
        hook,
        &run.result,
        &run.requests,
        limits,
        run.elapsed,
        run.fuel_used,
    );
}

/// Rejects an outcome that must not be written: the hook had a request
/// denied, which breaks its policy so nothing it returns is trusted, or the
/// outcome is over the policy's `max_outcome_kib`.
fn check_before_writing(
    requests: &[RequestRecord],
    outcome: &Outcome,
    limits: &Limits,
    audit: &AuditTrail,
    hook: &str,
) -> Result<(), String> {
    let denied: Vec<&str> = requests
        .iter()
        .filter_map(|request| match &request.decision {
            Decision::Denied { reason } => Some(reason.as_str()),
            Decision::Allowed { .. } => None,
        })
        .collect();
    if let Some(first) = denied.first() {
        return Err(format!(
            "the hook broke its policy with {} denied request(s), so nothing it returned was written; first: {first}",
            denied.len()
        ));
    }
    let size = writeback::outcome_bytes(outcome);
    if size > limits.outcome_bytes {
        audit.limit_hit(hook, Limit::Outcome, limits.outcome_bytes);
        return Err(format!(
            "the hook's outcome is too large: {size} bytes, more than max_outcome_kib allows ({} bytes); nothing was written",
            limits.outcome_bytes
        ));
    }
    Ok(())
}

async fn write_back(
    api: &ApiClient,
    audit: &AuditTrail,
    hook: &HookConfig,
    info: &TicketInfo,
    outcome: &Outcome,
) -> HookResult {
    let ticket_id = info.id;
    if outcome.field_updates.is_empty() && outcome.comments.is_empty() {
        return HookResult::Applied(Applied::default());
    }
    let ticket = match api.get_ticket(ticket_id).await {
        Ok(ticket) => ticket,
        Err(error) => {
            return HookResult::Failed(
                Status::Api,
                format!("failed to read ticket {ticket_id} before writing: {error}"),
            );
        }
    };
    if let Some(moved) = step_change(info, &ticket)
        && !hook.write_if_step_changed
    {
        tracing::warn!(
            hook = %hook.name,
            ticket = ticket_id,
            "{moved}; skipped the hook's {} field update(s) and {} comment(s) \
             (set write_if_step_changed = true on the hook to write to the new step)",
            outcome.field_updates.len(),
            outcome.comments.len()
        );
        return HookResult::Applied(Applied::default());
    }
    let plan = match writeback::plan(&ticket, outcome) {
        Ok(Some(plan)) => plan,
        Ok(None) => return HookResult::Applied(Applied::default()),
        Err(error) => return HookResult::Failed(Status::HookFailed, error.to_string()),
    };
    let result = writeback::apply(api, &plan).await;
    match &result {
        Ok(_) => audit.writes(&hook.name, &plan, WriteResult::Written, None),
        Err(error) => {
            let message = format!("{error}: {}", error.api_error());
            audit.writes(&hook.name, &plan, WriteResult::Failed, Some(&message));
        }
    }
    match result {
        Ok(applied) => {
            tracing::info!(hook = %hook.name, ticket = ticket_id, fields = applied.fields, comments = applied.comments, "wrote the hook's changes");
            HookResult::Applied(applied)
        }
        Err(error) => HookResult::Failed(Status::Api, format!("{error}: {}", error.api_error())),
    }
}

/// Describes how the ticket moved since SecureChange sent the event, or
/// returns `None` when it is still on the step `<ticket_info>` named. On
/// ADVANCE the ticket often moves on before the hook finishes.
fn step_change(info: &TicketInfo, ticket: &crate::bindings::Ticket) -> Option<String> {
    let stage = info.current_stage.as_ref()?;
    match &ticket.current_step {
        Some(current) if current.id == stage.id => None,
        Some(current) => Some(format!(
            "ticket {} moved from step `{}` ({}) to `{}` ({}) since the event",
            ticket.id, stage.name, stage.id, current.name, current.id
        )),
        None => Some(format!(
            "ticket {} left step `{}` ({}) and has no current step now (status `{}`)",
            ticket.id, stage.name, stage.id, ticket.status
        )),
    }
}
