use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::*;
use crate::bindings::Event;

/// Set in a child test process to the audit file it appends to.
const CHILD_FILE_ENV: &str = "HOOK_RUNNER_AUDIT_TEST_FILE";
/// Set in a child test process to the writer name it puts in its records.
const CHILD_WRITER_ENV: &str = "HOOK_RUNNER_AUDIT_TEST_WRITER";
/// Records written by each thread and by each child process.
const RECORDS_PER_WRITER: u64 = 200;
/// Makes each line longer than 4096 bytes, the size up to which POSIX makes
/// writes to a pipe atomic (`PIPE_BUF` on Linux). POSIX makes no such
/// promise for regular files.
const FILLER_BYTES: usize = 5000;

fn render(record: &Record, secrets: &Secrets) -> String {
    line::render_line("2024-05-02T08:15:30.123Z".into(), "run-1", record, secrets)
        .expect("record renders")
}

fn render_plain(record: &Record) -> String {
    render(record, &Secrets::default())
}

fn parse_object(line: &str) -> serde_json::Map<String, Value> {
    match serde_json::from_str(line) {
        Ok(Value::Object(object)) => object,
        other => panic!("line is not a JSON object: {other:?}\n{line}"),
    }
}

fn key_order(line: &str) -> Vec<String> {
    let object: line::OrderedObject = serde_json::from_str(line).expect("line parses");
    object.0.into_iter().map(|(key, _)| key).collect()
}

/// One record of each kind, with the keys its line must have in order.
fn sample_records() -> Vec<(Record, Vec<&'static str>)> {
    vec![
        (
            Record::RunStarted {
                event: "ADVANCE".into(),
                ticket: Some(1204),
                version: "0.1.0".into(),
                pid: 4242,
            },
            vec!["event", "ticket", "version", "pid"],
        ),
        (
            Record::HookStarted {
                hook: "risk".into(),
                component: "/etc/hook-runner/hooks/risk.wasm".into(),
                digest: component_digest(b"component"),
            },
            vec!["hook", "component", "digest"],
        ),
        (
            Record::HttpRequest {
                hook: "risk".into(),
                method: "GET".into(),
                url: "https://scores.example.com/v1/score?ticket=REDACTED".into(),
                decision: Decision::Allowed,
                rule: "scores-api".into(),
                address: Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7))),
                status: Some(200),
                request_bytes: 0,
                response_bytes: 512,
                duration_ms: 38,
            },
            vec![
                "hook",
                "method",
                "url",
                "decision",
                "rule",
                "address",
                "status",
                "request_bytes",
                "response_bytes",
                "duration_ms",
            ],
        ),
        (
            Record::FieldWrite {
                hook: "risk".into(),
                ticket: 1204,
                step: 30,
                task: 40,
                field: "Risk Score".into(),
                field_type: "text_field".into(),
                value_bytes: 2,
                result: WriteResult::Rejected,
                error: Some("value is too long".into()),
            },
            vec![
                "hook",
                "ticket",
                "step",
                "task",
                "field",
                "field_type",
                "value_bytes",
                "result",
                "error",
            ],
        ),
        (
            Record::Comment {
                hook: "risk".into(),
                ticket: 1204,
                task: 40,
                text_bytes: 120,
                result: WriteResult::Failed,
                error: Some("server returned 503".into()),
            },
            vec!["hook", "ticket", "task", "text_bytes", "result", "error"],
        ),
        (
            Record::limit_hit("risk", Limit::ResponseBody, 1_048_576),
            vec!["hook", "limit", "value", "unit"],
        ),
        (
            Record::HookFinished {
                hook: "risk".into(),
                result: HookResult::ReturnedError,
                message: Some("no score for this ticket".into()),
                duration_ms: 412,
                fuel_used: Some(18_734_512),
            },
            vec!["hook", "result", "message", "duration_ms", "fuel_used"],
        ),
        (
            Record::RunFinished {
                exit_code: 0,
                duration_ms: 1200,
            },
            vec!["exit_code", "duration_ms"],
        ),
    ]
}

#[test]
fn each_kind_round_trips() {
    for (record, _) in sample_records() {
        let line = render_plain(&record);
        let entry: Entry = serde_json::from_str(&line)
            .unwrap_or_else(|error| panic!("line does not parse: {error}\n{line}"));
        assert_eq!(entry.record, record, "record changed: {line}");
        assert_eq!(entry.time, "2024-05-02T08:15:30.123Z");
        assert_eq!(entry.run, "run-1");
    }
}

