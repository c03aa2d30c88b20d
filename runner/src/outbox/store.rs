//! The outbox database: one SQLite file in WAL mode that many hook-runner
//! processes share. Every change is one short transaction, and a delivery
//! is claimed by one process at a time.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::entry::{Entry, Payload, Progress, State};

/// How long a process waits for another one's write lock on the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a claim holds when its process cannot be checked for life.
const CLAIM_LEASE_SECONDS: i64 = 15 * 60;

/// Delivered, skipped and dropped entries older than this are deleted, and
/// their keys no longer stop a re-run.
const RETENTION_SECONDS: i64 = 30 * 24 * 3600;

/// The schema version in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    ticket INTEGER NOT NULL,
    hook TEXT NOT NULL,
    state TEXT NOT NULL,
    payload TEXT NOT NULL,
    progress TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_error TEXT,
    exit_status INTEGER,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    claimed_by INTEGER,
    claimed_at INTEGER
);
CREATE INDEX IF NOT EXISTS entries_due ON entries (state, next_attempt);
";

const COLUMNS: &str = "id, key, state, payload, progress, attempts, next_attempt, \
                       last_error, exit_status, created, updated, claimed_by";

/// A failure of the outbox database.
#[derive(Debug, thiserror::Error)]
#[error("outbox `{}`: {message}", path.display())]
pub struct OutboxError {
    /// The database file.
    pub path: PathBuf,
    /// What failed.
    pub message: String,
}

/// The result of trying to claim an entry for delivery.
#[derive(Debug)]
pub enum Claim {
    /// This process now delivers the entry.
    Claimed(Entry),
    /// Another live process is delivering it.
    Busy(u32),
    /// The entry is no longer pending.
    Settled(Entry),
}

/// An open outbox database.
#[derive(Debug)]
pub struct Outbox {
    path: PathBuf,
    connection: Connection,
}

impl Outbox {
    /// Opens or creates the database at `path`: WAL mode, a busy timeout,
    /// and full syncs so a recorded entry survives a crash.
    pub fn open(path: &Path) -> Result<Outbox, OutboxError> {
        let fail = |message: String| OutboxError {
            path: path.to_path_buf(),
            message,
        };
        let existed = path.exists();
        let connection = Connection::open(path).map_err(|error| {
            fail(format!(
                "failed to open: {error} (check that the folder exists and is writable, or set [outbox] path)"
            ))
        })?;
        let outbox = Outbox {
            path: path.to_path_buf(),
            connection,
        };
        outbox.set_up().map_err(|error| {
            // SQLite reports a database it may not write as read-only, also
            // when only the folder is not writable for its journal files.
            // NOTE: no test covers this branch, because the tests run as
            // root, whom file modes do not stop.
            if error.to_string().contains("readonly") {
                let folder = path.parent().unwrap_or(Path::new("."));
                return fail(format!(
                    "{error}; this user cannot write the outbox file or its folder `{}`, where \
                     SQLite keeps its journal: let the user that SecureChange runs scripts as \
                     write both",
                    folder.display()
                ));
            }
            fail(format!(
                "{error}; hook-runner cannot read its queued write-backs, `outbox list` included: \
                 move the file aside (keep it, for what it held) to start an empty outbox"
            ))
        })?;
        if !existed {
            restrict_permissions(path);
        }
        Ok(outbox)
    }

