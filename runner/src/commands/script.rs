//! The run that `hook-runner condition` and `hook-runner assign` share: find the
//! hook, read the whole ticket with the host's credentials, call the hook's
//! export in its sandbox, check what it returned, and print the document
//! that SecureChange reads from standard output.
//!
//! Standard output carries that document and nothing else, and only once
//! the whole run has succeeded, so SecureChange never reads half a result.
//! Messages go to standard error and the log file.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use super::run::{connect, open_audit};
use crate::api::ApiClient;
use crate::audit::Limit;
use crate::audit_trail::AuditTrail;
use crate::config::{Config, HookConfig, ScriptKind};
use crate::egress::Resolver;
use crate::engine::{HookEngine, HookInput};
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::hook_run::{self, PreparedHook, denied_requests_error, record_run};
use crate::script_output::{check_tasks, condition_response, tasks_document};
use crate::self_test::{check_api, check_hook};

/// The word SecureChange passes in place of a ticket id when an admin tests
/// a scripted condition in the workflow editor.
pub const TEST_ARGUMENT: &str = "test";

/// The ticket argument of `condition` and `assign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketArgument {
    /// `test`: check the setup and call no API.
    Test,
    /// The id of the ticket to decide on.
    Id(u64),
}

impl TicketArgument {
    /// Parses a ticket id (a positive whole number) or `test`, in any case.
    pub fn parse(value: &str) -> Result<TicketArgument, Failure> {
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case(TEST_ARGUMENT) {
            return Ok(TicketArgument::Test);
        }
        let invalid = |reason: &str| {
            Failure::new(
                Status::Input,
                format!(
                    "invalid ticket id `{}`: {reason}; SecureChange passes the ticket id, such as \
                     1001, or `test` from the workflow editor",
                    value.escape_default()
                ),
            )
        };
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        if !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(invalid("expected a positive whole number"));
        }
        match trimmed.parse::<u64>() {
            Ok(0) => Err(invalid("ticket ids start at 1")),
            Ok(id) => Ok(TicketArgument::Id(id)),
            Err(_) => Err(invalid("the number is too large")),
        }
    }
}

/// Runs the hook named `hook_name` of kind `kind` on `ticket` and prints its
/// result, or checks the setup for `test`.
pub async fn execute(
    config: &Config,
    kind: ScriptKind,
    hook_name: &str,
    ticket: &str,
) -> Result<Status, Failure> {
    let started = Instant::now();
    let ticket = TicketArgument::parse(ticket)?;
    let hook = find_hook(config, kind, hook_name)?;
    let engine = HookEngine::new(config.compile_cache())
        .map_err(|error| Failure::new(Status::Internal, error))?;
    let document = match ticket {
        TicketArgument::Test => test_setup(config, &engine, hook)?,
        TicketArgument::Id(id) => {
            tracing::info!(hook = %hook.name, kind = kind.name(), ticket = id, "running hook");
            let mut client = None;
            let api = connect(config, &mut client)?;
            let audit = open_audit(config)?;
            audit.script_started(kind, id);
            let resolver = Resolver::new(config.resolve.clone());
            let result = run_script(&engine, &api, &resolver, &audit, hook, id).await;
            let status = result
                .as_ref()
                .map_or_else(|failure| failure.status, |_| Status::Success);
            audit.run_finished(status.code(), started.elapsed());
            result?
        }
    };
    std::io::stdout()
        .write_all(document.as_bytes())
        .and_then(|()| std::io::stdout().flush())
        .map_err(|error| {
            Failure::new(
                Status::Internal,
                format!("failed to write the result to standard output: {error}"),
            )
        })?;
    Ok(Status::Success)
}

/// Returns the `[[hook]]` named `name`, which must have kind `kind`.
fn find_hook<'a>(
    config: &'a Config,
    kind: ScriptKind,
    name: &str,
) -> Result<&'a HookConfig, Failure> {
    let config_error = |message: String| Failure::new(Status::Config, message);
    let Some(hook) = config.hooks.iter().find(|hook| hook.name == name.trim()) else {
        let names: Vec<&str> = config
            .hooks
            .iter()
            .filter(|hook| hook.kind == kind)
            .map(|hook| hook.name.as_str())
            .collect();
        let known = if names.is_empty() {
            format!("it has no hook with kind = \"{}\"", kind.name())
        } else {
            format!("its {} hooks are `{}`", kind.name(), names.join("`, `"))
        };
        return Err(config_error(format!(
            "config `{}` has no hook named `{}`: {known}; add a [[hook]] with that name and \
             kind = \"{}\", or fix the name in the script's arguments in SecureChange",
            config.path.display(),
            name.escape_default(),
            kind.name()
        )));
    };
    if hook.kind != kind {
        return Err(config_error(format!(
            "hook `{}` has kind = \"{}\", so `hook-runner {}` cannot run it: set kind = \"{}\" \
             on the hook, or register it with `hook-runner {}`",
            hook.name,
            hook.kind.name(),
            kind.subcommand(),
            kind.name(),
            hook.kind.subcommand()
        )));
    }
    Ok(hook)
}

