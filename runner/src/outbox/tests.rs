use std::time::Duration;

use super::*;
use crate::bindings::{FieldInput, FieldUpdate, Outcome};

fn payload(ticket: u64) -> Payload {
    Payload {
        hook: "scorer".into(),
        event: "ADVANCE".into(),
        ticket,
        stage: Some((3, "Review".into())),
        write_if_step_changed: false,
        outcome: Outcome {
            field_updates: vec![FieldUpdate {
                field: "Risk Score".into(),
                value: FieldInput::Text("42".into()),
            }],
            comments: vec!["scored".into()],
        },
    }
}

/// Marks entry `id` as claimed by `pid` through a second connection, as
/// another process would.
fn set_claim(dir: &tempfile::TempDir, id: i64, pid: u32) {
    let connection =
        rusqlite::Connection::open(dir.path().join("outbox.sqlite")).expect("second connection");
    connection
        .execute(
            "UPDATE entries SET claimed_by = ?1, claimed_at = ?2 WHERE id = ?3",
            rusqlite::params![pid, now(), id],
        )
        .expect("update");
}

fn open() -> (tempfile::TempDir, Outbox) {
    let dir = tempfile::tempdir().expect("temp dir");
    let outbox = Outbox::open(&dir.path().join("outbox.sqlite")).expect("opens");
    (dir, outbox)
}

#[test]
fn record_is_idempotent_per_key() {
    let (_dir, outbox) = open();
    let first = outbox.record("k1", &payload(1)).expect("records");
    let again = outbox.record("k1", &payload(1)).expect("records");
    let other = outbox.record("k2", &payload(2)).expect("records");
    assert_eq!(first.id, again.id);
    assert_ne!(first.id, other.id);
    assert_eq!(first.state, State::Pending);
    assert_eq!(first.payload, payload(1));
}

#[test]
fn entries_survive_reopen() {
    let (dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    drop(outbox);
    let reopened = Outbox::open(&dir.path().join("outbox.sqlite")).expect("reopens");
    assert_eq!(reopened.get(entry.id).expect("reads"), Some(entry));
}

#[test]
fn claim_of_exited_process_is_taken_over() {
    let (dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    // No process has pid u32::MAX - 1 on Linux (pid_max is at most 2^22).
    set_claim(&dir, entry.id, u32::MAX - 1);
    assert!(matches!(outbox.claim(entry.id), Ok(Claim::Claimed(_))));
}

#[test]
fn claim_of_running_process_is_busy() {
    let (dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    // The parent of the test process is running for as long as the test.
    let parent = std::os::unix::process::parent_id();
    set_claim(&dir, entry.id, parent);
    assert!(matches!(outbox.claim(entry.id), Ok(Claim::Busy(pid)) if pid == parent));
    assert!(
        outbox.drop_entry(entry.id).is_err(),
        "a claimed entry is not dropped"
    );
}

#[test]
fn reschedule_counts_attempt_and_delays() {
    let (_dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    assert_eq!(outbox.pending_ids(false, 10).expect("lists"), [entry.id]);
    let later = outbox
        .reschedule(entry.id, "503", Duration::from_secs(600))
        .expect("reschedules");
    assert_eq!(later.attempts, 1);
    assert_eq!(later.last_error.as_deref(), Some("503"));
    assert!(outbox.pending_ids(false, 10).expect("lists").is_empty());
    assert_eq!(outbox.pending_ids(true, 10).expect("lists"), [entry.id]);
}

#[test]
fn settled_entry_is_not_claimed() {
    let (_dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    outbox
        .settle(entry.id, State::Delivered, None, None)
        .expect("settles");
    assert!(matches!(outbox.claim(entry.id), Ok(Claim::Settled(e)) if e.state == State::Delivered));
    assert!(
        outbox.drop_entry(entry.id).is_err(),
        "a delivered entry is not dropped"
    );
    assert!(outbox.list(false).expect("lists").is_empty());
    assert_eq!(outbox.list(true).expect("lists").len(), 1);
}

#[test]
fn failed_entry_can_be_dropped() {
    let (_dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    outbox
        .settle(entry.id, State::Failed, Some("400"), Some(6))
        .expect("settles");
    let dropped = outbox.drop_entry(entry.id).expect("drops");
    assert_eq!(dropped.state, State::Failed);
    let stored = outbox.get(entry.id).expect("reads").expect("exists");
    assert_eq!(stored.state, State::Dropped);
    assert!(outbox.drop_entry(999).is_err());
}

#[test]
fn progress_is_saved() {
    let (_dir, outbox) = open();
    let entry = outbox.record("k", &payload(1)).expect("records");
    let progress = Progress {
        tasks_done: vec![7],
        comments: vec![CommentProgress {
            done: false,
            baseline: Some(2),
        }],
    };
    outbox.save_progress(entry.id, &progress).expect("saves");
    assert_eq!(
        outbox
            .get(entry.id)
            .expect("reads")
            .expect("exists")
            .progress,
        progress
    );
}

#[test]
fn file_that_is_not_sqlite_is_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("outbox.sqlite");
    std::fs::write(
        &path,
        "this is not a database, but long enough to have a header",
    )
    .expect("write");
    let error = Outbox::open(&path).expect_err("rejected");
    assert!(
        error.to_string().contains("is not an SQLite database"),
        "{error}"
    );
    assert!(error.to_string().contains("outbox.sqlite"), "{error}");
}

#[test]
fn new_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("outbox.sqlite");
    Outbox::open(&path).expect("opens");
    let mode = std::fs::metadata(&path)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn key_depends_on_outcome_and_event() {
    let info = crate::ticket_info::parse(
        b"<ticket_info><id>5</id><updateDate>9</updateDate>\
          <current_stage><id>3</id><name>Review</name></current_stage></ticket_info>",
    );
    let Ok(crate::ticket_info::TicketInfoDocument::Ticket(info)) = info else {
        panic!("parses: {info:?}");
    };
    let outcome = payload(5).outcome;
    let key = idempotency_key("ADVANCE", &info, "scorer", &outcome);
    assert_eq!(key, idempotency_key("ADVANCE", &info, "scorer", &outcome));
    assert_ne!(key, idempotency_key("REDO", &info, "scorer", &outcome));
    assert_ne!(key, idempotency_key("ADVANCE", &info, "other", &outcome));
    let mut changed = outcome.clone();
    changed.comments.push("more".into());
    assert_ne!(key, idempotency_key("ADVANCE", &info, "scorer", &changed));
    let mut later = (*info).clone();
    later.update_date = Some(10);
    assert_ne!(key, idempotency_key("ADVANCE", &later, "scorer", &outcome));
}

#[test]
fn concurrent_first_opens_all_succeed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("outbox.sqlite");
    std::thread::scope(|scope| {
        let opens: Vec<_> = (0..16u64)
            .map(|index| {
                let path = path.clone();
                scope.spawn(move || {
                    let outbox = Outbox::open(&path)?;
                    outbox.record(&format!("k{index}"), &payload(index))
                })
            })
            .collect();
        for open in opens {
            let recorded = open.join().expect("thread");
            assert!(recorded.is_ok(), "{recorded:?}");
        }
    });
    let outbox = Outbox::open(&path).expect("opens");
    assert_eq!(outbox.list(false).expect("lists").len(), 16);
}
