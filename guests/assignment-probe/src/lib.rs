//! Test-only assignment hook: returns exactly the tasks its configuration
//! describes, or fails on purpose, so that the end-to-end tests in
//! `tests/all/conditions.rs` can check what hook-runner prints and rejects.
//! Never deploy it.
//!
//! The configuration key `mode` picks what it does:
//!
//! | mode | action |
//! |---|---|
//! | `tasks` (default) | returns the tasks in `tasks` |
//! | `error` | returns the hook error `deliberate` |
//! | `trap` | panics with the message `deliberate panic` |
//! | `loop` | loops forever without host calls |
//! | `http` | sends a GET request to `url`, ignores the result, then returns the tasks |
//! | `read` | reads its ticket through the `tickets` import, fails unless it equals the ticket it was given, then returns the tasks |
//!
//! `tasks` lists tasks separated by `;`, each as
//! `NAME|PARTICIPANTS|MODE|IDS`: participants and access request ids are
//! comma-separated, and MODE is `self` or `manual:ASSIGNER` (an empty
//! assigner is passed through). For example
//! `PCI|alice,bob|manual:carol|61709;Rest|dave|self|`.

use hook_runner_guest::{
    AssignmentHook, HookError, TaskAssignment, Ticket, config, export_assignment, log, tickets,
};
use wasi::http::outgoing_handler;
use wasi::http::types::{Fields, Method, OutgoingRequest, Scheme};

/// The hook that hook-runner calls.
#[derive(Debug)]
pub struct AssignmentProbe;

impl AssignmentHook for AssignmentProbe {
    fn assign(ticket: Ticket) -> Result<Vec<TaskAssignment>, HookError> {
        match config::get_or("mode", "tasks").as_str() {
            "tasks" => configured_tasks(),
            "error" => Err(HookError::failed("deliberate")),
            "trap" => panic!("deliberate panic"),
            "loop" => loop_forever(),
            "http" => {
                send_get(&config::get_or("url", ""));
                configured_tasks()
            }
            "read" => {
                let read = tickets::get_ticket(ticket.id)?;
                if read != ticket {
                    return Err(HookError::failed(
                        "the ticket read differs from the one given",
                    ));
                }
                configured_tasks()
            }
            other => Err(HookError::failed(format!("unknown mode `{other}`"))),
        }
    }
}

export_assignment!(AssignmentProbe);

/// Parses the `tasks` setting.
fn configured_tasks() -> Result<Vec<TaskAssignment>, HookError> {
    config::get_or("tasks", "")
        .split(';')
        .filter(|task| !task.trim().is_empty())
        .map(parse_task)
        .collect()
}

fn parse_task(text: &str) -> Result<TaskAssignment, HookError> {
    let parts: Vec<&str> = text.split('|').collect();
    let [name, participants, mode, ids] = parts[..] else {
        return Err(HookError::failed(format!(
            "task `{text}` does not have the form NAME|PARTICIPANTS|MODE|IDS"
        )));
    };
    let mut task = TaskAssignment::new(name).participants(
        participants
            .split(',')
            .map(str::trim)
            .filter(|login| !login.is_empty()),
    );
    match mode.strip_prefix("manual:") {
        Some(assigner) => task = task.manual(assigner),
        None if mode == "self" => {}
        None => {
            return Err(HookError::failed(format!(
                "task `{name}`: unknown mode `{mode}`"
            )));
        }
    }
    for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        let id = id
            .parse()
            .map_err(|_| HookError::failed(format!("task `{name}`: `{id}` is not an id")))?;
        task = task.access_request(id);
    }
    Ok(task)
}

fn loop_forever() -> ! {
    let mut counter: u64 = 0;
    loop {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}

/// Sends a GET request to an `http://HOST[:PORT]/PATH` URL and waits for the
/// response, whatever it is.
fn send_get(url: &str) {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (authority, path) = match rest.find('/') {
        Some(index) => rest.split_at(index),
        None => (rest, "/"),
    };
    let request = OutgoingRequest::new(Fields::new());
    let _ = request.set_method(&Method::Get);
    let _ = request.set_scheme(Some(&Scheme::Http));
    let _ = request.set_authority(Some(authority));
    let _ = request.set_path_with_query(Some(path));
    match outgoing_handler::handle(request, None) {
        Ok(response) => {
            response.subscribe().block();
            let result = response.get();
            log::info(format!("GET {url}: {result:?}"));
        }
        Err(error) => log::info(format!("GET {url}: {error:?}")),
    }
}
