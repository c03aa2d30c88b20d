//! `hook-runner assign`: the zone-assignment example splits the current step
//! of a ticket that the emulator serves into tasks. The assignment probe
//! returns tasks that SecureChange cannot open or fails on purpose, and such
//! runs end with the documented exit code and nothing on standard output.

use hook_runner_tests::guests::{ASSIGNMENT_PROBE, ZONE_ASSIGNMENT};
use hook_runner_tests::http_service::HttpService;
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, fixtures};

const HOOK_FAILED: i32 = 5;
const API_ERROR: i32 = 6;

/// Zones for ticket 1001, whose current step has access request 61709 to
/// 10.20.30.40, 61719 to 192.168.10.5 and 61729 to 172.16.6.20.
const ZONES: &str = r#"zones = "pci, dmz"
"pci.task" = "PCI firewall review"
"pci.networks" = "10.0.0.0/8"
"pci.participants" = "p.ortiz, l.chen"
"pci.assigner" = "c.wright"
"dmz.networks" = "172.16.0.0/12"
"dmz.participants" = "d.novak"
"#;

/// The document that [`ZONES`] makes for ticket 1001: 61719 reaches no zone
/// and stays in the default task.
const ZONES_DOCUMENT: &str = "<tasks>\
<task><name>PCI firewall review</name><participants>\
<participant_username>p.ortiz</participant_username>\
<participant_username>l.chen</participant_username></participants>\
<assignment><assignment_mode>manual</assignment_mode>\
<assigner_username>c.wright</assigner_username></assignment>\
<access_requests><access_request_id>61709</access_request_id></access_requests></task>\
<task><name>Review: dmz</name><participants>\
<participant_username>d.novak</participant_username></participants>\
<assignment><assignment_mode>self</assignment_mode></assignment>\
<access_requests><access_request_id>61729</access_request_id></access_requests></task>\
</tasks>\n";

