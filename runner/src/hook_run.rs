//! One hook's turn in a run: load it, run it in its sandbox, check its
//! outcome against its policy, and write the outcome back.

use std::path::PathBuf;
use std::sync::Arc;

use crate::api::ApiClient;
use crate::audit::Limit;
use crate::audit_trail::AuditTrail;
use crate::bindings::{Event, Outcome, TicketInfo};
use crate::config::{HookConfig, ScriptKind};
use crate::egress::{Decision, EgressLimits, RequestRecord, Resolver};
use crate::engine::{
    ASSIGN_EXPORT, EVALUATE_EXPORT, HookEngine, HookInput, HookKind, HookRun, Limits, LoadedHook,
    RunContext,
};
use crate::event::event_name;
use crate::exit_code::Status;
use crate::hook_context;
use crate::outbox::{self, Delivery, LazyOutbox, Payload, State};
use crate::policy::TicketGrant;
use crate::writeback::{self, Applied};

/// The end state of one hook's run.
#[derive(Debug)]
pub enum HookResult {
    /// The hook ran and its changes, if any, were written.
    Applied(Applied),
    /// The hook ran and its changes are safely in the outbox for a retry;
    /// the reason.
    Queued(String),
    /// A command hook printed a scripted condition result, which changes
    /// nothing in the ticket.
    Condition(bool),
    /// The hook or its write-back failed; the status and the message.
    Failed(Status, String),
}

/// A hook run checked against its policy, before any write-back.
#[derive(Debug)]
pub struct CheckedRun {
    /// The component that ran.
    pub loaded: LoadedHook,
    /// The run's result and resource use.
    pub run: HookRun,
    /// The limits the run had.
    pub limits: Limits,
    /// The limits the run's HTTP requests had.
    pub http_limits: EgressLimits,
    /// The decision on the outcome.
    pub verdict: Verdict,
}

/// The decision on a checked run's outcome.
#[derive(Debug)]
pub enum Verdict {
    /// The outcome passed every check of the policy and may be written.
    Write(Outcome),
    /// A command hook printed a scripted condition result.
    Condition(bool),
    /// The hook produced no outcome; the status and the message.
    HookFailed(Status, String),
    /// The outcome breaks the policy, so none of it may be written; the
    /// message.
    Rejected(String),
}

/// Runs one hook for the event and writes its outcome back.
pub async fn run_hook(
    engine: &HookEngine,
    api: &Arc<ApiClient>,
    resolver: &Resolver,
    audit: &AuditTrail,
    outbox: &LazyOutbox,
    hook: &HookConfig,
    (event, info): (Event, &TicketInfo),
) -> HookResult {
    let checked = match run_and_check(engine, api, resolver, audit, hook, (event, info)).await {
        Ok(checked) => checked,
        Err(message) => return HookResult::Failed(Status::Config, message),
    };
    let handled = match &checked.verdict {
        Verdict::Write(outcome) => {
            write_back(api, audit, outbox, hook, (event, info), outcome).await
        }
        Verdict::Condition(value) => HookResult::Condition(*value),
        Verdict::HookFailed(status, message) => {
            return HookResult::Failed(*status, message.clone());
        }
        Verdict::Rejected(message) => HookResult::Failed(Status::HookFailed, message.clone()),
    };
    let error = match &handled {
        HookResult::Failed(_, message) => Some(message.as_str()),
        HookResult::Applied(_) | HookResult::Queued(_) | HookResult::Condition(_) => None,
    };
    record_handled(audit, &hook.name, &checked.run, error);
    handled
}

/// A hook ready to run: its checked component and the sandbox context
/// built from its policy.
#[derive(Debug)]
pub struct PreparedHook {
    /// The component, its digest pin and kind checked.
    pub loaded: LoadedHook,
    /// The settings, ticket access, limits and egress of the run.
    pub context: RunContext,
    /// The policy file and its `[ticket]` grant, for the outcome checks.
    pub ticket_grant: (Option<PathBuf>, TicketGrant),
}