#[test]
fn each_kind_has_documented_fields() {
    for (record, fields) in sample_records() {
        let line = render_plain(&record);
        let mut expected = vec!["time", "run", "kind"];
        expected.extend(fields);
        assert_eq!(key_order(&line), expected, "fields of {line}");
        assert_eq!(parse_object(&line)["kind"], record.kind(), "kind of {line}");
    }
}

#[test]
fn line_is_one_line_ending_in_newline() {
    let record = Record::HookFinished {
        hook: "risk".into(),
        result: HookResult::Trap,
        message: Some("wasm trap:\nunreachable\r\n".into()),
        duration_ms: 3,
        fuel_used: None,
    };
    let line = render_plain(&record);
    assert!(line.ends_with('\n'), "{line:?}");
    assert_eq!(line.matches('\n').count(), 1, "{line:?}");
    assert!(!line.contains('\r'), "{line:?}");
}

#[test]
fn enum_values_are_snake_case() {
    let limits = [
        (Limit::Memory, "memory", "bytes"),
        (Limit::WallTime, "wall_time", "milliseconds"),
        (Limit::Fuel, "fuel", "fuel"),
        (Limit::HttpRequests, "http_requests", "requests"),
        (Limit::ResponseBody, "response_body", "bytes"),
        (Limit::RequestBody, "request_body", "bytes"),
        (Limit::Output, "output", "bytes"),
        (Limit::Log, "log", "bytes"),
        (Limit::Outcome, "outcome", "bytes"),
    ];
    for (limit, name, unit) in limits {
        let line = render_plain(&Record::limit_hit("risk", limit, 7));
        let object = parse_object(&line);
        assert_eq!(object["limit"], name);
        assert_eq!(object["unit"], unit);
    }

    let results = [
        (HookResult::Ok, "ok"),
        (HookResult::ReturnedError, "returned_error"),
        (HookResult::Trap, "trap"),
        (HookResult::Timeout, "timeout"),
        (HookResult::Memory, "memory"),
        (HookResult::Denied, "denied"),
        (HookResult::LoadFailed, "load_failed"),
    ];
    for (result, name) in results {
        assert_eq!(serde_json::to_value(result).expect("serializes"), name);
    }

    for (write, name) in [
        (WriteResult::Written, "written"),
        (WriteResult::Rejected, "rejected"),
        (WriteResult::Failed, "failed"),
    ] {
        assert_eq!(serde_json::to_value(write).expect("serializes"), name);
    }
    for (decision, name) in [(Decision::Allowed, "allowed"), (Decision::Denied, "denied")] {
        assert_eq!(serde_json::to_value(decision).expect("serializes"), name);
    }
}

