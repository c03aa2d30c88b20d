//! A command hook with the contract of a classic SecureChange script: it
//! reads `SCW_EVENT` and the `<ticket_info>` XML on standard input and
//! prints a `<hook_result>` document on standard output.
//!
//! The hook name, which hook-runner passes as `argv[0]`, picks a mode, so
//! that tests can run the same program in several ways:
//!
//! - `review` (any other name): sets three fields and adds a comment.
//! - `environment`: comments on every environment variable, argument and
//!   file it can see.
//! - `connect`: opens a TCP connection to the `host:port` in the ticket's
//!   subject and comments on what happened.
//! - `condition`: prints a scripted condition result, true for ADVANCE.
//! - `fail`: writes a reason to standard error and exits with status 3.
//! - `garbage`: prints plain text instead of a result document.
//! - `flood`: prints a result larger than any output limit.
//! - `spin`: loops forever.

use std::io::{Read, Write};

fn main() {
    let mode = std::env::args().next().unwrap_or_default();
    let event = std::env::var("SCW_EVENT").unwrap_or_default();
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("failed to read the ticket info: {error}");
        std::process::exit(2);
    }
    let subject = element_text(&input, "subject").unwrap_or_default();

    let result = match mode.as_str() {
        "environment" => comment(&describe_environment()),
        "connect" => comment(&connect(&subject)),
        "condition" => format!(
            "<response><condition_result>{}</condition_result></response>\n",
            event == "ADVANCE"
        ),
        "fail" => {
            eprintln!("no change window found for `{subject}`");
            std::process::exit(3);
        }
        "garbage" => "risk is high\n".to_string(),
        "flood" => comment(&"x".repeat(1 << 20)),
        "spin" => spin(),
        _ => review(&event, &subject),
    };
    let mut stdout = std::io::stdout();
    if stdout.write_all(result.as_bytes()).is_err() {
        std::process::exit(4);
    }
}

fn review(event: &str, subject: &str) -> String {
    format!(
        concat!(
            "<hook_result>\n",
            "  <field name=\"Risk Level\" type=\"drop_down\">High</field>\n",
            "  <field name=\"Reviewed\" type=\"checkbox\">true</field>\n",
            "  <field name=\"Risk Reason\">{} on {}</field>\n",
            "  <comment>Reviewed by the Rust command hook.</comment>\n",
            "</hook_result>\n"
        ),
        escape(event),
        // The subject is still XML-escaped, as it was on standard input.
        subject
    )
}

fn comment(text: &str) -> String {
    format!(
        "<hook_result><comment>{}</comment></hook_result>\n",
        escape(text)
    )
}

fn describe_environment() -> String {
    let variables: Vec<String> = std::env::vars()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let arguments: Vec<String> = std::env::args().collect();
    let root = match std::fs::read_dir("/") {
        Ok(_) => "readable".to_string(),
        Err(error) => format!("denied ({error})"),
    };
    format!(
        "env [{}] args [{}] root {root}",
        variables.join(" "),
        arguments.join(" ")
    )
}

fn connect(address: &str) -> String {
    match std::net::TcpStream::connect(address) {
        Ok(_) => format!("connected to {address}"),
        Err(error) => format!("connect to {address} failed: {:?}", error.kind()),
    }
}

fn spin() -> ! {
    let mut counter: u64 = 0;
    loop {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}

/// Returns the text of the first `<name>` element, without unescaping.
fn element_text(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..end].to_string())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
