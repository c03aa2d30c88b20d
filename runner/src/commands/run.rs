//! `hook-runner run`: handle one SecureChange event, as SecureChange calls it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::api::ApiClient;
use crate::audit::AuditLog;
use crate::audit_trail::AuditTrail;
use crate::bindings::{Event, TicketInfo};
use crate::config::{ApiConfig, Config};
use crate::egress::Resolver;
use crate::engine::HookEngine;
use crate::event::{event_name, parse_event};
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::hook_run::{HookResult, run_hook};
use crate::outbox::{self, LazyOutbox};
use crate::selection::{needs_workflow, select};
use crate::self_test::self_test;
use crate::ticket_info::{self, TicketInfoDocument};
use crate::writeback::Applied;

/// Largest `<ticket_info>` document accepted on standard input. Real ones are
/// a few kilobytes; the limit keeps a runaway producer from exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// Handle one SecureChange event: run the hooks bound to it and write their
/// results into the ticket.
#[derive(Debug, Default, clap::Args)]
pub struct RunCommand {
    /// Event to handle, such as ADVANCE [default: the SCW_EVENT environment variable]
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,

    /// Read the <ticket_info> document from FILE instead of standard input
    #[arg(long, value_name = "FILE")]
    pub ticket_info: Option<PathBuf>,
}

impl RunCommand {
    /// Runs the command and returns the exit status.
    pub async fn execute(&self, config: &Config) -> Result<Status, Failure> {
        let started = std::time::Instant::now();
        let event = self.event()?;
        let input = read_input(self.ticket_info.as_deref(), "--ticket-info")?;
        let document = ticket_info::parse(&input).map_err(|error| {
            let source = match &self.ticket_info {
                Some(path) => format!("--ticket-info `{}`", path.display()),
                None => "standard input".to_string(),
            };
            Failure::new(Status::Input, format!("{source} {error}"))
        })?;

        if event == Event::Test {
            tracing::info!("TEST event: checking the setup without calling the SecureChange API");
            let engine = HookEngine::new(config.compile_cache())
                .map_err(|error| Failure::new(Status::Internal, error))?;
            return Ok(self_test(config, &engine));
        }
        let TicketInfoDocument::Ticket(info) = document else {
            return Err(Failure::new(
                Status::Input,
                format!(
                    "the <ticket_info> document for {} has no ticket <id>; only the TEST event sends an empty document",
                    event_name(event)
                ),
            ));
        };
        tracing::info!(
            event = event_name(event),
            ticket = info.id,
            "handling event"
        );

        let mut client = None;
        let workflow = if needs_workflow(&config.hooks, event) {
            let api = connect(config, &mut client)?;
            let ticket = api.get_ticket(info.id).await.map_err(|error| {
                Failure::new(
                    Status::Api,
                    format!(
                        "failed to read ticket {} to match workflows: {error}",
                        info.id
                    ),
                )
            })?;
            Some(ticket.workflow.name)
        } else {
            None
        };
        let outbox = LazyOutbox::new(&config.outbox_path);
        let hooks = select(&config.hooks, event, &info, workflow.as_deref());
        if hooks.is_empty() {
            tracing::info!(
                event = event_name(event),
                ticket = info.id,
                "no hook is bound to this event, step and workflow"
            );
            if outbox::has_due_entries(&outbox) {
                let api = connect(config, &mut client)?;
                let audit = open_audit(config)?;
                outbox::retry_at_start(&outbox, &api, &audit).await;
            }
            return Ok(Status::Success);
        }

        let api = connect(config, &mut client)?;
        let audit = open_audit(config)?;
        audit.run_started(event, Some(info.id));
        let status = run_hooks(config, (&api, &audit, &outbox), &hooks, event, &info).await;
        // The event's own writes go first: SecureChange waits for them.
        outbox::retry_at_start(&outbox, &api, &audit).await;
        audit.run_finished(status.code(), started.elapsed());
        Ok(status)
    }

    fn event(&self) -> Result<Event, Failure> {
        let value = match &self.event {
            Some(value) => value.clone(),
            None => match std::env::var("SCW_EVENT") {
                Ok(value) => value,
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Failure::new(Status::Input, "SCW_EVENT is not valid UTF-8"));
                }
                Err(std::env::VarError::NotPresent) => {
                    return Err(Failure::new(
                        Status::Input,
                        "SCW_EVENT is not set: SecureChange sets it for its scripts; \
                         to run by hand, set SCW_EVENT=ADVANCE or pass --event ADVANCE",
                    ));
                }
            },
        };
        parse_event(&value)
            .map_err(|error| Failure::new(Status::Input, format!("SCW_EVENT: {error}")))
    }
}