    fn set_up(&self) -> Result<(), String> {
        let connection = &self.connection;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|error| format!("failed to set the busy timeout: {error}"))?;
        let mode: String = retry_while_busy(|| {
            connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        })
        .map_err(|error| match error {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::NotADatabase =>
            {
                format!("is not an SQLite database: {error}")
            }
            _ => format!("failed to switch to WAL mode: {error}"),
        })?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!(
                "could not switch to WAL mode (journal mode is `{mode}`)"
            ));
        }
        connection
            .execute_batch("PRAGMA synchronous = FULL;")
            .map_err(|error| format!("failed to set synchronous mode: {error}"))?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|error| format!("failed to read the schema version: {error}"))?;
        if version > SCHEMA_VERSION {
            return Err(format!(
                "was written by a newer hook-runner (schema {version}, this one knows {SCHEMA_VERSION})"
            ));
        }
        let quick_check: String =
            retry_while_busy(|| connection.query_row("PRAGMA quick_check", [], |row| row.get(0)))
                .map_err(|error| format!("failed the integrity check: {error}"))?;
        if quick_check != "ok" {
            return Err(format!("is corrupt: {quick_check}"));
        }
        if version < SCHEMA_VERSION {
            retry_while_busy(|| {
                connection.execute_batch(&format!(
                    "BEGIN IMMEDIATE;{SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
                ))
            })
            .map_err(|error| format!("failed to create the tables: {error}"))?;
        }
        Ok(())
    }

    /// Returns the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, action: &str, error: impl std::fmt::Display) -> OutboxError {
        OutboxError {
            path: self.path.clone(),
            message: format!("failed to {action}: {error}"),
        }
    }

    /// Records `payload` under `key` as a pending entry, or returns the
    /// entry that already has the key.
    pub fn record(&self, key: &str, payload: &Payload) -> Result<Entry, OutboxError> {
        let json = serde_json::to_string(payload).map_err(|error| self.error("encode", error))?;
        let progress = serde_json::to_string(&Progress::default())
            .map_err(|error| self.error("encode", error))?;
        let now = now();
        self.connection
            .execute(
                "INSERT INTO entries (key, ticket, hook, state, payload, progress, next_attempt, created, updated)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?6, ?6)
                 ON CONFLICT (key) DO NOTHING",
                params![key, payload.ticket as i64, payload.hook, json, progress, now],
            )
            .map_err(|error| self.error("record the write-back", error))?;
        self.find_key(key)?
            .ok_or_else(|| self.error("read back the entry", "it is missing"))
    }

    fn find_key(&self, key: &str) -> Result<Option<Entry>, OutboxError> {
        self.connection
            .query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE key = ?1"),
                [key],
                read_row,
            )
            .optional()
            .map_err(|error| self.error("read the entry", error))?
            .transpose()
            .map_err(|message| self.error("read the entry", message))
    }

    /// Returns the entry with `id`.
    pub fn get(&self, id: i64) -> Result<Option<Entry>, OutboxError> {
        self.connection
            .query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE id = ?1"),
                [id],
                read_row,
            )
            .optional()
            .map_err(|error| self.error("read entry", error))?
            .transpose()
            .map_err(|message| self.error("read entry", message))
    }

    /// Returns entries in id order: the pending and failed ones, or every
    /// one with `all`.
    pub fn list(&self, all: bool) -> Result<Vec<Entry>, OutboxError> {
        let filter = if all {
            ""
        } else {
            "WHERE state IN ('pending', 'failed')"
        };
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {COLUMNS} FROM entries {filter} ORDER BY id"
            ))
            .map_err(|error| self.error("list entries", error))?;
        let rows = statement
            .query_map([], read_row)
            .map_err(|error| self.error("list entries", error))?;
        let mut entries = Vec::new();
        for row in rows {
            let entry = row
                .map_err(|error| self.error("list entries", error))?
                .map_err(|message| self.error("list entries", message))?;
            entries.push(entry);
        }
        Ok(entries)
    }

    /// Returns the ids of pending entries whose next attempt is due, or of
    /// every pending entry with `ignore_schedule`, oldest first.
    pub fn pending_ids(
        &self,
        ignore_schedule: bool,
        limit: usize,
    ) -> Result<Vec<i64>, OutboxError> {
        let due_before = if ignore_schedule { i64::MAX } else { now() + 1 };
        let mut statement = self
            .connection
            .prepare(
                "SELECT id FROM entries WHERE state = 'pending' AND next_attempt < ?1
                 ORDER BY id LIMIT ?2",
            )
            .map_err(|error| self.error("find pending entries", error))?;
        let ids = statement
            .query_map(params![due_before, limit as i64], |row| row.get(0))
            .map_err(|error| self.error("find pending entries", error))?
            .collect::<Result<Vec<i64>, _>>()
            .map_err(|error| self.error("find pending entries", error))?;
        Ok(ids)
    }

    /// Claims a pending entry for this process. A claim whose process has
    /// exited, or that is older than the lease, is taken over.
    pub fn claim(&self, id: i64) -> Result<Claim, OutboxError> {
        let fail = |error: rusqlite::Error| self.error("claim the entry", error);
        let transaction =
            rusqlite::Transaction::new_unchecked(&self.connection, TransactionBehavior::Immediate)
                .map_err(fail)?;
        let row: Option<(Option<u32>, Option<i64>)> = transaction
            .query_row(
                "SELECT claimed_by, claimed_at FROM entries WHERE id = ?1 AND state = 'pending'",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(fail)?;
        let Some((claimed_by, claimed_at)) = row else {
            transaction.commit().map_err(fail)?;
            return self.settled(id);
        };
        let me = std::process::id();
        if let Some(owner) = claimed_by
            && owner != me
            && claim_is_live(owner, claimed_at.unwrap_or(0))
        {
            transaction.commit().map_err(fail)?;
            return Ok(Claim::Busy(owner));
        }
        transaction
            .execute(
                "UPDATE entries SET claimed_by = ?1, claimed_at = ?2 WHERE id = ?3",
                params![me, now(), id],
            )
            .map_err(fail)?;
        transaction.commit().map_err(fail)?;
        match self.get(id)? {
            Some(entry) => Ok(Claim::Claimed(entry)),
            None => Err(self.error("claim the entry", "it disappeared")),
        }
    }

    fn settled(&self, id: i64) -> Result<Claim, OutboxError> {
        match self.get(id)? {
            Some(entry) => Ok(Claim::Settled(entry)),
            None => Err(self.error("claim the entry", format!("there is no entry {id}"))),
        }
    }

    /// Stores what the API has confirmed so far.
    pub fn save_progress(&self, id: i64, progress: &Progress) -> Result<(), OutboxError> {
        let json = serde_json::to_string(progress).map_err(|error| self.error("encode", error))?;
        self.connection
            .execute(
                "UPDATE entries SET progress = ?1, updated = ?2 WHERE id = ?3",
                params![json, now(), id],
            )
            .map_err(|error| self.error("save the delivery progress", error))?;
        Ok(())
    }

    /// Counts a failed attempt, schedules the next one after `delay`, and
    /// releases the claim.
    pub fn reschedule(&self, id: i64, error: &str, delay: Duration) -> Result<Entry, OutboxError> {
        let next = now().saturating_add(i64::try_from(delay.as_secs()).unwrap_or(i64::MAX));
        self.connection
            .execute(
                "UPDATE entries SET attempts = attempts + 1, next_attempt = ?1, last_error = ?2,
                 updated = ?3, claimed_by = NULL, claimed_at = NULL WHERE id = ?4",
                params![next, error, now(), id],
            )
            .map_err(|error| self.error("reschedule the entry", error))?;
        self.get(id)?
            .ok_or_else(|| self.error("reschedule the entry", "it disappeared"))
    }

    /// Moves an entry to a final state and releases the claim.
    pub fn settle(
        &self,
        id: i64,
        state: State,
        message: Option<&str>,
        exit_status: Option<u8>,
    ) -> Result<(), OutboxError> {
        self.connection
            .execute(
                "UPDATE entries SET state = ?1, last_error = COALESCE(?2, last_error),
                 exit_status = ?3, attempts = attempts + 1, updated = ?4,
                 claimed_by = NULL, claimed_at = NULL WHERE id = ?5",
                params![state.as_str(), message, exit_status, now(), id],
            )
            .map_err(|error| self.error("update the entry", error))?;
        Ok(())
    }

    /// Marks a pending or failed entry as dropped, unless a live process is
    /// delivering it; returns the entry as it was.
    pub fn drop_entry(&self, id: i64) -> Result<Entry, OutboxError> {
        let Some(entry) = self.get(id)? else {
            return Err(self.error(
                "drop the entry",
                format!("there is no entry {id}: `hook-runner outbox list` shows the ids"),
            ));
        };
        if !matches!(entry.state, State::Pending | State::Failed) {
            return Err(self.error(
                "drop the entry",
                format!(
                    "entry {id} is {}, only pending and failed entries can be dropped",
                    entry.state.as_str()
                ),
            ));
        }
        if let Some(owner) = entry.claimed_by
            && owner != std::process::id()
            && claim_is_live(owner, entry.updated)
        {
            return Err(self.error(
                "drop the entry",
                format!(
                    "process {owner} is delivering entry {id} now; try again when it has finished"
                ),
            ));
        }
        self.connection
            .execute(
                "UPDATE entries SET state = 'dropped', updated = ?1, claimed_by = NULL,
                 claimed_at = NULL WHERE id = ?2 AND state IN ('pending', 'failed')",
                params![now(), id],
            )
            .map_err(|error| self.error("drop the entry", error))?;
        Ok(entry)
    }

    /// Deletes settled entries past the retention time.
    pub fn prune(&self) -> Result<usize, OutboxError> {
        self.connection
            .execute(
                "DELETE FROM entries WHERE state IN ('delivered', 'skipped', 'dropped')
                 AND updated < ?1",
                [now() - RETENTION_SECONDS],
            )
            .map_err(|error| self.error("delete old entries", error))
    }
}

