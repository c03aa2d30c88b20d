//! `hook-runner test`: run one hook on a ticket the way `run` does, and
//! report what it would change and the resources it used. Nothing is
//! written to the ticket unless `--write` is given.

mod metrics;
mod render;
mod report;
mod values;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::api::ApiClient;
use crate::audit_trail::AuditTrail;
use crate::bindings::{Event, Outcome, TicketInfo};
use crate::config::{self, ApiConfig, Config, HookConfig, ScriptKind};
use crate::egress::Resolver;
use crate::engine::HookEngine;
use crate::event::{event_name, parse_event};
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::hook_run::{self, CheckedRun, HookResult, Verdict};
use crate::outbox::{self, LazyOutbox};
use crate::ticket_info::{self, TicketInfoDocument};
use crate::writeback;

use super::run::{api_client, open_audit, read_input};
use report::{
    ComponentReport, FailureReport, FieldChange, StepReport, TestReport, WriteReport,
    planned_changes, requested_changes,
};

/// Run one hook on a ticket and report the fields it would change, its log
/// lines, its HTTP requests and the resources it used. Nothing is written to
/// the ticket unless --write is given.
#[derive(Debug, clap::Args)]
pub struct TestCommand {
    /// A hook name from the configuration, or the path of a component
    /// (.wasm) to test before it is in the configuration
    #[arg(value_name = "HOOK")]
    pub hook: String,

    /// The <ticket_info> XML file to run the hook on
    #[arg(long, value_name = "FILE")]
    pub ticket: PathBuf,

    /// The SCW_EVENT value to run the hook for, such as ADVANCE or CREATE
    #[arg(long, value_name = "EVENT")]
    pub event: String,

    /// Policy file to run the hook under, instead of the configured one
    /// [default for a component path: none, which grants nothing]
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// A value for the hook's `config` import, as KEY=VALUE; repeat it for
    /// more keys. It replaces the configured value of the same key.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub settings: Vec<String>,

    /// SecureChange server URL to use instead of api.url in the
    /// configuration, such as http://127.0.0.1:8080
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,

    /// Write the hook's changes into the ticket, as `run` does
    #[arg(long)]
    pub write: bool,

    /// Print the report as one JSON document
    #[arg(long)]
    pub json: bool,
}

/// How the run's outcome was handled, for the report.
struct Handled {
    status: Status,
    error: Option<String>,
    write: WriteReport,
    step: Option<StepReport>,
    changes: Vec<FieldChange>,
}

/// What a test run works with.
struct Session<'a> {
    api: Arc<ApiClient>,
    audit: AuditTrail,
    outbox: LazyOutbox,
    hook: &'a HookConfig,
    event: Event,
    info: &'a TicketInfo,
}

/// The `--json` document of a test that ended before its report.
#[derive(serde::Serialize)]
struct ErrorReport {
    status: &'static str,
    exit_code: u8,
    error: String,
}

impl TestCommand {
    /// Runs the command with the configuration at `config_path` and returns
    /// the exit status. With `--json`, a failure before the report prints a
    /// JSON document with `status` `error` too, so standard output always
    /// parses.
    pub async fn execute(&self, config: &Config, config_path: &Path) -> Result<Status, Failure> {
        let result = self.run_and_report(config, config_path).await;
        if self.json
            && let Err(failure) = &result
        {
            let report = ErrorReport {
                status: "error",
                exit_code: failure.status.code(),
                error: failure.error.to_string(),
            };
            super::print_report(&report, true, |_| String::new())?;
        }
        result
    }

