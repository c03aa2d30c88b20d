//! The audit log: a JSON Lines file that shows an admin afterwards what each
//! hook did.
//!
//! # Record format
//!
//! Each line of the audit file is one JSON object. hook-runner only appends
//! lines, and several hook-runner processes can write to the same file at
//! once without mixing their lines. A new file gets mode 0600 on Unix. An
//! existing file keeps its mode.
//!
//! Every line starts with three fields:
//!
//! - `time`: when the line was written, in RFC 3339 in UTC with
//!   milliseconds, such as `2024-05-02T08:15:30.123Z`.
//! - `run`: the id of the hook-runner process that wrote the line, made of
//!   its process id and start time in hex, such as `3f1c-18f3c2b9a10`. All
//!   lines of one ticket event share it.
//! - `kind`: what the line records, one of the kinds below.
//!
//! The other fields depend on `kind`. An optional field is left out when it
//! has no value. Ids are numbers, sizes are in bytes and durations in
//! milliseconds.
//!
//! - `run_started`: hook-runner started on a ticket event. `event` (the
//!   `SCW_EVENT` name, such as `ADVANCE`), `ticket` (optional, absent for
//!   `TEST`), `version` (of hook-runner), `pid`.
//! - `hook_started`: a hook is about to be loaded. `hook` (its name in the
//!   configuration), `component` (the file path), `digest` (`sha256:`
//!   followed by the hex SHA-256 of the component file).
//! - `http_request`: a hook sent an HTTP request or was denied one. `hook`,
//!   `method`, `url`, `decision` (`allowed` or `denied`), `rule` (the grant
//!   that allowed the request, or the reason it was denied), `address`
//!   (optional, the IP address that the host resolved to), `status`
//!   (optional, the HTTP status code), `request_bytes`, `response_bytes`,
//!   `duration_ms`.
//! - `field_write`: a hook's value for a ticket field. `hook`, `ticket`,
//!   `step`, `task`, `field` (the name), `field_type` (such as
//!   `text_field`), `value_bytes`, `result` (`written`, `rejected` or
//!   `failed`), `error` (optional).
//! - `comment`: a hook's comment for a ticket. `hook`, `ticket`, `task`,
//!   `text_bytes`, `result` (as for `field_write`), `error` (optional).
//! - `limit_hit`: a hook reached a resource limit. `hook`, `limit`
//!   (`memory`, `wall_time`, `fuel`, `http_requests`, `response_body`,
//!   `request_body`, `output`, `log` or `outcome`), `value` (the limit),
//!   `unit` (`bytes`, `milliseconds`, `fuel` or `requests`).
//! - `hook_finished`: a hook ended. `hook`, `result` (`ok`,
//!   `returned_error`, `trap`, `timeout`, `memory`, `denied`, `load_failed`
//!   or `rejected` for an outcome refused before or during write-back),
//!   `message` (optional), `duration_ms`, `fuel_used` (optional).
//! - `run_finished`: hook-runner is about to exit. `exit_code`,
//!   `duration_ms`.
//!
//! For example:
//!
//! ```text
//! {"time":"2024-05-02T08:15:30.123Z","run":"3f1c-18f3c2b9a10","kind":"hook_finished","hook":"risk","result":"ok","duration_ms":412,"fuel_used":18734512}
//! ```
//!
//! The log never contains field values or comment texts, only their sizes.
//! URLs lose their user name, password and fragment, and each query value
//! becomes `REDACTED`, so `https://u:p@api.example.com/v1/items?token=abc`
//! is logged as `https://api.example.com/v1/items?token=REDACTED`. Values
//! that hook-runner registers as secrets are replaced with `REDACTED` in
//! every string field except `time`, `run` and `kind`. Numbers are not
//! scanned.
//!
//! Each process opens the file once and keeps it open until it exits, so a
//! rotation that renames the file takes effect from the next ticket event.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

mod line;
mod record;
mod redact;
mod time;

pub use record::{
    Decision, Entry, HookResult, Limit, LimitUnit, OutboxAction, Record, WriteResult,
};
pub use redact::{REDACTED, redact_url};
pub use time::format_rfc3339;

use redact::Secrets;

