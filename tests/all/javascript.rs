//! JavaScript hooks: `kpi-export`, built with componentize-js
//! (StarlingMonkey), POSTs a ticket summary with `fetch()` to a collector on
//! 127.0.0.1. `justification-check`, built with componentize-qjs (QuickJS),
//! comments on tickets whose justification is too short.
//!
//! Compiling the componentize-js component (about 12 MB) takes a minute or
//! more, so it runs once, and the tests share a compile cache.

use hook_runner_tests::components::{component, shared_compile_cache};
use hook_runner_tests::http_service::{HttpService, ReceivedRequest, Reply};
use hook_runner_tests::scenario::{HookEntry, Scenario, describe, ticket_info};

const SUCCESS: i32 = 0;

const KPI_POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../guests/kpi-export/policy.toml"
);
const JUSTIFICATION_POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../guests/justification-check/policy.toml"
);

fn accepted(_: &ReceivedRequest) -> Reply {
    (202, "application/json", "{\"stored\": true}".to_owned())
}

/// Returns the example policy of kpi-export with its grant moved to plain
/// HTTP on 127.0.0.1 and `port`.
fn kpi_policy_for_port(port: u16) -> String {
    let text = std::fs::read_to_string(KPI_POLICY).expect("read the example policy");
    let scheme = "scheme = \"https\"";
    let host = "host = \"kpi.example.com\"";
    assert!(text.contains(scheme), "{KPI_POLICY} has no `{scheme}`");
    assert!(text.contains(host), "{KPI_POLICY} has no `{host}`");
    text.replace(scheme, "scheme = \"http\"")
        .replace(host, &format!("host = \"127.0.0.1\"\nports = {port}"))
}

#[test]
fn kpi_export_posts_summary_on_close() {
    let collector = HttpService::start(accepted);
    let scenario = Scenario::start();
    let policy_path = scenario.dir.path().join("kpi-export.toml");
    std::fs::write(&policy_path, kpi_policy_for_port(collector.port())).expect("write policy");
    let extra = format!("policy = \"{}\"", policy_path.display());
    let settings = format!(
        "collector_url = \"{}/api/tickets/closed\"",
        collector.base_url()
    );
    scenario.write_config_with(
        &shared_compile_cache(),
        &[HookEntry {
            name: "kpi-export",
            component: &component("js/kpi_export.wasm"),
            events: "[\"CLOSE\"]",
            extra: &extra,
            settings: &settings,
        }],
    );

    let output = scenario.run("CLOSE", &ticket_info("close-1002.xml"));

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let requests = collector.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/tickets/closed");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let summary: serde_json::Value =
        serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(summary["ticket"], 1002);
    assert_eq!(summary["subject"], "Reporting server to data warehouse");
    assert_eq!(summary["workflow"], "Access Request");
    assert_eq!(summary["created_ms"], 1_738_368_000_000_u64);
    assert_eq!(summary["updated_ms"], 1_738_771_200_000_u64);
    assert_eq!(summary["open_hours"], 112.0);
    assert_eq!(summary["completion_step"], "Risk Review");
    assert_eq!(summary["status"], "Ticket Closed");
    assert_eq!(summary["steps"], 3);
    assert_eq!(summary["redone_steps"], 0);
    assert_eq!(summary["access_requests"], 3);
    assert!(
        scenario.writes().is_empty(),
        "kpi-export writes nothing back"
    );
}

/// Runs justification-check with its example policy on ticket 1001's
/// ADVANCE event, with `settings` as its `[hook.config]`.
fn run_justification_check(settings: &str) -> (Scenario, std::process::Output) {
    let scenario = Scenario::start();
    let extra = format!("policy = \"{JUSTIFICATION_POLICY}\"");
    scenario.write_config_with(
        &shared_compile_cache(),
        &[HookEntry {
            name: "justification-check",
            component: &component("js/justification_check.wasm"),
            events: "[\"ADVANCE\"]",
            extra: &extra,
            settings,
        }],
    );
    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    (scenario, output)
}

#[test]
fn justification_check_comments_short_text() {
    let (scenario, output) = run_justification_check("min_length = \"500\"");

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    let xml = scenario.ticket_xml(1001);
    assert!(
        xml.contains(
            "Business Justification has 85 of the 500 characters required; \
             please explain why this access is needed."
        ),
        "{xml}"
    );
}

#[test]
fn justification_check_accepts_long_text() {
    let (scenario, output) = run_justification_check("");

    assert_eq!(output.status.code(), Some(SUCCESS), "{}", describe(&output));
    assert!(scenario.writes().is_empty(), "{:?}", scenario.writes());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ticket 1001: Business Justification has 85 characters"),
        "{stderr}"
    );
}
