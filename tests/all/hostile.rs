//! A hostile hook breaks each sandbox and write-back rule on purpose: the run
//! fails or is cut back with a clear message, and a hook that broke a rule
//! writes nothing.
//!
//! The hook is `guests/hostile`, configured through `mode` and `n`. Most
//! tests put `field` before the hostile mode, so that the hook requests a
//! write that must not happen.

use std::process::Output;
use std::time::{Duration, Instant};

use hook_runner_tests::guests::HOSTILE;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

const SUCCESS: i32 = 0;
const HOOK_FAILED: i32 = 5;
const TICKET: u64 = 1001;

/// The line that the hostile hook's `lognl` mode tries to forge, as defined
/// in `guests/hostile/src/lib.rs`.
const FORGED_LOG_LINE: &str = "2000-01-01T00:00:00.000000Z  INFO forged by the hostile hook";

fn hostile(settings: &str) -> HookEntry<'_> {
    HookEntry {
        name: "hostile",
        component: HOSTILE,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings,
    }
}

/// One ADVANCE run on ticket 1001 and the ticket as it was before.
struct HostileRun {
    scenario: Scenario,
    before: String,
    output: Output,
    elapsed: Duration,
}

impl HostileRun {
    /// Runs `hooks` on ADVANCE with the `<ticket_info>` document `info`.
    fn start(hooks: &[HookEntry<'_>], info: &[u8]) -> HostileRun {
        let scenario = Scenario::start();
        scenario.write_config(hooks);
        let before = scenario.ticket_xml(TICKET);
        let started = Instant::now();
        let output = scenario.run("ADVANCE", info);
        let elapsed = started.elapsed();
        HostileRun {
            scenario,
            before,
            output,
            elapsed,
        }
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn assert_exit(&self, expected: i32) {
        assert_eq!(
            self.output.status.code(),
            Some(expected),
            "{}",
            describe(&self.output)
        );
    }

    fn assert_stderr_contains(&self, text: &str) {
        let stderr = self.stderr();
        assert!(stderr.contains(text), "expected `{text}` in:\n{stderr}");
    }

    fn assert_nothing_written(&self) {
        let writes = self.scenario.writes();
        assert!(writes.is_empty(), "{writes:?}");
        assert_eq!(self.scenario.ticket_xml(TICKET), self.before);
    }

    /// Returns the ticket after the run.
    fn ticket_after(&self) -> String {
        self.scenario.ticket_xml(TICKET)
    }
}

/// Runs the hostile hook alone with `settings` on the ADVANCE fixture.
fn run_hostile(settings: &str) -> HostileRun {
    HostileRun::start(&[hostile(settings)], &ticket_info("advance-1001.xml"))
}

/// Returns the ADVANCE fixture for ticket 1001 with `<current_stage>` moved
/// back to `Business Approval` (3002), the step before the ticket's current
/// `Risk Review` (3003).
fn ticket_info_from_earlier_step() -> Vec<u8> {
    let original = String::from_utf8(ticket_info("advance-1001.xml")).expect("utf-8");
    let stage = "<current_stage>\n        <id>3003</id>\n        <name>Risk Review</name>";
    assert!(original.contains(stage), "fixture changed: {original}");
    original
        .replacen(
            stage,
            "<current_stage>\n        <id>3002</id>\n        <name>Business Approval</name>",
            1,
        )
        .into_bytes()
}

// Sandbox limits.

#[test]
fn infinite_loop_hits_time_limit() {
    let run = run_hostile("mode = \"field,loop\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("time limit");
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
    run.assert_nothing_written();
}

#[test]
fn clock_busy_wait_hits_time_limit() {
    let run = run_hostile("mode = \"field,sleep\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("time limit");
    assert!(run.elapsed < Duration::from_secs(60), "{:?}", run.elapsed);
    run.assert_nothing_written();
}

#[test]
fn memory_bomb_hits_memory_limit() {
    let run = run_hostile("mode = \"field,membomb\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("memory limit");
    run.assert_nothing_written();
}

#[test]
fn returned_error_cannot_forge_output() {
    let settings =
        "mode = \"error\"\nmessage = \"bad \\u001b]0;PWNED\\u0007 \\u202e title\\nFAKE: all good\"";
    let run = run_hostile(settings);

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("bad \\u{1b}]0;PWNED\\u{7} \\u{202e} title\\nFAKE: all good");
    let stderr = run.stderr();
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(!stderr.contains("\nFAKE"), "{stderr}");
    let log = std::fs::read_to_string(run.scenario.dir.path().join("hook-runner.log"))
        .expect("read the log file");
    assert!(!log.contains('\u{1b}'), "{log}");
    assert!(!log.contains("\nFAKE"), "{log}");
}

#[test]
fn returned_error_is_cut() {
    let run = run_hostile("mode = \"error\"\nmessage = \"0123456789\"\nn = \"100000\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("... (1000000 bytes in all)");
    let longest = run.stderr().lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 4000, "a line of {longest} bytes");
}

#[test]
fn panic_message_is_reported() {
    let run = run_hostile("mode = \"field,trap\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("deliberate panic");
    run.assert_nothing_written();
}

#[test]
fn exit_call_is_reported() {
    let run = run_hostile("mode = \"field,exit\"");

    run.assert_exit(HOOK_FAILED);
    // NOTE: the hook calls exit(3), but the `exit` function of WASI 0.2
    // (`wasi:cli/exit`), which Rust's standard library calls, carries only
    // success or failure, and wasmtime-wasi 48 reports failure as exit(1).
    run.assert_stderr_contains("the hook called exit(1) instead of returning from on-event");
    run.assert_nothing_written();
}

#[test]
fn exit_zero_is_not_success() {
    let run = run_hostile("mode = \"field,exit\"\nn = \"0\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("the hook called exit(0) instead of returning from on-event");
    run.assert_nothing_written();
}

#[test]
fn returned_error_is_reported() {
    let run = run_hostile("mode = \"field,error\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("the hook returned an error: deliberate");
    run.assert_nothing_written();
}

// Output and logs.

#[test]
fn log_flood_is_cut_at_budget() {
    let run = run_hostile("mode = \"logflood\"\nn = \"100000\"");

    run.assert_exit(SUCCESS);
    run.assert_stderr_contains("exceeded its log budget");
    let stderr_bytes = run.output.stderr.len();
    assert!(stderr_bytes < 600_000, "stderr has {stderr_bytes} bytes");
    run.assert_nothing_written();
}

#[test]
fn forged_log_line_is_escaped() {
    let run = run_hostile("mode = \"lognl\"");

    run.assert_exit(SUCCESS);
    let stderr = run.stderr();
    let forged_lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with(FORGED_LOG_LINE))
        .collect();
    assert!(forged_lines.is_empty(), "{forged_lines:?}");
    run.assert_stderr_contains(&format!("before the break\\n{FORGED_LOG_LINE}\\r"));
    assert!(!stderr.contains('\r'), "raw carriage return in:\n{stderr}");
}

#[test]
fn stdout_flood_is_capped() {
    let run = run_hostile("mode = \"stdout\"\nn = \"1024\"");

    run.assert_exit(SUCCESS);
    run.assert_stderr_contains("reached its limit");
    let stderr_bytes = run.output.stderr.len();
    assert!(stderr_bytes < 200_000, "stderr has {stderr_bytes} bytes");
    run.assert_nothing_written();
}

// Isolation: what a hook can see.

#[test]
fn environment_is_empty() {
    let run = run_hostile("mode = \"env\"");

    run.assert_exit(SUCCESS);
    let after = run.ticket_after();
    assert!(after.contains("0 environment variables: []"), "{after}");
    assert!(!after.contains("TEST_API_PASSWORD"), "{after}");
    assert!(!after.contains(API_PASSWORD), "{after}");
}

#[test]
fn host_files_are_unreadable() {
    let run = run_hostile("mode = \"file\"");

    run.assert_exit(SUCCESS);
    let after = run.ticket_after();
    assert!(after.contains("reading /etc/passwd failed"), "{after}");
    assert!(!after.contains("root:"), "{after}");
}

#[test]
fn stdin_is_empty() {
    let run = run_hostile("mode = \"stdin\"");

    run.assert_exit(SUCCESS);
    let after = run.ticket_after();
    assert!(after.contains("stdin: 0 bytes"), "{after}");
}

#[test]
fn raw_sockets_are_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("address");
    let settings = format!("mode = \"socket\"\naddress = \"{address}\"");

    let run = run_hostile(&settings);

    run.assert_exit(SUCCESS);
    let after = run.ticket_after();
    assert!(
        after.contains(&format!("tcp connect to {address} failed")),
        "{after}"
    );
    assert!(
        after.contains(&format!("udp send to {address} failed"))
            || after.contains("udp bind failed"),
        "{after}"
    );
    assert!(listener.accept().is_err(), "the hook reached the listener");
}

#[test]
fn other_ticket_read_is_denied() {
    let run = run_hostile("mode = \"other-ticket\"");

    run.assert_exit(SUCCESS);
    run.assert_stderr_contains("denied a read of another ticket");
    let after = run.ticket_after();
    assert!(after.contains("reading ticket 1002 failed"), "{after}");
    assert!(after.contains("may read only ticket 1001"), "{after}");
    let reads_of_other: Vec<_> = run
        .scenario
        .emulator
        .requests()
        .into_iter()
        .filter(|request| request.path.ends_with("/tickets/1002"))
        .collect();
    assert!(reads_of_other.is_empty(), "{reads_of_other:?}");
}

#[test]
fn repeated_reads_are_cached() {
    let run =
        run_hostile("mode = \"read,field\"\nn = \"200\"\nvalue = \"written after 200 reads\"");

    run.assert_exit(SUCCESS);
    let ticket_reads = run
        .scenario
        .emulator
        .requests()
        .into_iter()
        .filter(|request| request.method == "GET" && request.path.ends_with("/tickets/1001"))
        .count();
    assert!(ticket_reads <= 2, "{ticket_reads} reads of ticket 1001");
    let after = run.ticket_after();
    assert!(after.contains("written after 200 reads"), "{after}");
}

// Write-back checks.

#[test]
fn thousand_missing_fields_fail_fast() {
    let run = run_hostile("mode = \"manyfields\"\nn = \"1000\"");

    run.assert_exit(HOOK_FAILED);
    assert!(
        run.elapsed < Duration::from_secs(10),
        "took {:?}",
        run.elapsed
    );
    let stderr = run.stderr();
    let listed = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("field `Missing Field"))
        .count();
    let reports_size = stderr.contains("too large");
    let reports_truncated_list = listed <= 20 && stderr.contains("more problems");
    assert!(reports_size || reports_truncated_list, "{stderr}");
    run.assert_nothing_written();
}

#[test]
fn missing_field_list_is_truncated() {
    let run = run_hostile("mode = \"manyfields\"\nn = \"150\"");

    run.assert_exit(HOOK_FAILED);
    let stderr = run.stderr();
    let listed = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("field `Missing Field"))
        .count();
    assert!(listed <= 20, "{listed} problems listed:\n{stderr}");
    run.assert_stderr_contains("and 130 more problems");
    run.assert_nothing_written();
}

#[test]
fn five_thousand_fields_are_too_large() {
    let run = run_hostile("mode = \"manyfields\"\nn = \"5000\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("too large");
    run.assert_nothing_written();
}

#[test]
fn thirty_comments_are_too_large() {
    let run = run_hostile("mode = \"field,comments\"\nn = \"30\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("too large");
    run.assert_nothing_written();
}

#[test]
fn huge_comment_is_too_large() {
    let run = run_hostile("mode = \"field,bigcomment\"\nn = \"307200\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("too large");
    run.assert_nothing_written();
}

#[test]
fn control_character_is_rejected() {
    let run = run_hostile("mode = \"field,control\"");

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("control character U+0001");
    run.assert_nothing_written();
}

// Several hooks and a moving ticket.

#[test]
fn failing_hook_spares_the_next() {
    let failing = HookEntry {
        name: "hostile-trap",
        ..hostile("mode = \"trap\"")
    };
    let writing = HookEntry {
        name: "hostile-writer",
        ..hostile("mode = \"field\"\nvalue = \"written by the second hook\"")
    };
    let run = HostileRun::start(&[failing, writing], &ticket_info("advance-1001.xml"));

    run.assert_exit(HOOK_FAILED);
    run.assert_stderr_contains("deliberate panic");
    let writes = run.scenario.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].method, "PUT", "{writes:?}");
    assert!(writes[0].status < 300, "{writes:?}");
    let after = run.ticket_after();
    assert!(after.contains("written by the second hook"), "{after}");
}

#[test]
fn moved_ticket_skips_the_write() {
    let run = HostileRun::start(
        &[hostile("mode = \"field\"")],
        &ticket_info_from_earlier_step(),
    );

    run.assert_exit(SUCCESS);
    run.assert_stderr_contains("moved from step `Business Approval` (3002)");
    run.assert_nothing_written();
}

#[test]
fn moved_ticket_write_when_allowed() {
    let entry = HookEntry {
        extra: "write_if_step_changed = true",
        ..hostile("mode = \"field\"\nvalue = \"written after the move\"")
    };
    let run = HostileRun::start(&[entry], &ticket_info_from_earlier_step());

    run.assert_exit(SUCCESS);
    let writes = run.scenario.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(writes[0].status < 300, "{writes:?}");
    let after = run.ticket_after();
    assert!(after.contains("written after the move"), "{after}");
}