#[test]
fn test_event_has_no_ticket() {
    let record = Record::run_started(Event::Test, None);
    let object = parse_object(&render_plain(&record));
    assert_eq!(object["event"], "TEST");
    assert!(!object.contains_key("ticket"), "{object:?}");
    assert_eq!(object["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(object["pid"], std::process::id());
}

#[test]
fn missing_optional_fields_are_left_out() {
    let record = Record::HttpRequest {
        hook: "risk".into(),
        method: "POST".into(),
        url: "https://blocked.example.com/".into(),
        decision: Decision::Denied,
        rule: "no grant for host `blocked.example.com`".into(),
        address: None,
        status: None,
        request_bytes: 10,
        response_bytes: 0,
        duration_ms: 0,
    };
    let line = render_plain(&record);
    let object = parse_object(&line);
    assert!(!object.contains_key("address"), "{line}");
    assert!(!object.contains_key("status"), "{line}");
    let entry: Entry = serde_json::from_str(&line).expect("line parses");
    assert_eq!(entry.record, record);
}

#[test]
fn http_request_url_is_redacted() {
    let record = Record::HttpRequest {
        hook: "risk".into(),
        method: "GET".into(),
        url: "https://user:hunter2@api.example.com/v1?key=abc#part".into(),
        decision: Decision::Allowed,
        rule: "api".into(),
        address: None,
        status: Some(204),
        request_bytes: 0,
        response_bytes: 0,
        duration_ms: 1,
    };
    let object = parse_object(&render_plain(&record));
    assert_eq!(object["url"], "https://api.example.com/v1?key=REDACTED");
}

#[test]
fn redact_url_cases() {
    let cases = [
        (
            "https://user:secret@sc.example.com/path",
            "https://sc.example.com/path",
        ),
        ("https://user@sc.example.com/", "https://sc.example.com/"),
        (
            "https://api.example.com/v1/items?token=abc&page=2",
            "https://api.example.com/v1/items?token=REDACTED&page=REDACTED",
        ),
        (
            "http://[2001:db8::1]:8080/x?a=1",
            "http://[2001:db8::1]:8080/x?a=REDACTED",
        ),
        (
            "https://api.example.com:8443/v1/items",
            "https://api.example.com:8443/v1/items",
        ),
        (
            "https://api.example.com/page#access_token=abc",
            "https://api.example.com/page",
        ),
        (
            "https://api.example.com/a?b=1#c",
            "https://api.example.com/a?b=REDACTED",
        ),
        (
            "https://api.example.com/a?flag&x=&&y=a%3Db",
            "https://api.example.com/a?flag&x=REDACTED&y=REDACTED",
        ),
        (
            "https://api.example.com/a?%6Bey=1",
            "https://api.example.com/a?%6Bey=REDACTED",
        ),
        ("https://api.example.com/a?", "https://api.example.com/a"),
        ("not a url?token=abc", "not a url"),
        ("//user:pw@host/path?q=1", "//host/path"),
        ("user:pw@host/path", "host/path"),
        ("http://user:pw@[bad/path", "http://[bad/path"),
    ];
    for (input, expected) in cases {
        assert_eq!(redact_url(input), expected, "input `{input}`");
    }
}

#[test]
fn secret_in_url_path_is_redacted() {
    let mut secrets = Secrets::default();
    secrets.add("s3cr3t-t0ken");
    let record = Record::HttpRequest {
        hook: "risk".into(),
        method: "GET".into(),
        url: "https://s3cr3t-t0ken:x@api.example.com/keys/s3cr3t-t0ken/info".into(),
        decision: Decision::Denied,
        rule: "no grant for `https://api.example.com/keys/s3cr3t-t0ken/info`".into(),
        address: None,
        status: None,
        request_bytes: 0,
        response_bytes: 0,
        duration_ms: 0,
    };
    let line = render(&record, &secrets);
    assert!(!line.contains("s3cr3t"), "{line}");
    let object = parse_object(&line);
    assert_eq!(object["url"], "https://api.example.com/keys/REDACTED/info");
    assert_eq!(
        object["rule"],
        "no grant for `https://api.example.com/keys/REDACTED/info`"
    );
}

#[test]
fn secret_in_error_message_is_redacted() {
    let mut secrets = Secrets::default();
    secrets.add("pa\"ss\\word");
    let record = Record::FieldWrite {
        hook: "risk".into(),
        ticket: 1,
        step: 2,
        task: 3,
        field: "Notes".into(),
        field_type: "text_area".into(),
        value_bytes: 10,
        result: WriteResult::Failed,
        error: Some("login as hooks:pa\"ss\\word failed".into()),
    };
    let line = render(&record, &secrets);
    assert!(!line.contains("ss\\\\word"), "{line}");
    let object = parse_object(&line);
    assert_eq!(object["error"], "login as hooks:REDACTED failed");
}

#[test]
fn percent_encoded_secret_is_redacted() {
    let mut secrets = Secrets::default();
    secrets.add("a b/c");
    let record = Record::HookFinished {
        hook: "risk".into(),
        result: HookResult::ReturnedError,
        message: Some("GET /lookup/a%20b%2Fc failed".into()),
        duration_ms: 1,
        fuel_used: None,
    };
    let object = parse_object(&render(&record, &secrets));
    assert_eq!(object["message"], "GET /lookup/REDACTED failed");
}

#[test]
fn longer_secret_is_redacted_whole() {
    let mut secrets = Secrets::default();
    secrets.add("abc");
    secrets.add("abcdef");
    let record = Record::HookFinished {
        hook: "risk".into(),
        result: HookResult::Ok,
        message: Some("abcdef abc".into()),
        duration_ms: 1,
        fuel_used: None,
    };
    let object = parse_object(&render(&record, &secrets));
    assert_eq!(object["message"], "REDACTED REDACTED");
}

#[test]
fn empty_secret_is_ignored() {
    let mut secrets = Secrets::default();
    secrets.add("");
    assert!(secrets.is_empty());
    let record = Record::RunFinished {
        exit_code: 0,
        duration_ms: 5,
    };
    assert_eq!(render(&record, &secrets), render_plain(&record));
}

#[test]
fn envelope_and_numbers_are_not_scanned() {
    let mut secrets = Secrets::default();
    secrets.add("run");
    secrets.add("2024");
    let record = Record::RunFinished {
        exit_code: 2024,
        duration_ms: 5,
    };
    let object = parse_object(&render(&record, &secrets));
    assert_eq!(object["time"], "2024-05-02T08:15:30.123Z");
    assert_eq!(object["run"], "run-1");
    assert_eq!(object["kind"], "run_finished");
    assert_eq!(object["exit_code"], 2024);
}

#[test]
fn add_secret_applies_to_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path).expect("log opens");
    log.add_secret("hunter2");
    let record = Record::Comment {
        hook: "risk".into(),
        ticket: 5,
        task: 6,
        text_bytes: 40,
        result: WriteResult::Failed,
        error: Some("401 for user hooks with password hunter2".into()),
    };
    log.write(&record).expect("write succeeds");

    let text = std::fs::read_to_string(&path).expect("audit file reads");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("password REDACTED"), "{text}");
    assert!(!format!("{log:?}").contains("hunter2"));
}

