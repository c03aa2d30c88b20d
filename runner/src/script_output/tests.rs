use super::*;
use crate::ticket::ticket_from_xml;

/// Ticket 1001 of the test fixtures: its current step, Risk Review, has the
/// access requests 61709, 61719 and 61729.
fn ticket() -> Ticket {
    ticket_from_xml(include_str!("../../../tests/fixtures/tickets/1001.xml"))
        .expect("fixture parses")
}

fn task(name: &str, participants: &[&str], mode: AssignmentMode, ids: &[u64]) -> TaskAssignment {
    TaskAssignment {
        name: name.to_string(),
        participants: participants.iter().map(|user| user.to_string()).collect(),
        mode,
        access_request_ids: ids.to_vec(),
    }
}

fn rejection(tasks: &[TaskAssignment]) -> String {
    check_tasks(tasks, &ticket())
        .expect_err("rejected")
        .to_string()
}

#[test]
fn condition_response_prints_value() {
    assert_eq!(
        condition_response(false),
        "<response><condition_result>false</condition_result></response>\n"
    );
}

#[test]
fn tasks_document_escapes_and_omits_empty_requests() {
    let tasks = [
        task(
            " PCI <review> ",
            &["alice", "o'brien"],
            AssignmentMode::Manual("carol".into()),
            &[61709, 61719],
        ),
        task(
            "Default & rest",
            &["bob"],
            AssignmentMode::SelfAssignment,
            &[],
        ),
    ];
    assert_eq!(
        tasks_document(&tasks),
        "<tasks><task><name>PCI &lt;review&gt;</name><participants>\
         <participant_username>alice</participant_username>\
         <participant_username>o&apos;brien</participant_username></participants>\
         <assignment><assignment_mode>manual</assignment_mode>\
         <assigner_username>carol</assigner_username></assignment>\
         <access_requests><access_request_id>61709</access_request_id>\
         <access_request_id>61719</access_request_id></access_requests></task>\
         <task><name>Default &amp; rest</name><participants>\
         <participant_username>bob</participant_username></participants>\
         <assignment><assignment_mode>self</assignment_mode></assignment></task></tasks>\n"
    );
}

#[test]
fn empty_task_list_is_valid() {
    check_tasks(&[], &ticket()).expect("no tasks is valid");
    assert_eq!(tasks_document(&[]), "<tasks></tasks>\n");
}

#[test]
fn valid_tasks_pass() {
    let tasks = [
        task(
            "PCI",
            &["alice"],
            AssignmentMode::Manual("carol".into()),
            &[61709],
        ),
        task(
            "Other",
            &["bob"],
            AssignmentMode::SelfAssignment,
            &[61719, 61729],
        ),
    ];
    check_tasks(&tasks, &ticket()).expect("valid tasks");
}

#[test]
fn manual_without_assigner_is_rejected() {
    let message = rejection(&[task(
        "PCI",
        &["alice"],
        AssignmentMode::Manual(" ".into()),
        &[],
    )]);
    assert!(
        message.contains("task `PCI` uses manual assignment without an assigner"),
        "{message}"
    );
}

#[test]
fn unknown_access_request_is_rejected() {
    let message = rejection(&[task(
        "PCI",
        &["alice"],
        AssignmentMode::SelfAssignment,
        &[61309],
    )]);
    assert!(message.contains("names access request 61309"), "{message}");
    assert!(message.contains("61709, 61719, 61729"), "{message}");
}

#[test]
fn access_request_in_two_tasks_is_rejected() {
    let message = rejection(&[
        task("A", &["alice"], AssignmentMode::SelfAssignment, &[61709]),
        task("B", &["bob"], AssignmentMode::SelfAssignment, &[61709]),
    ]);
    assert!(
        message.contains("access request 61709 is named by task `A` and by task `B`"),
        "{message}"
    );
}

#[test]
fn duplicate_and_empty_names_are_rejected() {
    let duplicate = rejection(&[
        task("A", &["alice"], AssignmentMode::SelfAssignment, &[]),
        task(" A", &["bob"], AssignmentMode::SelfAssignment, &[]),
    ]);
    assert!(duplicate.contains("two tasks are named `A`"), "{duplicate}");
    let empty = rejection(&[task("  ", &["alice"], AssignmentMode::SelfAssignment, &[])]);
    assert!(empty.contains("task 1 has an empty name"), "{empty}");
}

#[test]
fn participants_are_checked() {
    let none = rejection(&[task("A", &[], AssignmentMode::SelfAssignment, &[])]);
    assert!(none.contains("task `A` has no participants"), "{none}");
    let blank = rejection(&[task("A", &[""], AssignmentMode::SelfAssignment, &[])]);
    assert!(
        blank.contains("task `A` has an empty participant user name"),
        "{blank}"
    );
    let control = rejection(&[task(
        "A",
        &["al\u{1}ice"],
        AssignmentMode::SelfAssignment,
        &[],
    )]);
    assert!(control.contains("the character \\u{1}"), "{control}");
    let list = rejection(&[task(
        "A",
        &["alice, bob"],
        AssignmentMode::SelfAssignment,
        &[],
    )]);
    assert!(list.contains("white space or a comma"), "{list}");
    let twice = rejection(&[task(
        "A",
        &["alice", " alice"],
        AssignmentMode::SelfAssignment,
        &[],
    )]);
    assert!(
        twice.contains("names the participant `alice` twice"),
        "{twice}"
    );
}

#[test]
fn non_xml_and_bidi_characters_are_rejected() {
    for (name, shown) in [
        ("A\u{fffe}B", "\\u{fffe}"),
        ("A\u{ffff}B", "\\u{ffff}"),
        ("abc\u{202e}cba", "\\u{202e}"),
    ] {
        let message = rejection(&[task(name, &["alice"], AssignmentMode::SelfAssignment, &[])]);
        assert!(
            message.contains(&format!("the character {shown}")),
            "{message}"
        );
    }
}

#[test]
fn repeated_request_in_task_rejected() {
    let message = rejection(&[task(
        "A",
        &["alice"],
        AssignmentMode::SelfAssignment,
        &[61709, 61709],
    )]);
    assert!(
        message.contains("task `A` names access request 61709 twice"),
        "{message}"
    );
}

#[test]
fn closed_ticket_takes_no_tasks() {
    let mut closed = ticket();
    closed.current_step = None;
    let message = check_tasks(
        &[task("A", &["alice"], AssignmentMode::SelfAssignment, &[])],
        &closed,
    )
    .expect_err("rejected")
    .to_string();
    assert!(message.contains("has no current step"), "{message}");
}

#[test]
fn current_step_found_by_name() {
    let mut renamed = ticket();
    if let Some(current) = renamed.current_step.as_mut() {
        current.id = 999;
    }
    let tasks = [task(
        "A",
        &["alice"],
        AssignmentMode::SelfAssignment,
        &[61709],
    )];
    check_tasks(&tasks, &renamed).expect("the step named Risk Review is found");
}