/// Loads the hook's component, checks its digest pin and kind, and builds
/// the context of a run on ticket `ticket_id` from its policy, writing the
/// audit records. A hook that cannot be loaded is recorded and returned as
/// the error message.
pub fn prepare(
    engine: &HookEngine,
    api: &Arc<ApiClient>,
    resolver: &Resolver,
    audit: &AuditTrail,
    hook: &HookConfig,
    ticket_id: u64,
) -> Result<PreparedHook, String> {
    let load_failed = |message: String| {
        audit.hook_load_failed(&hook.name, &message);
        message
    };
    let loaded = engine
        .load(&hook.component)
        .map_err(|error| load_failed(error.to_string()))?;
    audit.hook_started(&hook.name, &loaded.path, &loaded.digest);
    check_pin(hook, &loaded.digest).map_err(load_failed)?;
    check_kind(hook, loaded.kind).map_err(load_failed)?;
    let policy = hook_context::load_policy(hook).map_err(load_failed)?;
    let ticket_grant = (policy.path.clone(), policy.ticket.clone());
    let context = hook_context::build(hook, policy, resolver, ticket_id, Some(api.clone()))
        .map_err(load_failed)?;
    for secret in &context.secrets {
        audit.add_secret(secret);
    }
    Ok(PreparedHook {
        loaded,
        context,
        ticket_grant,
    })
}

/// Loads the hook, runs it in its sandbox and checks its outcome against
/// its policy, writing the audit records of the run. A hook that cannot be
/// loaded is recorded and returned as the error message.
pub async fn run_and_check(
    engine: &HookEngine,
    api: &Arc<ApiClient>,
    resolver: &Resolver,
    audit: &AuditTrail,
    hook: &HookConfig,
    (event, info): (Event, &TicketInfo),
) -> Result<CheckedRun, String> {
    let PreparedHook {
        loaded,
        context,
        ticket_grant,
    } = prepare(engine, api, resolver, audit, hook, info.id)?;
    let limits = context.limits;
    let max_requests = context.max_http_requests;
    let http_limits = context.egress.limits();

    let run = engine
        .run(&loaded, context, HookInput::Event(event, info))
        .await;
    record_run(audit, &hook.name, &run, &limits, max_requests);
    let verdict = match &run.result {
        Ok(outcome) => check_outcome(hook, info, &run, &limits, audit, &ticket_grant, outcome),
        Err(failure) => match run.api_errors.last() {
            Some(api_error) => Verdict::HookFailed(
                Status::Api,
                format!("the hook failed after its ticket read failed: {api_error}"),
            ),
            None => Verdict::HookFailed(Status::HookFailed, failure.to_string()),
        },
    };
    Ok(CheckedRun {
        loaded,
        run,
        limits,
        http_limits,
        verdict,
    })
}

/// Checks a returned outcome: no request was denied, the outcome fits its
/// size limit, and the policy grants every change.
fn check_outcome(
    hook: &HookConfig,
    info: &TicketInfo,
    run: &HookRun,
    limits: &Limits,
    audit: &AuditTrail,
    (policy_path, grant): &(Option<PathBuf>, TicketGrant),
    outcome: &Outcome,
) -> Verdict {
    tracing::info!(
        hook = %hook.name,
        elapsed_ms = run.elapsed.as_millis() as u64,
        fields = outcome.field_updates.len(),
        comments = outcome.comments.len(),
        "hook returned"
    );
    if let Err(message) = check_before_writing(&run.requests, outcome, limits, audit, &hook.name) {
        Verdict::Rejected(message)
    } else if let Some(condition) = run.condition {
        tracing::info!(hook = %hook.name, condition, "hook returned a condition result");
        Verdict::Condition(condition)
    } else if let Err(error) =
        writeback::check_grants(grant, policy_path.as_deref(), info.id, outcome)
    {
        Verdict::Rejected(error.to_string())
    } else {
        Verdict::Write(outcome.clone())
    }
}