/// Reads a `<ticket_info>` document from `path`, or from standard input when
/// there is none. `option` names the command-line option in errors.
pub(super) fn read_input(path: Option<&Path>, option: &str) -> Result<Vec<u8>, Failure> {
    let (source, reader): (String, Box<dyn Read>) = match path {
        Some(path) => {
            let file = std::fs::File::open(path).map_err(|error| {
                Failure::new(
                    Status::Input,
                    format!("failed to open {option} `{}`: {error}", path.display()),
                )
            })?;
            (format!("`{}`", path.display()), Box::new(file))
        }
        None => {
            // Someone running hook-runner by hand would otherwise see it
            // wait with no sign of what for.
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprintln!(
                    "reading the <ticket_info> document from standard input; end it with \
                     Ctrl-D, or pass {option} FILE (`hook-runner check` checks the setup \
                     without one)"
                );
            }
            (
                "standard input".to_string(),
                Box::new(std::io::stdin().lock()),
            )
        }
    };
    let mut input = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut input)
        .map_err(|error| {
            Failure::new(Status::Input, format!("failed to read {source}: {error}"))
        })?;
    if input.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::new(
            Status::Input,
            format!(
                "{source} is larger than {} MiB, too large for a <ticket_info> document",
                MAX_INPUT_BYTES >> 20
            ),
        ));
    }
    Ok(input)
}

/// Returns the API client, creating it on first use.
pub(super) fn connect(
    config: &Config,
    client: &mut Option<Arc<ApiClient>>,
) -> Result<Arc<ApiClient>, Failure> {
    if let Some(client) = client {
        return Ok(client.clone());
    }
    let created = api_client(&config.api)?;
    *client = Some(created.clone());
    Ok(created)
}

/// Creates a client of the SecureChange API described by `api`, reading its
/// password from the credential source.
pub(super) fn api_client(api: &ApiConfig) -> Result<Arc<ApiClient>, Failure> {
    let password = api
        .password
        .read()
        .map_err(|message| Failure::new(Status::Config, message))?;
    let client =
        ApiClient::new(api, password).map_err(|error| Failure::new(Status::Config, error))?;
    Ok(Arc::new(client))
}

/// Opens the audit log named in the configuration, or a disabled one.
pub(super) fn open_audit(config: &Config) -> Result<AuditTrail, Failure> {
    let log = match &config.audit_file {
        Some(path) => AuditLog::open(path).map_err(|error| Failure::new(Status::Config, error))?,
        None => AuditLog::disabled(),
    };
    let trail = AuditTrail::new(log);
    if let Ok(password) = config.api.password.read() {
        trail.add_secret(&password);
    }
    Ok(trail)
}

/// Runs every selected hook in order and returns the run's status: the
/// highest failure code, or success.
async fn run_hooks(
    config: &Config,
    (api, audit, outbox): (&Arc<ApiClient>, &AuditTrail, &LazyOutbox),
    hooks: &[&crate::config::HookConfig],
    event: Event,
    info: &TicketInfo,
) -> Status {
    let engine = match HookEngine::new(config.compile_cache()) {
        Ok(engine) => engine,
        Err(error) => {
            tracing::error!(%error, "failed to set up the WebAssembly engine");
            return Status::Internal;
        }
    };
    let resolver = Resolver::new(config.resolve.clone());
    let mut status = Status::Success;
    let mut failed = 0;
    let mut queued = 0;
    let mut written = Applied::default();
    let mut condition: Option<bool> = None;
    for hook in hooks {
        match run_hook(&engine, api, &resolver, audit, outbox, hook, (event, info)).await {
            HookResult::Applied(applied) => {
                written.fields += applied.fields;
                written.comments += applied.comments;
            }
            HookResult::Queued(message) => {
                tracing::warn!(hook = %hook.name, ticket = info.id, "{message}");
                queued += 1;
            }
            HookResult::Condition(value) => {
                condition = Some(condition.unwrap_or(true) && value);
            }
            HookResult::Failed(hook_status, message) => {
                let message = crate::logging::single_line(&message);
                tracing::error!(hook = %hook.name, ticket = info.id, "{message}");
                status = status.max(hook_status);
                failed += 1;
            }
        }
    }
    tracing::info!(
        event = event_name(event),
        ticket = info.id,
        hooks = hooks.len(),
        failed,
        queued,
        fields = written.fields,
        comments = written.comments,
        "finished"
    );
    // A failed hook may have been the one to print `false`, so a run with
    // a failure prints no condition result and exits non-zero.
    if let Some(value) = condition
        && status == Status::Success
    {
        print_condition(value);
    }
    status
}

/// Prints the result of a scripted condition, the form SecureChange reads
/// from a condition script's standard output. With several condition hooks
/// on one event, the condition holds only when every hook returned true.
fn print_condition(value: bool) {
    let response = format!("<response><condition_result>{value}</condition_result></response>\n");
    if let Err(error) = std::io::Write::write_all(&mut std::io::stdout(), response.as_bytes()) {
        tracing::error!(%error, "failed to write the condition result to standard output");
    }
}
