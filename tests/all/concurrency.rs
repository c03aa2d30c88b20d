//! 50 hook-runner processes at once, on one ticket and on many: no write is
//! lost or doubled, and the outbox, the compile cache and the audit log stay
//! whole.

use hook_runner_tests::scenario::{Scenario, describe, fixtures, ticket_info};
use hook_runner_tests::ticket_state::{comments, field_texts};

use crate::outbox_support::{clean_result, outbox_entries, scorer};

const PROCESSES: u64 = 50;
/// Tickets 2001 and up are copies of ticket 1001.
const FIRST_COPY: u64 = 2001;

#[test]
fn fifty_processes_write_each_event_once() {
    let data = tempfile::tempdir().expect("temp dir");
    let original = std::fs::read_to_string(fixtures().join("tickets/1001.xml")).expect("read");
    std::fs::write(data.path().join("1001.xml"), &original).expect("write");
    let copies = PROCESSES / 2;
    for id in FIRST_COPY..FIRST_COPY + copies {
        let copy = original.replacen("<id>1001</id>", &format!("<id>{id}</id>"), 1);
        std::fs::write(data.path().join(format!("{id}.xml")), copy).expect("write");
    }
    let scenario = Scenario::start_with_data(data.path());
    scenario.write_config_with("[audit]\nfile = \"audit.jsonl\"\n", &[scorer()]);
    let info = String::from_utf8(ticket_info("advance-1001.xml")).expect("utf-8");

    // Half the processes handle ticket 1001, the others one copy each.
    let children: Vec<_> = (0..PROCESSES)
        .map(|index| {
            let id = if index % 2 == 0 {
                1001
            } else {
                FIRST_COPY + index / 2
            };
            let input = info.replacen("<id>1001</id>", &format!("<id>{id}</id>"), 1);
            scenario.spawn("ADVANCE", input.as_bytes())
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("hook-runner finishes");
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    }

    let (score, comment) = clean_result();
    for id in std::iter::once(1001).chain(FIRST_COPY..FIRST_COPY + copies) {
        let xml = scenario.ticket_xml(id);
        assert_eq!(&field_texts(&xml, "Risk Score"), score, "ticket {id}");
        assert_eq!(&comments(&xml), comment, "ticket {id}");
    }
    let entries = outbox_entries(&scenario);
    assert_eq!(entries.len() as u64, copies + 1, "{entries:?}");
    assert!(
        entries.iter().all(|entry| entry["state"] == "delivered"),
        "{entries:?}"
    );

    let audit = std::fs::read_to_string(scenario.dir.path().join("audit.jsonl")).expect("audit");
    let records: Vec<serde_json::Value> = audit
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect();
    let count = |kind: &str| {
        records
            .iter()
            .filter(|record| record["kind"] == kind)
            .count() as u64
    };
    assert_eq!(count("run_started"), PROCESSES);
    assert_eq!(count("run_finished"), PROCESSES);
    assert_eq!(
        count("comment"),
        copies + 1,
        "one comment record per ticket"
    );
}
