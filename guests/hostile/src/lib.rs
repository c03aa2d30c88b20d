//! Test-only hostile hook: it breaks the sandbox and write-back rules on
//! purpose, so that the end-to-end tests in `tests/all/hostile.rs` can check
//! that hook-runner stops it. Never deploy it.
//!
//! On any event the hook runs the modes listed, comma-separated, in the
//! configuration key `mode`, in order, and returns the outcome they build:
//!
//! | mode | action |
//! |---|---|
//! | `loop` | loops forever without host calls |
//! | `sleep` | busy-waits on the monotonic clock for `n` seconds |
//! | `membomb` | allocates 1 MiB blocks until allocation fails |
//! | `trap` | panics with the message `deliberate panic` |
//! | `exit` | calls `std::process::exit(n)`, 3 by default |
//! | `stdout` | prints `n` KiB to standard output |
//! | `logflood` | logs an empty and a short message, `n` times each |
//! | `lognl` | logs a message with `\n`, a forged log line and `\r` |
//! | `env` | adds a comment that lists the environment variables |
//! | `file` | adds a comment with the result of reading `/etc/passwd` |
//! | `stdin` | adds a comment with the number of bytes on standard input |
//! | `socket` | adds a comment with the results of a raw TCP connect and a UDP send to `address` |
//! | `other-ticket` | adds a comment with the result of reading the next ticket id |
//! | `field` | sets field `field` (default `Risk Score`) to text `value` |
//! | `manyfields` | sets `n` fields that do not exist |
//! | `comments` | adds `n` comments |
//! | `bigcomment` | adds one comment of `n` bytes |
//! | `control` | adds a comment that contains U+0001 |
//! | `error` | returns the hook error `deliberate` |
//! | `read` | reads the event's ticket `n` times |
//! | `http` | sends `wasi:http` requests and reports each result (see [`http`]) |
//! | `env-secret` | adds a comment that reports whether `secret_env` is set |
//!
//! Configuration keys besides `mode`: `n` (a count, with a default per
//! mode), `field` and `value`. The `http` mode reads `url`, `method`,
//! `body_bytes`, `count`, `follow_redirects` and `field`, and `env-secret`
//! reads `secret_env`.

mod http;

use std::io::Write as _;
use std::time::{Duration, Instant};

use hook_runner_guest::{
    Event, FieldInput, Hook, HookError, Outcome, TicketInfo, config, export_hook, log, tickets,
};

/// The text that `lognl` puts after its line break, shaped like a line of
/// hook-runner's own log output. `tests/all/hostile.rs` looks for it.
const FORGED_LOG_LINE: &str = "2000-01-01T00:00:00.000000Z  INFO forged by the hostile hook";

/// The hook that hook-runner calls.
#[derive(Debug)]
pub struct Hostile;

impl Hook for Hostile {
    fn on_event(_event: Event, info: TicketInfo) -> Result<Outcome, HookError> {
        let modes = config::get("mode").unwrap_or_default();
        let mut outcome = Outcome::new();
        for mode in modes
            .split(',')
            .map(str::trim)
            .filter(|mode| !mode.is_empty())
        {
            outcome = match mode {
                "loop" => loop_forever(),
                "sleep" => busy_wait(outcome, count(3600)),
                "membomb" => allocate_until_failure(),
                "trap" => panic!("deliberate panic"),
                "exit" => std::process::exit(exit_code()),
                "stdout" => print_kibibytes(outcome, count(1024)),
                "logflood" => flood_log(outcome, count(100_000)),
                "lognl" => log_forged_line(outcome),
                "env" => comment_environment(outcome),
                "file" => comment_passwd_file(outcome),
                "socket" => comment_socket_attempts(outcome),
                "stdin" => comment_stdin(outcome),
                "other-ticket" => read_other_ticket(outcome, info.id),
                "field" => set_configured_field(outcome),
                "manyfields" => set_missing_fields(outcome, count(1000)),
                "comments" => add_comments(outcome, count(30)),
                "bigcomment" => add_big_comment(outcome, count(300 << 10)),
                "control" => add_control_character_comment(outcome),
                "error" => {
                    let message = config::get_or("message", "deliberate");
                    return Err(HookError::failed(message.repeat(count(1))));
                }
                "read" => read_ticket_repeatedly(outcome, info.id, count(200))?,
                "http" => http::make_requests(outcome),
                "env-secret" => http::check_secret_variable(outcome),
                unknown => return Err(HookError::failed(format!("unknown mode `{unknown}`"))),
            };
        }
        Ok(outcome)
    }
}

export_hook!(Hostile);