    async fn run_and_report(&self, config: &Config, config_path: &Path) -> Result<Status, Failure> {
        let started = Instant::now();
        let event = parse_event(&self.event)
            .map_err(|error| Failure::new(Status::Input, format!("--event: {error}")))?;
        let info = self.read_ticket_info(event)?;
        let hook = self.hook_config(config, config_path)?;
        let api = api_client(&self.api_config(config)?)?;
        let engine = HookEngine::new(config.compile_cache())
            .map_err(|error| Failure::new(Status::Internal, error))?;
        let resolver = Resolver::new(config.resolve.clone());
        let session = Session {
            api,
            audit: open_audit(config)?,
            outbox: LazyOutbox::new(&config.outbox_path),
            hook: &hook,
            event,
            info: &info,
        };

        session.audit.run_started(event, Some(info.id));
        let checked = hook_run::run_and_check(
            &engine,
            &session.api,
            &resolver,
            &session.audit,
            &hook,
            (event, &info),
        )
        .await;
        let checked = match checked {
            Ok(checked) => checked,
            Err(message) => {
                session
                    .audit
                    .run_finished(Status::Config.code(), started.elapsed());
                return Err(Failure::new(Status::Config, message));
            }
        };
        let handled = self.handle(&session, &checked).await;
        session
            .audit
            .run_finished(handled.status.code(), started.elapsed());

        let report = self.report(&session, &checked, handled)?;
        super::print_report(&report, self.json, render::render)?;
        Status::from_code(report.exit_code)
            .ok_or_else(|| Failure::new(Status::Internal, "the report has an unknown exit code"))
    }

    /// Reads and parses `--ticket`, which must name a ticket.
    fn read_ticket_info(&self, event: Event) -> Result<TicketInfo, Failure> {
        let input = read_input(Some(&self.ticket), "--ticket")?;
        let document = ticket_info::parse(&input).map_err(|error| {
            Failure::new(
                Status::Input,
                format!("--ticket `{}` {error}", self.ticket.display()),
            )
        })?;
        match document {
            TicketInfoDocument::Ticket(info) => Ok(*info),
            TicketInfoDocument::Empty => Err(Failure::new(
                Status::Input,
                format!(
                    "--ticket `{}` has no ticket <id>, so there is no ticket to run {} on; \
                     give a <ticket_info> document with an <id>",
                    self.ticket.display(),
                    event_name(event)
                ),
            )),
        }
    }

    /// Finds the hook: a configured hook of that name, else a component file
    /// at that path. `--policy` and `--set` apply to either.
    fn hook_config(&self, config: &Config, config_path: &Path) -> Result<HookConfig, Failure> {
        let mut hook = match config.hooks.iter().find(|hook| hook.name == self.hook) {
            Some(hook) => hook.clone(),
            None if looks_like_component(&self.hook) => component_hook(Path::new(&self.hook)),
            None => return Err(unknown_hook(&self.hook, config, config_path)),
        };
        if hook.kind != ScriptKind::Event {
            return Err(Failure::new(
                Status::Config,
                format!(
                    "hook `{name}` has kind = \"{kind}\", which SecureChange starts with a ticket \
                     id, not on an event: try it with `hook-runner {command} {name} test` for its \
                     setup, or `hook-runner {command} {name} TICKET_ID` against a test server",
                    name = hook.name,
                    kind = hook.kind.name(),
                    command = hook.kind.subcommand(),
                ),
            ));
        }
        if let Some(policy) = &self.policy {
            hook.policy = Some(policy.clone());
        }
        for setting in &self.settings {
            let Some((key, value)) = setting.split_once('=') else {
                return Err(Failure::new(
                    Status::Usage,
                    format!(
                        "--set `{setting}` has no `=`: write it as KEY=VALUE, such as --set mode=strict"
                    ),
                ));
            };
            hook.settings
                .insert(key.trim().to_string(), value.to_string());
        }
        Ok(hook)
    }

    /// Returns the API settings, with `--api` in place of the URL.
    fn api_config(&self, config: &Config) -> Result<ApiConfig, Failure> {
        let mut api = config.api.clone();
        if let Some(url) = &self.api {
            api.url = config::parse_api_url(url, "--api")
                .map_err(|message| Failure::new(Status::Usage, message))?;
        }
        Ok(api)
    }