/// Checks the credential source and the hook's component, kind, policy and
/// secrets, as the TEST event does, and returns the document to print: a
/// true condition, or an empty task list.
fn test_setup(config: &Config, engine: &HookEngine, hook: &HookConfig) -> Result<String, Failure> {
    tracing::info!(hook = %hook.name, "test run: checking the setup without calling the SecureChange API");
    let check = check_hook(hook, engine);
    let problems: Vec<String> = check_api(config)
        .into_iter()
        .chain(
            check
                .problems
                .iter()
                .map(|problem| format!("hook `{}`: {problem}", hook.name)),
        )
        .collect();
    if !problems.is_empty() {
        return Err(Failure::new(
            Status::Config,
            format!(
                "the setup of hook `{}` has {} problem(s):\n  - {}",
                hook.name,
                problems.len(),
                problems.join("\n  - ")
            ),
        ));
    }
    Ok(match hook.kind {
        ScriptKind::Assignment => tasks_document(&[]),
        ScriptKind::Condition | ScriptKind::Event => condition_response(true),
    })
}

/// Loads the hook, reads ticket `ticket_id`, runs the hook on it and returns
/// the checked document to print.
async fn run_script(
    engine: &HookEngine,
    api: &Arc<ApiClient>,
    resolver: &Resolver,
    audit: &AuditTrail,
    hook: &HookConfig,
    ticket_id: u64,
) -> Result<String, Failure> {
    let PreparedHook {
        loaded,
        mut context,
        ..
    } = hook_run::prepare(engine, api, resolver, audit, hook, ticket_id)
        .map_err(|message| Failure::new(Status::Config, message))?;
    let limits = context.limits;
    let max_requests = context.max_http_requests;

    let started = Instant::now();
    let ticket = match api.get_ticket(ticket_id).await {
        Ok(ticket) => ticket,
        Err(error) => {
            let message = match error.status() {
                Some(404) => format!(
                    "ticket {ticket_id} was not found in SecureChange: check the ticket id that \
                     SecureChange passed ({error})"
                ),
                _ => format!("failed to read ticket {ticket_id}: {error}"),
            };
            audit.ticket_read_failed(&hook.name, &message, started.elapsed());
            return Err(Failure::new(Status::Api, message));
        }
    };
    context.tickets.already_read = Some(ticket.clone());

    let run = engine
        .run(&loaded, context, HookInput::Ticket(&ticket))
        .await;
    record_run(audit, &hook.name, &run, &limits, max_requests);
    if let Err(failure) = &run.result {
        let message = match run.api_errors.last() {
            Some(api_error) => {
                format!("the hook failed after its ticket read failed: {api_error}")
            }
            None => failure.to_string(),
        };
        let status = if run.api_errors.is_empty() {
            Status::HookFailed
        } else {
            Status::Api
        };
        return Err(Failure::new(status, message));
    }

    let denied = denied_requests_error(&run.requests, "printed");
    let checked = denied
        .clone()
        .map_or_else(|| document(&run, &ticket), Err)
        .and_then(|document| {
            if document.len() as u64 > limits.outcome_bytes {
                audit.limit_hit(&hook.name, Limit::Outcome, limits.outcome_bytes);
                return Err(format!(
                    "the hook's result is too large: {} bytes, more than max_outcome_kib allows \
                     ({} bytes); nothing was printed",
                    document.len(),
                    limits.outcome_bytes
                ));
            }
            Ok(document)
        });
    // A hook with a denied request is already recorded as `denied`.
    if denied.is_none() {
        audit.outcome_handled(
            &hook.name,
            checked.as_ref().err().map(String::as_str),
            run.elapsed,
            run.fuel_used,
        );
    }
    let document = checked.map_err(|message| Failure::new(Status::HookFailed, message))?;
    tracing::info!(
        hook = %hook.name,
        ticket = ticket_id,
        elapsed_ms = run.elapsed.as_millis() as u64,
        "hook returned"
    );
    Ok(document)
}

/// Returns the document for the value the hook returned, after checking an
/// assignment hook's tasks against the ticket.
fn document(
    run: &crate::engine::HookRun,
    ticket: &crate::bindings::Ticket,
) -> Result<String, String> {
    if let Some(value) = run.condition {
        return Ok(condition_response(value));
    }
    let Some(tasks) = &run.tasks else {
        return Err("the hook returned no condition result and no tasks".to_string());
    };
    check_tasks(tasks, ticket).map_err(|error| error.to_string())?;
    Ok(tasks_document(tasks))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(value: &str) -> String {
        let failure = TicketArgument::parse(value).expect_err("rejected");
        assert_eq!(failure.status, Status::Input);
        failure.error.to_string()
    }

    #[test]
    fn ticket_argument_accepts_ids_and_test() {
        assert_eq!(
            TicketArgument::parse("1001").ok(),
            Some(TicketArgument::Id(1001))
        );
        assert_eq!(
            TicketArgument::parse(" 7 ").ok(),
            Some(TicketArgument::Id(7))
        );
        assert_eq!(
            TicketArgument::parse("test").ok(),
            Some(TicketArgument::Test)
        );
        assert_eq!(
            TicketArgument::parse("TEST").ok(),
            Some(TicketArgument::Test)
        );
    }

    #[test]
    fn ticket_argument_rejects_bad_ids() {
        assert!(rejected("").contains("it is empty"));
        assert!(rejected("abc").contains("invalid ticket id `abc`"));
        assert!(rejected("-1").contains("expected a positive whole number"));
        assert!(rejected("+5").contains("expected a positive whole number"));
        assert!(rejected("0").contains("ticket ids start at 1"));
        assert!(rejected("99999999999999999999999").contains("too large"));
    }
}