/// Records how a hook that returned an outcome ended, with `error` when its
/// outcome was rejected. A hook with a denied request is already recorded
/// as `denied`, so it gets no second record.
pub fn record_handled(audit: &AuditTrail, hook: &str, run: &HookRun, error: Option<&str>) {
    let any_denied = run
        .requests
        .iter()
        .any(|request| matches!(request.decision, Decision::Denied { .. }));
    if !any_denied {
        audit.outcome_handled(hook, error, run.elapsed, run.fuel_used);
    }
}

/// Checks the component's digest against the hook's `sha256` pin, if any.
pub fn check_pin(hook: &HookConfig, digest: &str) -> Result<(), String> {
    match &hook.sha256 {
        Some(pinned) if pinned != digest => Err(format!(
            "component `{}` of hook `{}` has digest {digest}, but the configuration pins {pinned}, \
             so the hook does not run; if the new component is the one you meant to install, set \
             sha256 = \"{digest}\" on the hook",
            hook.component.display(),
            hook.name
        )),
        _ => Ok(()),
    }
}

/// Checks that the component's kind fits the hook's `kind` key: trigger and
/// command hooks run on events, a condition hook needs the `condition` world
/// and an assignment hook the `assignment` world.
pub fn check_kind(hook: &HookConfig, kind: HookKind) -> Result<(), String> {
    let fits = match hook.kind {
        ScriptKind::Event => kind.runs_on_events(),
        ScriptKind::Condition => kind == HookKind::Condition,
        ScriptKind::Assignment => kind == HookKind::Assignment,
    };
    if fits {
        return Ok(());
    }
    let article = if kind == HookKind::Assignment {
        "an"
    } else {
        "a"
    };
    let found = format!(
        "component `{}` is {article} {} hook (it exports `{}`)",
        hook.component.display(),
        kind.name(),
        kind.export_name()
    );
    let script_kind_of = |kind: HookKind| match kind {
        HookKind::Condition => Some(ScriptKind::Condition),
        HookKind::Assignment => Some(ScriptKind::Assignment),
        HookKind::Trigger | HookKind::Command => None,
    };
    Err(match (hook.kind, script_kind_of(kind)) {
        (ScriptKind::Event, Some(script)) => format!(
            "{found}, which SecureChange starts with a ticket id, not on events: set \
             kind = \"{}\" on hook `{}`, remove its events, and register \
             `hook-runner {} {} TICKET_ID` in SecureChange",
            script.name(),
            hook.name,
            script.subcommand(),
            hook.name
        ),
        (configured, Some(script)) => format!(
            "{found}, but hook `{}` has kind = \"{}\": set kind = \"{}\" to use this \
             component, and register it as `hook-runner {} {} TICKET_ID`",
            hook.name,
            configured.name(),
            script.name(),
            script.subcommand(),
            hook.name
        ),
        (configured, None) => {
            let (world, export) = match configured {
                ScriptKind::Condition => ("condition", EVALUATE_EXPORT),
                ScriptKind::Assignment | ScriptKind::Event => ("assignment", ASSIGN_EXPORT),
            };
            format!(
                "{found}, but hook `{}` has kind = \"{}\", which needs a component of the \
                 `{world}` world that exports `{export}`: build the hook against that world, \
                 or remove kind to run this component on events",
                hook.name,
                configured.name()
            )
        }
    })
}