#[test]
fn format_rfc3339_known_times() {
    let cases = [
        (0, 0, "1970-01-01T00:00:00.000Z"),
        (951_782_400, 5_000_000, "2000-02-29T00:00:00.005Z"),
        (946_684_799, 999_999_999, "1999-12-31T23:59:59.999Z"),
        (1_709_210_096, 42_000_000, "2024-02-29T12:34:56.042Z"),
        (1_709_251_200, 0, "2024-03-01T00:00:00.000Z"),
        (4_107_542_400, 0, "2100-03-01T00:00:00.000Z"),
        (4_107_456_000, 0, "2100-02-28T00:00:00.000Z"),
        (253_402_300_799, 0, "9999-12-31T23:59:59.000Z"),
    ];
    for (seconds, nanos, expected) in cases {
        let time = UNIX_EPOCH + Duration::new(seconds, nanos);
        assert_eq!(format_rfc3339(time), expected, "{seconds} s {nanos} ns");
    }
}

#[test]
fn format_rfc3339_clamps_before_1970() {
    let time = UNIX_EPOCH - Duration::from_secs(86_400);
    assert_eq!(format_rfc3339(time), "1970-01-01T00:00:00.000Z");
}

#[test]
fn component_digest_is_sha256_hex() {
    assert_eq!(
        component_digest(b""),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        component_digest(b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn run_id_is_pid_and_time_in_hex() {
    let id = run_id();
    let (pid, started) = id.split_once('-').expect("id has a dash");
    assert_eq!(
        u32::from_str_radix(pid, 16).expect("pid is hex"),
        std::process::id()
    );
    assert!(u128::from_str_radix(started, 16).is_ok(), "{id}");
    assert_eq!(run_id(), id);
}

#[test]
fn write_stamps_time_and_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path).expect("log opens");
    log.write(&Record::RunFinished {
        exit_code: 0,
        duration_ms: 9,
    })
    .expect("write succeeds");

    let text = std::fs::read_to_string(&path).expect("audit file reads");
    let entry: Entry = serde_json::from_str(&text).expect("line parses");
    assert_eq!(entry.run, run_id());
    let time = entry.time.as_bytes();
    assert_eq!(
        time.len(),
        "2024-05-02T08:15:30.123Z".len(),
        "{}",
        entry.time
    );
    assert_eq!(time[10], b'T', "{}", entry.time);
    assert_eq!(time[19], b'.', "{}", entry.time);
    assert!(entry.time.ends_with('Z'), "{}", entry.time);
}

#[test]
fn open_appends_to_existing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    std::fs::write(&path, "{\"kept\":true}\n").expect("seed file");
    let record = Record::RunFinished {
        exit_code: 1,
        duration_ms: 2,
    };
    AuditLog::open(&path)
        .expect("log opens")
        .write(&record)
        .expect("first write");
    AuditLog::open(&path)
        .expect("log opens again")
        .write(&record)
        .expect("second write");

    let text = std::fs::read_to_string(&path).expect("audit file reads");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "{\"kept\":true}");
}

#[cfg(unix)]
#[test]
fn new_file_has_mode_0600() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    AuditLog::open(&path).expect("log opens");
    let mode = std::fs::metadata(&path)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
}

#[test]
fn open_in_missing_folder_names_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("no-such-folder").join("audit.jsonl");
    let error = AuditLog::open(&path).expect_err("open fails");

    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.starts_with("failed to open audit log"), "{message}");
    let AuditError::Open { source, .. } = &error else {
        panic!("expected an open error, got {error:?}");
    };
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    assert!(std::error::Error::source(&error).is_some());
}

