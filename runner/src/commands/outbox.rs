//! `hook-runner outbox`: show, retry and drop the write-backs that wait in
//! the outbox.

use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;

use super::print_report;
use super::run::{connect, open_audit};
use crate::audit::{OutboxAction, format_rfc3339};
use crate::config::Config;
use crate::exit_code::Status;
use crate::failure::Failure;
use crate::outbox::{self, Delivery, Entry, LazyOutbox, Outbox, State};

/// Show, retry or drop the write-backs that wait in the outbox.
#[derive(Debug, clap::Args)]
pub struct OutboxCommand {
    /// What to do.
    #[command(subcommand)]
    pub action: OutboxSubcommand,
}

/// The `outbox` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum OutboxSubcommand {
    /// List the write-backs that wait for a retry (pending) or for the
    /// admin (failed), with the reason
    List {
        /// Also list delivered, skipped and dropped entries
        #[arg(long)]
        all: bool,
        /// Print the list as JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Deliver every pending write-back now, without waiting for its backoff
    Retry,
    /// Discard a pending or failed write-back without writing it; the audit
    /// log records the drop
    Drop {
        /// The entry id that `outbox list` shows
        id: i64,
    },
}

/// One entry as `outbox list` prints it.
#[derive(Debug, Serialize)]
struct ListedEntry {
    id: i64,
    state: &'static str,
    ticket: u64,
    hook: String,
    event: String,
    fields: usize,
    comments: usize,
    attempts: u32,
    created: String,
    next_attempt: Option<String>,
    last_error: Option<String>,
}

impl OutboxCommand {
    /// Runs the command and returns the exit status.
    pub async fn execute(&self, config: &Config) -> Result<Status, Failure> {
        let lazy = LazyOutbox::new(&config.outbox_path);
        match &self.action {
            OutboxSubcommand::List { all, json } => {
                let entries = if lazy.exists() {
                    open(&lazy)?.list(*all).map_err(config_failure)?
                } else {
                    Vec::new()
                };
                let listed: Vec<ListedEntry> = entries.iter().map(listed).collect();
                print_report(&listed, *json, |listed| render(listed))?;
                Ok(Status::Success)
            }
            OutboxSubcommand::Retry => retry(config, &lazy).await,
            OutboxSubcommand::Drop { id } => drop_entry(config, &lazy, *id),
        }
    }
}

fn open(lazy: &LazyOutbox) -> Result<&Outbox, Failure> {
    lazy.get().map_err(config_failure)
}

fn config_failure(error: outbox::OutboxError) -> Failure {
    Failure::new(Status::Config, error)
}

fn listed(entry: &Entry) -> ListedEntry {
    let time = |seconds: i64| {
        format_rfc3339(UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
    };
    ListedEntry {
        id: entry.id,
        state: entry.state.as_str(),
        ticket: entry.payload.ticket,
        hook: entry.payload.hook.clone(),
        event: entry.payload.event.clone(),
        fields: entry.payload.outcome.field_updates.len(),
        comments: entry.payload.outcome.comments.len(),
        attempts: entry.attempts,
        created: time(entry.created),
        next_attempt: (entry.state == State::Pending).then(|| time(entry.next_attempt)),
        last_error: entry.last_error.clone(),
    }
}

fn render(entries: &[ListedEntry]) -> String {
    if entries.is_empty() {
        return "the outbox has no pending or failed write-back\n".to_string();
    }
    let mut text = String::new();
    for entry in entries {
        text.push_str(&format!(
            "{} {} ticket {} hook `{}` {}: {} field(s), {} comment(s), {} attempt(s), recorded {}\n",
            entry.id,
            entry.state,
            entry.ticket,
            entry.hook,
            entry.event,
            entry.fields,
            entry.comments,
            entry.attempts,
            entry.created
        ));
        if let Some(next) = &entry.next_attempt {
            text.push_str(&format!("  next attempt: {next}\n"));
        }
        if let Some(error) = &entry.last_error {
            text.push_str(&format!("  last error: {error}\n"));
        }
    }
    text
}

/// Delivers every pending entry now; exits 0 when none is left pending or
/// failed by this retry.
async fn retry(config: &Config, lazy: &LazyOutbox) -> Result<Status, Failure> {
    if !lazy.exists() {
        println!("the outbox has no pending write-back");
        return Ok(Status::Success);
    }
    let outbox = open(lazy)?;
    let api = connect(config, &mut None)?;
    let audit = open_audit(config)?;
    let results = outbox::retry_pending(outbox, &api, &audit, true, usize::MAX)
        .await
        .map_err(config_failure)?;
    let mut status = Status::Success;
    for (id, delivery) in &results {
        let line = match delivery {
            Delivery::Delivered(_) => "delivered".to_string(),
            Delivery::Skipped(reason) => format!("skipped: {reason}"),
            Delivery::Queued { message, .. } => {
                status = status.max(Status::Api);
                format!("still pending: {message}")
            }
            Delivery::Failed {
                status: failed,
                message,
            } => {
                status = status.max(*failed);
                format!("failed: {message}")
            }
            Delivery::Busy(pid) => format!("being delivered by process {pid}"),
            Delivery::Settled(entry) => format!("already {}", entry.state.as_str()),
        };
        println!("{id} {line}");
    }
    if results.is_empty() {
        println!("the outbox has no pending write-back");
    }
    Ok(status)
}

fn drop_entry(config: &Config, lazy: &LazyOutbox, id: i64) -> Result<Status, Failure> {
    if !lazy.exists() {
        return Err(Failure::new(
            Status::Usage,
            format!(
                "there is no entry {id}: the outbox `{}` does not exist",
                config.outbox_path.display()
            ),
        ));
    }
    let outbox = open(lazy)?;
    let audit = open_audit(config)?;
    let entry = outbox
        .drop_entry(id)
        .map_err(|error| Failure::new(Status::Usage, error))?;
    audit.outbox(
        OutboxAction::Dropped,
        &entry,
        Some(&format!(
            "dropped by an admin while {}",
            entry.state.as_str()
        )),
    );
    tracing::warn!(
        entry = id,
        ticket = entry.payload.ticket,
        hook = %entry.payload.hook,
        "dropped the write-back without writing it"
    );
    println!(
        "dropped entry {id} (ticket {}, hook `{}`, {})",
        entry.payload.ticket,
        entry.payload.hook,
        entry.state.as_str()
    );
    Ok(Status::Success)
}