/// The audit file of this process, or a log that drops every record when no
/// audit file is configured.
///
/// Methods take `&self`, so one log can be shared between threads.
pub struct AuditLog {
    file: Option<AuditFile>,
    secrets: Mutex<Secrets>,
}

struct AuditFile {
    path: PathBuf,
    /// The lock on the file is held per open file, not per thread, so the
    /// mutex keeps the threads of this process from writing at once.
    file: Mutex<File>,
}

/// An audit file that could not be opened or written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The file could not be created or opened for appending.
    #[error(
        "failed to open audit log `{}` for appending (check that its folder exists and that the hook-runner user can write there)",
        path.display()
    )]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line could not be locked, written or encoded.
    #[error("failed to write to audit log `{}`", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl AuditLog {
    /// Opens `path` for appending, and creates it with mode 0600 on Unix if
    /// it does not exist. The folder must exist.
    pub fn open(path: &Path) -> Result<AuditLog, AuditError> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(|source| AuditError::Open {
            path: path.to_path_buf(),
            source,
        })?;

        Ok(AuditLog {
            file: Some(AuditFile {
                path: path.to_path_buf(),
                file: Mutex::new(file),
            }),
            secrets: Mutex::default(),
        })
    }

    /// Creates a log that accepts every record and writes nothing, for a
    /// configuration without an audit file.
    pub fn disabled() -> AuditLog {
        AuditLog {
            file: None,
            secrets: Mutex::default(),
        }
    }

    /// Returns the audit file's path, or `None` for a disabled log.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|file| file.path.as_path())
    }

    /// Registers a secret, such as a password. From now on every occurrence
    /// of `secret` in a record's strings is written as `REDACTED`, and so is
    /// its percent-encoded form, in which every byte outside RFC 3986's
    /// unreserved characters is encoded. An empty string is ignored.
    pub fn add_secret(&self, secret: &str) {
        let mut secrets = self.secrets.lock().unwrap_or_else(PoisonError::into_inner);
        secrets.add(secret);
    }

    /// Appends `record` as one line, stamped with the current time and
    /// [`run_id`]. A disabled log returns `Ok` at once.
    ///
    /// The line is written with one `write` call while this process holds an
    /// exclusive advisory lock on the file (`File::lock`, which is `flock` on
    /// Unix), so lines from several processes never interleave. The call
    /// blocks while another process holds the lock.
    pub fn write(&self, record: &Record) -> Result<(), AuditError> {
        let Some(audit_file) = &self.file else {
            return Ok(());
        };
        let write_error = |source| AuditError::Write {
            path: audit_file.path.clone(),
            source,
        };

        let line = {
            let secrets = self.secrets.lock().unwrap_or_else(PoisonError::into_inner);
            line::render_line(
                format_rfc3339(SystemTime::now()),
                run_id(),
                record,
                &secrets,
            )
            .map_err(|error| write_error(error.into()))?
        };

        let file = audit_file
            .file
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        append_locked(&file, line.as_bytes()).map_err(write_error)
    }
}

/// Writes `line` under an exclusive lock on `file`, and releases the lock even
/// when the write fails.
fn append_locked(file: &File, line: &[u8]) -> std::io::Result<()> {
    file.lock()?;
    // `write_all` makes one `write` call unless the kernel writes only part
    // of the line. Then it writes the rest while the lock is still held.
    let written = (&*file).write_all(line);
    let unlocked = file.unlock();
    written?;
    unlocked
}

impl std::fmt::Debug for AuditLog {
    /// Shows the path but never the secrets.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AuditLog")
            .field("path", &self.path())
            .finish_non_exhaustive()
    }
}

/// Returns the id of this process's run: the process id and the time of the
/// first call in milliseconds since 1970, both in hex, such as
/// `3f1c-18f3c2b9a10`. Every call in one process returns the same id.
pub fn run_id() -> &'static str {
    static RUN_ID: OnceLock<String> = OnceLock::new();
    RUN_ID.get_or_init(|| {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        format!("{:x}-{started:x}", std::process::id())
    })
}

/// Returns `sha256:` followed by the lowercase hex SHA-256 digest of a
/// component file's bytes.
pub fn component_digest(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut text = String::with_capacity("sha256:".len() + 2 * digest.len());
    text.push_str("sha256:");
    for byte in digest {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

#[cfg(test)]
mod tests;