fn zone_assignment(settings: &'static str) -> HookEntry<'static> {
    HookEntry {
        name: "zones",
        component: ZONE_ASSIGNMENT,
        events: "[]",
        extra: concat!(
            "kind = \"assignment\"\npolicy = \"",
            env!("CARGO_MANIFEST_DIR"),
            "/../guests/zone-assignment/policy.toml\"\n"
        ),
        settings,
    }
}

/// The probe hook with a policy that grants nothing but a fuel limit.
fn probe(scenario: &Scenario, settings: &str) {
    let policy = scenario.dir.path().join("probe-policy.toml");
    std::fs::write(&policy, "[limits]\nfuel = 50000000\n").expect("write the probe policy");
    let extra = format!("kind = \"assignment\"\npolicy = \"{}\"\n", policy.display());
    scenario.write_config(&[HookEntry {
        name: "probe",
        component: ASSIGNMENT_PROBE,
        events: "[]",
        extra: &extra,
        settings,
    }]);
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Checks a failed run: its exit code, a message on standard error, and
/// nothing on standard output for SecureChange to read.
fn assert_failed(output: &std::process::Output, code: i32, message: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", describe(output));
    assert_eq!(stdout(output), "", "{}", describe(output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(message),
        "expected `{message}` in:\n{stderr}"
    );
    // The probe's own panic message reaches the log as hook output.
    assert!(!stderr.contains("thread 'main' panicked"), "{stderr}");
}

/// A task as parsed back from a `<tasks>` document.
#[derive(Debug, Default, PartialEq)]
struct ParsedTask {
    name: String,
    participants: Vec<String>,
    mode: String,
    assigner: Option<String>,
    access_requests: Vec<u64>,
}

/// Parses a `<tasks>` document with quick-xml, so that the test checks what
/// an XML reader such as SecureChange's reads after unescaping.
fn parse_tasks(document: &str) -> Vec<ParsedTask> {
    use quick_xml::events::Event;

    let mut reader = quick_xml::Reader::from_str(document);
    let mut tasks = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                let name = start.name().as_ref().to_string();
                if name == "task" {
                    tasks.push(ParsedTask::default());
                }
                path.push(name);
                text.clear();
            }
            Event::Text(content) => text.push_str(&content.xml10_content()),
            Event::GeneralRef(reference) => {
                let name = reference.xml10_content();
                let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                    .unwrap_or_else(|| panic!("unknown entity `{name}`"));
                text.push_str(resolved);
            }
            Event::End(_) => {
                let element = path.pop().expect("an open element");
                let value = std::mem::take(&mut text);
                let Some(task) = tasks.last_mut() else {
                    continue;
                };
                match element.as_str() {
                    "name" => task.name = value,
                    "participant_username" => task.participants.push(value),
                    "assignment_mode" => task.mode = value,
                    "assigner_username" => task.assigner = Some(value),
                    "access_request_id" => {
                        task.access_requests
                            .push(value.parse().expect("numeric id"));
                    }
                    _ => assert!(value.trim().is_empty(), "text `{value}` in <{element}>"),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(path, Vec::<String>::new(), "every element is closed");
    tasks
}

#[test]
fn assignment_prints_zone_tasks() {
    let scenario = Scenario::start();
    scenario.write_config(&[zone_assignment(ZONES)]);

    let output = scenario.run_command(&["assign", "zones", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let document = stdout(&output);
    assert_eq!(document, ZONES_DOCUMENT);
    let expected = [
        ParsedTask {
            name: "PCI firewall review".into(),
            participants: vec!["p.ortiz".into(), "l.chen".into()],
            mode: "manual".into(),
            assigner: Some("c.wright".into()),
            access_requests: vec![61709],
        },
        ParsedTask {
            name: "Review: dmz".into(),
            participants: vec!["d.novak".into()],
            mode: "self".into(),
            assigner: None,
            access_requests: vec![61729],
        },
    ];
    assert_eq!(parse_tasks(&document), expected);
    assert!(scenario.writes().is_empty(), "an assignment writes nothing");
}

#[test]
fn assignment_escapes_names() {
    let scenario = Scenario::start();
    probe(
        &scenario,
        "tasks = \"R&D <core>|o'neil,\\\"q\\\"|manual:a&b|61719\"",
    );

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let document = stdout(&output);
    assert!(
        document.contains("<name>R&amp;D &lt;core&gt;</name>"),
        "{document}"
    );
    let tasks = parse_tasks(&document);
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].name, "R&D <core>");
    assert_eq!(tasks[0].participants, ["o'neil", "\"q\""]);
    assert_eq!(tasks[0].assigner.as_deref(), Some("a&b"));
}

#[test]
fn assignment_joined_arguments() {
    let scenario = Scenario::start();
    scenario.write_config(&[zone_assignment(ZONES)]);

    let output = scenario.run_command(&["assign zones", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), ZONES_DOCUMENT);
}

#[test]
fn assignment_test_prints_empty_tasks() {
    let scenario = Scenario::start();
    scenario.write_config(&[zone_assignment(ZONES)]);

    let output = scenario.run_command(&["assign", "zones", "test"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(stdout(&output), "<tasks></tasks>\n");
    assert!(scenario.emulator.requests().is_empty());
}

#[test]
fn manual_without_assigner_rejected() {
    let scenario = Scenario::start();
    let settings = r#"zones = "pci"
"pci.networks" = "10.0.0.0/8"
"pci.participants" = "p.ortiz"
"pci.assigner" = " "
"#;
    scenario.write_config(&[zone_assignment(settings)]);

    let output = scenario.run_command(&["assign", "zones", "1001"]);

    assert_failed(
        &output,
        HOOK_FAILED,
        "task `Review: pci` uses manual assignment without an assigner",
    );
}

#[test]
fn unknown_access_request_rejected() {
    let scenario = Scenario::start();
    // 61309 belongs to an earlier step of ticket 1001.
    probe(&scenario, "tasks = \"A|alice|self|61709,61309\"");

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_failed(
        &output,
        HOOK_FAILED,
        "task `A` names access request 61309, which is not on the current step of ticket 1001",
    );
}

#[test]
fn invalid_tasks_rejected() {
    let cases = [
        ("A|alice|self|;A|bob|self|", "two tasks are named `A`"),
        (" |alice|self|", "task 1 has an empty name"),
        ("A||self|", "task `A` has no participants"),
        (
            "A|alice|self|61709;B|bob|self|61709",
            "access request 61709 is named by task `A` and by task `B`",
        ),
    ];
    for (tasks, message) in cases {
        let scenario = Scenario::start();
        probe(&scenario, &format!("tasks = \"{tasks}\""));
        let output = scenario.run_command(&["assign", "probe", "1001"]);
        assert_failed(&output, HOOK_FAILED, message);
    }
}

#[test]
fn closed_ticket_rejects_tasks() {
    let scenario = Scenario::start();
    probe(&scenario, "tasks = \"A|alice|self|\"");

    let output = scenario.run_command(&["assign", "probe", "1002"]);

    assert_failed(&output, HOOK_FAILED, "ticket 1002 has no current step");
}

#[test]
fn hook_error_prints_nothing() {
    let scenario = Scenario::start();
    probe(&scenario, "mode = \"error\"");

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_failed(
        &output,
        HOOK_FAILED,
        "the hook returned an error: deliberate",
    );
}

#[test]
fn trap_prints_nothing() {
    let scenario = Scenario::start();
    probe(&scenario, "mode = \"trap\"");

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_failed(&output, HOOK_FAILED, "the hook trapped");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("deliberate panic"), "{stderr}");
}

#[test]
fn fuel_limit_stops_loop() {
    let scenario = Scenario::start();
    probe(&scenario, "mode = \"loop\"");

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_failed(
        &output,
        HOOK_FAILED,
        "the hook used up its fuel limit of 50000000 units",
    );
}

#[test]
fn denied_http_request_prints_nothing() {
    let service = HttpService::start(|_| (200, "text/plain", "ok".to_string()));
    let scenario = Scenario::start();
    let settings = format!(
        "mode = \"http\"\nurl = \"{}/leak\"\ntasks = \"A|alice|self|61709\"",
        service.base_url()
    );
    probe(&scenario, &settings);

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_failed(
        &output,
        HOOK_FAILED,
        "the hook broke its policy with 1 denied request(s), so nothing it returned was printed",
    );
    assert!(service.requests().is_empty(), "the request never left");
}

#[test]
fn hook_read_reuses_the_ticket() {
    let scenario = Scenario::start();
    let policy = scenario.dir.path().join("read-policy.toml");
    std::fs::write(&policy, "[ticket]\nread = true\n").expect("write the policy");
    let extra = format!("kind = \"assignment\"\npolicy = \"{}\"\n", policy.display());
    scenario.write_config(&[HookEntry {
        name: "probe",
        component: ASSIGNMENT_PROBE,
        events: "[]",
        extra: &extra,
        settings: "mode = \"read\"\ntasks = \"A|alice|self|61709\"",
    }]);

    let output = scenario.run_command(&["assign", "probe", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let reads = scenario
        .emulator
        .requests()
        .iter()
        .filter(|request| request.method == "GET" && request.path.ends_with("/tickets/1001"))
        .count();
    assert_eq!(reads, 1, "{:?}", scenario.emulator.requests());
}

#[test]
fn ticket_with_other_id_is_api_error() {
    let ticket = std::fs::read_to_string(fixtures().join("tickets/1001.xml"))
        .expect("read the ticket fixture")
        .replacen("<id>1001</id>", "<id>9999</id>", 1);
    let api = HttpService::start(move |_| (200, "application/xml", ticket.clone()));
    let scenario = Scenario::start();
    scenario.write_config_with_api(&api.base_url(), &[zone_assignment(ZONES)]);

    let output = scenario.run_command(&["assign", "zones", "1001"]);

    assert_failed(
        &output,
        API_ERROR,
        "it describes ticket 9999 instead of ticket 1001",
    );
}

#[test]
fn oversized_api_response_is_api_error() {
    let body = format!("<ticket>{}</ticket>", " ".repeat(33 << 20));
    let api = HttpService::start(move |_| (200, "application/xml", body.clone()));
    let scenario = Scenario::start();
    scenario.write_config_with_api(&api.base_url(), &[zone_assignment(ZONES)]);

    let output = scenario.run_command(&["assign", "zones", "1001"]);

    assert_failed(
        &output,
        API_ERROR,
        "the response body is larger than 32 MiB",
    );
}

#[test]
fn assignment_hook_error_on_missing_zones() {
    let scenario = Scenario::start();
    scenario.write_config(&[zone_assignment("")]);

    let output = scenario.run_command(&["assign", "zones", "1001"]);

    assert_failed(&output, HOOK_FAILED, "zones is empty");
}

/// Starts a scenario with the `remote-access-assignment` example, which
/// `make test` builds with componentize-py, and the example's policy file.
fn remote_access_assignment(settings: &str) -> Scenario {
    let scenario = Scenario::start();
    let component =
        hook_runner_tests::components::component("python/remote_access_assignment.wasm");
    let extra = format!(
        "kind = \"assignment\"\npolicy = \"{}/../guests/remote-access-assignment/policy.toml\"\n",
        env!("CARGO_MANIFEST_DIR")
    );
    scenario.write_config_with(
        &hook_runner_tests::components::shared_compile_cache(),
        &[HookEntry {
            name: "remote-access",
            component: &component,
            events: "[]",
            extra: &extra,
            settings,
        }],
    );
    scenario
}

#[test]
fn python_assignment_prints_remote_access_task() {
    // On ticket 1001, access request 61719 allows ANY service and 61729
    // port 22; 61709 allows only port 443.
    let scenario =
        remote_access_assignment("participants = \"s.admin, k.ops\"\nassigner = \"c.wright\"");

    let output = scenario.run_command(&["assign", "remote-access", "1001"]);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let expected = [ParsedTask {
        name: "Remote access review".into(),
        participants: vec!["s.admin".into(), "k.ops".into()],
        mode: "manual".into(),
        assigner: Some("c.wright".into()),
        access_requests: vec![61719, 61729],
    }];
    assert_eq!(parse_tasks(&stdout(&output)), expected);
}

#[test]
fn python_assignment_error_prints_nothing() {
    let scenario = remote_access_assignment("");

    let output = scenario.run_command(&["assign", "remote-access", "1001"]);

    assert_failed(&output, HOOK_FAILED, "participants is empty");
}