/// Reads one row in [`COLUMNS`] order; a row that does not decode is an
/// `Err` with the reason.
fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Entry, String>> {
    let id: i64 = row.get(0)?;
    let state: String = row.get(2)?;
    let payload: String = row.get(3)?;
    let progress: String = row.get(4)?;
    let decode = || -> Result<Entry, String> {
        Ok(Entry {
            id,
            key: row.get(1).map_err(|error| error.to_string())?,
            state: State::parse(&state)
                .ok_or_else(|| format!("entry {id} has the unknown state `{state}`"))?,
            payload: serde_json::from_str(&payload)
                .map_err(|error| format!("entry {id} has an unreadable payload: {error}"))?,
            progress: serde_json::from_str(&progress)
                .map_err(|error| format!("entry {id} has unreadable progress: {error}"))?,
            attempts: row.get(5).map_err(|error| error.to_string())?,
            next_attempt: row.get(6).map_err(|error| error.to_string())?,
            last_error: row.get(7).map_err(|error| error.to_string())?,
            exit_status: row.get(8).map_err(|error| error.to_string())?,
            created: row.get(9).map_err(|error| error.to_string())?,
            updated: row.get(10).map_err(|error| error.to_string())?,
            claimed_by: row.get(11).map_err(|error| error.to_string())?,
        })
    };
    Ok(decode())
}