    /// Decides what the run's outcome leads to; writes it only with `--write`.
    async fn handle(&self, session: &Session<'_>, checked: &CheckedRun) -> Handled {
        let mode = if self.write { "write" } else { "dry_run" };
        let unwritten = |message: &str| WriteReport {
            mode,
            written: false,
            message: message.to_string(),
        };
        let requested = match &checked.run.result {
            Ok(outcome) => requested_changes(outcome),
            Err(_) => Vec::new(),
        };
        match &checked.verdict {
            Verdict::HookFailed(status, message) => Handled {
                status: *status,
                error: Some(message.clone()),
                write: unwritten("the hook failed, so there is nothing to write"),
                step: None,
                changes: requested,
            },
            Verdict::Rejected(message) => {
                hook_run::record_handled(
                    &session.audit,
                    &session.hook.name,
                    &checked.run,
                    Some(message),
                );
                Handled {
                    status: Status::HookFailed,
                    error: Some(message.clone()),
                    write: unwritten(
                        "the outcome breaks the hook's policy, so nothing of it is written",
                    ),
                    step: None,
                    changes: requested,
                }
            }
            Verdict::Condition(_) => {
                hook_run::record_handled(&session.audit, &session.hook.name, &checked.run, None);
                Handled {
                    status: Status::Success,
                    error: None,
                    write: unwritten("a condition result changes nothing in the ticket"),
                    step: None,
                    changes: Vec::new(),
                }
            }
            Verdict::Write(outcome) => self.preview(session, checked, outcome, mode).await,
        }
    }

    /// Resolves `outcome` against the ticket's current step for the before
    /// and after values, then writes it when `--write` is given.
    async fn preview(
        &self,
        session: &Session<'_>,
        checked: &CheckedRun,
        outcome: &Outcome,
        mode: &'static str,
    ) -> Handled {
        let hook = session.hook;
        let info = session.info;
        let mut handled = Handled {
            status: Status::Success,
            error: None,
            write: WriteReport {
                mode,
                written: false,
                message: "the hook returned no changes".to_string(),
            },
            step: None,
            changes: requested_changes(outcome),
        };
        if outcome.field_updates.is_empty() && outcome.comments.is_empty() {
            hook_run::record_handled(&session.audit, &hook.name, &checked.run, None);
            return handled;
        }
        let ticket = match session.api.get_ticket(info.id).await {
            Ok(ticket) => ticket,
            Err(error) => {
                handled.status = Status::Api;
                handled.error = Some(format!(
                    "failed to read ticket {} for the fields' current values: {error}",
                    info.id
                ));
                handled.write.message = "nothing was written".to_string();
                return handled;
            }
        };
        handled.step = ticket.current().map(|step| StepReport {
            id: step.id,
            name: step.name.clone(),
        });
        let plan = match writeback::plan(&ticket, outcome) {
            Ok(plan) => plan,
            Err(error) => {
                let message = error.to_string();
                hook_run::record_handled(&session.audit, &hook.name, &checked.run, Some(&message));
                handled.status = Status::HookFailed;
                handled.error = Some(message);
                handled.write.message =
                    "the outcome does not fit the ticket, so nothing of it is written".to_string();
                return handled;
            }
        };
        if let Some(plan) = &plan {
            handled.changes = planned_changes(&ticket, plan);
        }
        let stage = info
            .current_stage
            .as_ref()
            .map(|stage| (stage.id, stage.name.clone()));
        let moved =
            outbox::step_change(stage.as_ref(), &ticket).filter(|_| !hook.write_if_step_changed);

        if !self.write {
            hook_run::record_handled(&session.audit, &hook.name, &checked.run, None);
            handled.write.message = match moved {
                Some(moved) => format!(
                    "dry run: nothing was written to the ticket; `run` would skip this write because {moved}"
                ),
                None => "dry run: nothing was written to the ticket; pass --write to write it"
                    .to_string(),
            };
            return handled;
        }
        self.write_outcome(session, checked, outcome, handled).await
    }