/// Writes the audit records of a finished hook run: the limits it reached
/// and how it ended.
pub(crate) fn record_run(
    audit: &AuditTrail,
    hook: &str,
    run: &HookRun,
    limits: &Limits,
    max_requests: u64,
) {
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
    if let Some(message) = denied_requests_error(requests, "written") {
        return Err(message);
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

/// Returns the failure message for a hook that had requests denied, which
/// breaks its policy, so nothing it returned is trusted. `used` names what
/// was not done with the result, such as `written`.
pub(crate) fn denied_requests_error(requests: &[RequestRecord], used: &str) -> Option<String> {
    let denied: Vec<&str> = requests
        .iter()
        .filter_map(|request| match &request.decision {
            Decision::Denied { reason } => Some(reason.as_str()),
            Decision::Allowed { .. } => None,
        })
        .collect();
    let first = denied.first()?;
    Some(format!(
        "the hook broke its policy with {} denied request(s), so nothing it returned was {used}; first: {first}",
        denied.len()
    ))
}

/// Writes `outcome` into the ticket through the outbox, as `run` does. The
/// outbox records each event's outcome once, so a re-run does not write it
/// again.
pub async fn write_back(
    api: &ApiClient,
    audit: &AuditTrail,
    outbox: &LazyOutbox,
    hook: &HookConfig,
    (event, info): (Event, &TicketInfo),
    outcome: &Outcome,
) -> HookResult {
    if outcome.field_updates.is_empty() && outcome.comments.is_empty() {
        return HookResult::Applied(Applied::default());
    }
    let outbox = match outbox.get() {
        Ok(outbox) => outbox,
        Err(error) => {
            return HookResult::Failed(
                Status::Config,
                format!("nothing was written because the write-back cannot be recorded: {error}"),
            );
        }
    };
    let key = outbox::idempotency_key(event_name(event), info, &hook.name, outcome);
    let payload = Payload {
        hook: hook.name.clone(),
        event: event_name(event).to_string(),
        ticket: info.id,
        stage: info
            .current_stage
            .as_ref()
            .map(|stage| (stage.id, stage.name.clone())),
        write_if_step_changed: hook.write_if_step_changed,
        outcome: outcome.clone(),
    };
    let delivery = match outbox::submit(outbox, api, audit, &key, &payload).await {
        Ok(delivery) => delivery,
        Err(error) => {
            return HookResult::Failed(
                Status::Config,
                format!("the write-back stopped because the outbox failed: {error}"),
            );
        }
    };
    match delivery {
        Delivery::Delivered(applied) => {
            tracing::info!(hook = %hook.name, ticket = info.id, fields = applied.fields, comments = applied.comments, "wrote the hook's changes");
            HookResult::Applied(applied)
        }
        Delivery::Skipped(reason) => {
            tracing::warn!(hook = %hook.name, ticket = info.id, "{reason}");
            HookResult::Applied(Applied::default())
        }
        Delivery::Settled(entry) if entry.state == State::Failed => {
            let status = entry
                .exit_status
                .and_then(Status::from_code)
                .unwrap_or(Status::Api);
            HookResult::Failed(
                status,
                format!(
                    "this event's write-back failed in an earlier run and is kept as outbox entry {}: {}; \
                     fix the cause and drop it with `hook-runner outbox drop {}`",
                    entry.id,
                    entry.last_error.as_deref().unwrap_or("no error recorded"),
                    entry.id
                ),
            )
        }
        Delivery::Settled(entry) => {
            tracing::info!(
                hook = %hook.name,
                ticket = info.id,
                entry = entry.id,
                state = entry.state.as_str(),
                "this event's write-back was settled by an earlier run; nothing was sent again"
            );
            HookResult::Applied(Applied::default())
        }
        Delivery::Busy(pid) => {
            tracing::info!(
                hook = %hook.name,
                ticket = info.id,
                pid,
                "another hook-runner process is delivering this event's write-back"
            );
            HookResult::Applied(Applied::default())
        }
        Delivery::Queued {
            status: Status::Success,
            message,
            entry,
        } => HookResult::Queued(format!(
            "the write-back is queued as outbox entry {} for a retry after {} attempt(s): {message}",
            entry.id, entry.attempts
        )),
        Delivery::Queued {
            status,
            message,
            entry,
        } => HookResult::Failed(
            status,
            format!(
                "the write-back is queued as outbox entry {}, but it needs the admin: {message}",
                entry.id
            ),
        ),
        Delivery::Failed { status, message } => HookResult::Failed(status, message),
    }
}