/// Runs `operation` again while SQLite reports the database busy or
/// locked, for up to [`BUSY_TIMEOUT`]. Switching a new file to WAL mode
/// returns "database is locked" at once when another process is doing the
/// same, without waiting in the busy handler.
fn retry_while_busy<T>(operation: impl Fn() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(5);
    loop {
        match operation() {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if matches!(
                    failure.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            result => return result,
        }
    }
}

/// Returns the current Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Whether a claim by `pid` made at `claimed_at` still holds: the process
/// exists (checked in `/proc` where there is one) and the lease has not run
/// out.
fn claim_is_live(pid: u32, claimed_at: i64) -> bool {
    if now() - claimed_at > CLAIM_LEASE_SECONDS {
        return false;
    }
    let proc_root = Path::new("/proc");
    if proc_root.join("self").exists() {
        return process_is_running(&proc_root.join(pid.to_string()));
    }
    true
}

/// Whether the process whose `/proc` folder is `proc_dir` runs: it exists
/// and is not a zombie that waits to be reaped.
fn process_is_running(proc_dir: &Path) -> bool {
    match std::fs::read_to_string(proc_dir.join("stat")) {
        // The state letter follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// Makes a new database readable by its owner only, because it contains
/// field values and comments.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(error) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            tracing::warn!(path = %path.display(), %error, "failed to make the outbox private");
        }
    }
}