/// Returns the configuration value `n`, or `default` when it is unset or not
/// a number.
fn count(default: usize) -> usize {
    config::get("n")
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Returns the configuration value `n` as an exit code, 3 when it is unset
/// or not an `i32`.
fn exit_code() -> i32 {
    config::get("n")
        .and_then(|value| value.parse().ok())
        .unwrap_or(3)
}

/// Spins without calling the host, so only the engine's epoch interruption
/// can stop it.
fn loop_forever() -> ! {
    let mut counter: u64 = 0;
    loop {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}

/// Reads the clock in a loop for `seconds`, so that most of the run is spent
/// in host calls.
fn busy_wait(outcome: Outcome, seconds: usize) -> Outcome {
    let duration = Duration::from_secs(seconds as u64);
    let started = Instant::now();
    while std::hint::black_box(started.elapsed()) < duration {}
    outcome
}

/// Allocates and fills 1 MiB blocks until an allocation fails, keeping every
/// block reachable so that the compiler cannot remove them.
fn allocate_until_failure() -> ! {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    loop {
        blocks.push(vec![0xA5; 1 << 20]);
        std::hint::black_box(&blocks);
    }
}

/// Writes `kibibytes` lines of 1 KiB each to standard output. Write errors
/// are ignored because the host rejects output past its limit.
fn print_kibibytes(outcome: Outcome, kibibytes: usize) -> Outcome {
    let line = "x".repeat(1023);
    let mut stdout = std::io::stdout();
    for _ in 0..kibibytes {
        let _ = writeln!(stdout, "{line}");
    }
    let _ = stdout.flush();
    outcome
}

/// Logs an empty and a one-character message `times` times each.
fn flood_log(outcome: Outcome, times: usize) -> Outcome {
    for _ in 0..times {
        log::info("");
        log::info("x");
    }
    outcome
}

/// Logs one message that, printed unescaped, would start a new log line
/// with [`FORGED_LOG_LINE`] and then return the cursor to the line start.
fn log_forged_line(outcome: Outcome) -> Outcome {
    log::info(format!(
        "before the break\n{FORGED_LOG_LINE}\rafter a carriage return"
    ));
    outcome
}

/// Adds a comment that lists the environment variables visible to the hook.
fn comment_environment(outcome: Outcome) -> Outcome {
    let variables: Vec<String> = std::env::vars()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    outcome.comment(format!(
        "{} environment variables: [{}]",
        variables.len(),
        variables.join(", ")
    ))
}

/// Adds a comment with the size of `/etc/passwd`, or the error from reading it.
fn comment_passwd_file(outcome: Outcome) -> Outcome {
    let result = match std::fs::read_to_string("/etc/passwd") {
        Ok(text) => format!("read /etc/passwd: {} bytes", text.len()),
        Err(error) => format!("reading /etc/passwd failed: {error}"),
    };
    outcome.comment(result)
}

/// Adds a comment with the result of reading the ticket whose id follows the
/// event's ticket.
/// Reads standard input to its end and comments on how many bytes it held.
fn comment_stdin(outcome: Outcome) -> Outcome {
    let mut input = Vec::new();
    let result = std::io::Read::read_to_end(&mut std::io::stdin(), &mut input);
    let text = match result {
        Ok(_) => format!("stdin: {} bytes", input.len()),
        Err(error) => format!("reading stdin failed: {error}"),
    };
    outcome.comment(text)
}

/// Tries a raw TCP connection and a UDP socket to the `address` config
/// value (`host:port`) and comments on what happened.
fn comment_socket_attempts(outcome: Outcome) -> Outcome {
    let address = config::get_or("address", "127.0.0.1:9");
    let tcp = match std::net::TcpStream::connect(&address) {
        Ok(_) => format!("tcp connect to {address}: connected"),
        Err(error) => format!("tcp connect to {address} failed: {error}"),
    };
    let udp = match std::net::UdpSocket::bind("0.0.0.0:0") {
        Ok(socket) => match socket.send_to(b"x", &address) {
            Ok(_) => format!("udp send to {address}: sent"),
            Err(error) => format!("udp send to {address} failed: {error}"),
        },
        Err(error) => format!("udp bind failed: {error}"),
    };
    outcome.comment(format!("{tcp}\n{udp}"))
}

fn read_other_ticket(outcome: Outcome, event_ticket: u64) -> Outcome {
    let other = event_ticket + 1;
    let result = match tickets::get_ticket(other) {
        Ok(ticket) => format!("read ticket {other}: {}", ticket.subject),
        Err(error) => format!(
            "reading ticket {other} failed: {}",
            HookError::from(error).message
        ),
    };
    outcome.comment(result)
}

/// Sets the text field named by `field` (default `Risk Score`) to `value`
/// (default `hostile`).
fn set_configured_field(outcome: Outcome) -> Outcome {
    let field = config::get_or("field", "Risk Score");
    let value = config::get_or("value", "hostile");
    outcome.set_field(field, FieldInput::text(value))
}

/// Sets `count` fields whose names no ticket has.
fn set_missing_fields(outcome: Outcome, count: usize) -> Outcome {
    (0..count).fold(outcome, |outcome, index| {
        outcome.set_field(format!("Missing Field {index}"), FieldInput::text("x"))
    })
}

fn add_comments(outcome: Outcome, count: usize) -> Outcome {
    (0..count).fold(outcome, |outcome, index| {
        outcome.comment(format!("comment {index}"))
    })
}

fn add_big_comment(outcome: Outcome, bytes: usize) -> Outcome {
    outcome.comment("z".repeat(bytes))
}

fn add_control_character_comment(outcome: Outcome) -> Outcome {
    outcome.comment("a control character \u{1} in a comment")
}

/// Reads the event's ticket `times` times and fails on the first error.
fn read_ticket_repeatedly(
    outcome: Outcome,
    event_ticket: u64,
    times: usize,
) -> Result<Outcome, HookError> {
    for _ in 0..times {
        tickets::get_ticket(event_ticket)?;
    }
    Ok(outcome)
}