    /// Writes `outcome` through the outbox, as `run` does.
    async fn write_outcome(
        &self,
        session: &Session<'_>,
        checked: &CheckedRun,
        outcome: &Outcome,
        mut handled: Handled,
    ) -> Handled {
        let result = hook_run::write_back(
            &session.api,
            &session.audit,
            &session.outbox,
            session.hook,
            (session.event, session.info),
            outcome,
        )
        .await;
        let error = match &result {
            HookResult::Failed(_, message) => Some(message.as_str()),
            _ => None,
        };
        hook_run::record_handled(&session.audit, &session.hook.name, &checked.run, error);
        match result {
            HookResult::Applied(applied) if applied.fields + applied.comments > 0 => {
                handled.write.written = true;
                handled.write.message = format!(
                    "wrote {} field(s) and {} comment(s) to the ticket",
                    applied.fields, applied.comments
                );
            }
            HookResult::Applied(_) | HookResult::Condition(_) => {
                handled.write.message = "nothing was written: the ticket left the event's step, \
                     or an earlier run already wrote this event's outcome (the log says which)"
                    .to_string();
            }
            HookResult::Queued(message) => handled.write.message = message,
            HookResult::Failed(status, message) => {
                handled.status = status;
                handled.write.message = "the write-back failed".to_string();
                handled.error = Some(message);
            }
        }
        handled
    }

    /// Builds the report of a finished run.
    fn report(
        &self,
        session: &Session<'_>,
        checked: &CheckedRun,
        handled: Handled,
    ) -> Result<TestReport, Failure> {
        let run = &checked.run;
        let loaded = &checked.loaded;
        let size = std::fs::metadata(&loaded.path)
            .map(|metadata| metadata.len())
            .map_err(|error| {
                Failure::new(
                    Status::Config,
                    format!(
                        "failed to read component `{}`: {error}",
                        loaded.path.display()
                    ),
                )
            })?;
        let metrics =
            metrics::measure(run, &checked.limits, checked.http_limits.max_requests, size);
        let failure = handled.error.map(|message| FailureReport {
            message,
            limit: metrics::limit_fired(&metrics),
        });
        Ok(TestReport {
            hook: session.hook.name.clone(),
            event: event_name(session.event).to_string(),
            ticket: session.info.id,
            component: ComponentReport::new(&loaded.path, &loaded.digest, size, &loaded.compiled),
            status: if handled.status == Status::Success {
                "ok"
            } else {
                "failed"
            },
            exit_code: handled.status.code(),
            failure,
            write: handled.write,
            step: handled.step,
            changes: handled.changes,
            comments: run
                .result
                .as_ref()
                .map(|outcome| outcome.comments.clone())
                .unwrap_or_default(),
            condition: run.condition,
            log: run.log_lines.clone(),
            requests: report::requests(&run.requests, &checked.http_limits),
            metrics,
        })
    }
}

/// Returns whether `value` names a component file rather than a hook.
fn looks_like_component(value: &str) -> bool {
    value.ends_with(".wasm")
        || value.contains(std::path::MAIN_SEPARATOR)
        || Path::new(value).is_file()
}

/// Builds the entry of a hook that is not in the configuration: named after
/// the file, with no policy (so no grants) and no settings.
fn component_hook(path: &Path) -> HookConfig {
    let name = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    HookConfig {
        name,
        component: path.to_path_buf(),
        kind: ScriptKind::Event,
        events: Vec::new(),
        workflows: Vec::new(),
        steps: Vec::new(),
        settings: Default::default(),
        write_if_step_changed: false,
        policy: None,
        sha256: None,
    }
}

fn unknown_hook(name: &str, config: &Config, config_path: &Path) -> Failure {
    let names: Vec<String> = config
        .hooks
        .iter()
        .map(|hook| format!("`{}`", hook.name))
        .collect();
    let known = if names.is_empty() {
        "it has no hooks".to_string()
    } else {
        format!("its hooks are {}", names.join(", "))
    };
    Failure::new(
        Status::Usage,
        format!(
            "hook `{name}` is not in the configuration `{}` ({known}), and it is not a component \
             file; give a hook name, or the path of a .wasm component with --policy",
            config_path.display()
        ),
    )
}
