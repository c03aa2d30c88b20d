//! `hook-runner run`: handle one SecureChange event, as SecureChange calls it.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::ApiClient;
use crate::bindings::{Event, Outcome, TicketInfo};
use crate::config::{Config, HookConfig};
use crate::egress::Resolver;
use crate::engine::HookEngine;
use crate::event::{event_name, parse_event};
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::hook_context;
use crate::selection::{needs_workflow, select};
use crate::self_test::self_test;
use crate::ticket_info::{self, TicketInfoDocument};
use crate::writeback::{self, Applied};

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

/// The end state of one hook's run.
#[derive(Debug)]
enum HookResult {
    Applied(Applied),
    Failed(Status, String),
}

impl RunCommand {
    /// Runs the command and returns the exit status.
    pub async fn execute(&self, config: &Config) -> Result<Status, Failure> {
        let event = self.event()?;
        let input = self.read_input()?;
        let document =
            ticket_info::parse(&input).map_err(|error| Failure::new(Status::Input, error))?;

        if event == Event::Test {
            tracing::info!("TEST event: checking the setup without calling the SecureChange API");
            let engine =
                HookEngine::new().map_err(|error| Failure::new(Status::Internal, error))?;
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
        let hooks = select(&config.hooks, event, &info, workflow.as_deref());
        if hooks.is_empty() {
            tracing::info!(
                event = event_name(event),
                ticket = info.id,
                "no hook is bound to this event, step and workflow"
            );
            return Ok(Status::Success);
        }

        let api = connect(config, &mut client)?;
        let engine = HookEngine::new().map_err(|error| Failure::new(Status::Internal, error))?;
        let resolver = Resolver::new(config.resolve.clone());
        let mut status = Status::Success;
        let mut failed = 0;
        let mut written = Applied::default();
        for hook in &hooks {
            match run_hook(&engine, &api, &resolver, hook, event, &info).await {
                HookResult::Applied(applied) => {
                    written.fields += applied.fields;
                    written.comments += applied.comments;
                }
                HookResult::Failed(hook_status, message) => {
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
            fields = written.fields,
            comments = written.comments,
            "finished"
        );
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

    fn read_input(&self) -> Result<Vec<u8>, Failure> {
        let (source, reader): (String, Box<dyn Read>) = match &self.ticket_info {
            Some(path) => {
                let file = std::fs::File::open(path).map_err(|error| {
                    Failure::new(
                        Status::Input,
                        format!("failed to open --ticket-info `{}`: {error}", path.display()),
                    )
                })?;
                (format!("`{}`", path.display()), Box::new(file))
            }
            None => (
                "standard input".to_string(),
                Box::new(std::io::stdin().lock()),
            ),
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
}

/// Returns the API client, creating it on first use.
fn connect(
    config: &Config,
    client: &mut Option<Arc<ApiClient>>,
) -> Result<Arc<ApiClient>, Failure> {
    if let Some(client) = client {
        return Ok(client.clone());
    }
    let password = config
        .api
        .password
        .read()
        .map_err(|message| Failure::new(Status::Config, message))?;
    let created = Arc::new(
        ApiClient::new(&config.api, password)
            .map_err(|error| Failure::new(Status::Config, error))?,
    );
    *client = Some(created.clone());
    Ok(created)
}

async fn run_hook(
    engine: &HookEngine,
    api: &Arc<ApiClient>,
    resolver: &Resolver,
    hook: &HookConfig,
    event: Event,
    info: &TicketInfo,
) -> HookResult {
    let loaded = match engine.load(&hook.component) {
        Ok(loaded) => loaded,
        Err(error) => return HookResult::Failed(Status::Config, error.to_string()),
    };
    let policy = match hook_context::load_policy(hook) {
        Ok(policy) => policy,
        Err(message) => return HookResult::Failed(Status::Config, message),
    };
    let ticket_grant = policy
        .path
        .clone()
        .map(|path| (path, policy.ticket.clone()));
    let context = match hook_context::build(hook, policy, resolver, info.id, Some(api.clone())) {
        Ok(context) => context,
        Err(message) => return HookResult::Failed(Status::Config, message),
    };
    let run = engine.run(&loaded, context, (event, info)).await;
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
    if let Some((path, grant)) = &ticket_grant {
        let problems = writeback::ungranted(grant, path, &outcome);
        if !problems.is_empty() {
            let message = format!(
                "the hook asked for changes its policy does not grant, so none was written:\n  {}",
                problems.join("\n  ")
            );
            return HookResult::Failed(Status::HookFailed, message);
        }
    }
    write_back(api, hook, info, &outcome).await
}

async fn write_back(
    api: &ApiClient,
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
    match writeback::apply(api, &plan).await {
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