#[cfg(target_os = "linux")]
#[test]
fn write_failure_names_path() {
    // Every write to /dev/full fails with "No space left on device".
    let path = Path::new("/dev/full");
    if !path.exists() {
        return;
    }
    let log = AuditLog::open(path).expect("/dev/full opens");
    let error = log
        .write(&Record::RunFinished {
            exit_code: 0,
            duration_ms: 0,
        })
        .expect_err("write fails");

    let message = error.to_string();
    assert_eq!(message, "failed to write to audit log `/dev/full`");
    let AuditError::Write { source, .. } = &error else {
        panic!("expected a write error, got {error:?}");
    };
    assert_eq!(source.kind(), std::io::ErrorKind::StorageFull);
}

#[test]
fn disabled_log_writes_nothing() {
    let log = AuditLog::disabled();
    assert_eq!(log.path(), None);
    log.add_secret("x");
    let written = log.write(&Record::RunFinished {
        exit_code: 0,
        duration_ms: 0,
    });
    assert!(written.is_ok(), "{written:?}");
}

fn concurrency_record(writer: &str, index: u64) -> Record {
    Record::HookFinished {
        hook: writer.to_string(),
        result: HookResult::Ok,
        message: Some("x".repeat(FILLER_BYTES)),
        duration_ms: index,
        fuel_used: None,
    }
}

/// Appends records when started as a child by
/// `concurrent_writers_keep_lines_whole`, and does nothing in a normal test
/// run.
#[test]
fn concurrent_writer_child() {
    let Some(path) = std::env::var_os(CHILD_FILE_ENV) else {
        return;
    };
    let writer = std::env::var(CHILD_WRITER_ENV).expect("writer name is set");
    let log = AuditLog::open(Path::new(&path)).expect("child opens the log");
    for index in 0..RECORDS_PER_WRITER {
        log.write(&concurrency_record(&writer, index))
            .expect("child write succeeds");
    }
}

fn spawn_child_writer(path: &Path, writer: &str) -> Child {
    let module = module_path!();
    let module = module.split_once("::").map_or(module, |(_, rest)| rest);
    let test_name = format!("{module}::concurrent_writer_child");
    let exe = std::env::current_exe().expect("test binary path");
    Command::new(exe)
        .args([test_name.as_str(), "--exact", "--test-threads=1"])
        .env(CHILD_FILE_ENV, path)
        .env(CHILD_WRITER_ENV, writer)
        .stdout(Stdio::null())
        .spawn()
        .expect("child test process starts")
}

#[test]
fn concurrent_writers_keep_lines_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");

    let children: Vec<(String, Child)> = (0..4)
        .map(|index| {
            let writer = format!("process-{index}");
            let child = spawn_child_writer(&path, &writer);
            (writer, child)
        })
        .collect();

    // Threads 0-3 share one log, so the mutex orders them. Threads 4-7 open
    // their own, so only the file lock orders them.
    // NOTE: Linux serializes O_APPEND writes to a local file by itself, so
    // there this test may pass without the lock. It still catches lost,
    // duplicated and unparsable lines.
    let shared = AuditLog::open(&path).expect("log opens");
    std::thread::scope(|scope| {
        for index in 0..8 {
            let shared = &shared;
            let path = &path;
            scope.spawn(move || {
                let own;
                let log = if index < 4 {
                    shared
                } else {
                    own = AuditLog::open(path).expect("thread opens the log");
                    &own
                };
                let writer = format!("thread-{index}");
                for record in 0..RECORDS_PER_WRITER {
                    log.write(&concurrency_record(&writer, record))
                        .expect("thread write succeeds");
                }
            });
        }
    });
    for (writer, mut child) in children {
        let status = child.wait().expect("child test process ends");
        assert!(status.success(), "{writer} failed: {status}");
    }

    let text = std::fs::read_to_string(&path).expect("audit file reads");
    let mut indexes_by_writer: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut runs = std::collections::BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        let entry: Entry = serde_json::from_str(line).unwrap_or_else(|error| {
            panic!("line {} does not parse: {error}", number + 1);
        });
        let Record::HookFinished {
            hook, duration_ms, ..
        } = entry.record
        else {
            panic!("line {} has the wrong kind", number + 1);
        };
        indexes_by_writer.entry(hook).or_default().push(duration_ms);
        runs.insert(entry.run);
    }

    assert_eq!(text.lines().count(), 12 * RECORDS_PER_WRITER as usize);
    assert_eq!(
        indexes_by_writer.len(),
        12,
        "{:?}",
        indexes_by_writer.keys()
    );
    for (writer, indexes) in &indexes_by_writer {
        let mut sorted = indexes.clone();
        sorted.sort_unstable();
        let expected: Vec<u64> = (0..RECORDS_PER_WRITER).collect();
        assert_eq!(sorted, expected, "records of {writer}");
    }
    assert_eq!(runs.len(), 5, "one run id per process: {runs:?}");
}
