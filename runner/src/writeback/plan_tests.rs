use super::*;
use crate::bindings::{
    DropDown, FieldUpdate, FieldValue, MultipleSelection, NamedRef, Step, Task, Ticket,
};

fn field(id: u64, name: &str, field_type: &str, read_only: bool, value: FieldValue) -> Field {
    Field {
        id,
        name: name.into(),
        field_type: field_type.into(),
        read_only,
        value,
    }
}

fn ticket(tasks: Vec<Task>, current: bool) -> Ticket {
    Ticket {
        id: 1001,
        subject: "s".into(),
        status: if current {
            "In Progress"
        } else {
            "Ticket Closed"
        }
        .into(),
        priority: "Normal".into(),
        requester: "jdoe".into(),
        workflow: NamedRef {
            id: 1,
            name: "Access Request".into(),
        },
        steps: vec![Step {
            id: 30,
            name: "Risk Review".into(),
            redone: false,
            skipped: false,
            tasks,
        }],
        current_step: current.then(|| NamedRef {
            id: 30,
            name: "Risk Review".into(),
        }),
        comments: Vec::new(),
    }
}

fn task(id: u64, fields: Vec<Field>) -> Task {
    Task {
        id,
        name: String::new(),
        status: "ASSIGNED".into(),
        assignee: "a".into(),
        fields,
    }
}

fn standard_task(id: u64) -> Task {
    task(
        id,
        vec![
            field(
                1,
                "Risk Score",
                "text_field",
                false,
                FieldValue::Text(String::new()),
            ),
            field(2, "Notes", "text_area", true, FieldValue::Text("x".into())),
            field(
                3,
                "Risk Level",
                "drop_down_list",
                false,
                FieldValue::DropDown(DropDown {
                    selection: None,
                    options: vec!["Low".into(), "High".into()],
                }),
            ),
            field(4, "Due", "date", false, FieldValue::Date(None)),
            field(5, "At", "time", false, FieldValue::Time(None)),
            field(
                6,
                "Tags",
                "multiple_selection",
                false,
                FieldValue::MultipleSelection(MultipleSelection {
                    selected: vec![],
                    options: vec!["a".into()],
                }),
            ),
            field(
                7,
                "Odd",
                "rule_decommission",
                false,
                FieldValue::Other(String::new()),
            ),
        ],
    )
}

fn outcome(updates: Vec<(&str, FieldInput)>, comments: Vec<&str>) -> Outcome {
    Outcome {
        field_updates: updates
            .into_iter()
            .map(|(name, value)| FieldUpdate {
                field: name.into(),
                value,
            })
            .collect(),
        comments: comments.into_iter().map(String::from).collect(),
    }
}

fn problems(ticket: &Ticket, outcome: &Outcome) -> Vec<FieldProblem> {
    match plan(ticket, outcome) {
        Err(PlanError::Fields { problems, .. }) => problems,
        other => panic!("expected field problems, got {other:?}"),
    }
}

#[test]
fn valid_updates_are_planned() {
    let ticket = ticket(vec![standard_task(40)], true);
    let outcome = outcome(
        vec![
            ("Risk Score", FieldInput::Text("80".into())),
            ("Risk Level", FieldInput::DropDown("High".into())),
            ("Due", FieldInput::Date("2028-02-29".into())),
        ],
        vec!["scored"],
    );
    let plan = plan(&ticket, &outcome).expect("valid").expect("non-empty");
    assert_eq!(plan.step_id, 30);
    assert_eq!(plan.tasks.len(), 1);
    assert_eq!(plan.tasks[0].fields.len(), 3);
    assert_eq!(plan.tasks[0].fields[1].field_type, "drop_down_list");
    assert_eq!(
        plan.comments,
        vec![CommentWrite {
            task_id: 40,
            content: "scored".into()
        }]
    );
}

#[test]
fn empty_outcome_plans_nothing() {
    let ticket = ticket(vec![], false);
    assert_eq!(plan(&ticket, &outcome(vec![], vec![])), Ok(None));
}

#[test]
fn field_on_every_task_is_written() {
    let ticket = ticket(vec![standard_task(40), standard_task(41)], true);
    let plan = plan(
        &ticket,
        &outcome(vec![("Risk Score", FieldInput::Text("1".into()))], vec![]),
    )
    .expect("valid")
    .expect("non-empty");
    let tasks: Vec<u64> = plan.tasks.iter().map(|t| t.task_id).collect();
    assert_eq!(tasks, [40, 41]);
}

#[test]
fn closed_ticket_is_rejected() {
    let ticket = ticket(vec![standard_task(40)], false);
    let error = plan(&ticket, &outcome(vec![], vec!["x"])).expect_err("closed");
    assert!(
        error
            .to_string()
            .contains("no current step (status `Ticket Closed`)"),
        "{error}"
    );
}

#[test]
fn missing_field_lists_step_fields() {
    let ticket = ticket(vec![standard_task(40)], true);
    let found = problems(
        &ticket,
        &outcome(vec![("Score", FieldInput::Text("1".into()))], vec![]),
    );
    assert_eq!(found.len(), 1);
    assert!(found[0].reason.contains("`Risk Review`"), "{}", found[0]);
    assert!(found[0].reason.contains("`Risk Score`"), "{}", found[0]);
}

#[test]
fn wrong_case_suggests_name() {
    let ticket = ticket(vec![standard_task(40)], true);
    let found = problems(
        &ticket,
        &outcome(vec![("risk score", FieldInput::Text("1".into()))], vec![]),
    );
    assert!(
        found[0].reason.contains("did you mean `Risk Score`"),
        "{}",
        found[0]
    );
}

#[test]
fn every_invalid_update_is_reported() {
    let ticket = ticket(vec![standard_task(40)], true);
    let outcome = outcome(
        vec![
            ("Notes", FieldInput::Text("x".into())),
            ("Risk Score", FieldInput::Checkbox(true)),
            ("Risk Level", FieldInput::DropDown("Severe".into())),
            ("Due", FieldInput::Date("2027-02-29".into())),
            ("At", FieldInput::Time("24:00".into())),
            (
                "Tags",
                FieldInput::MultipleSelection(vec!["a".into(), "b".into()]),
            ),
            ("Odd", FieldInput::Text("x".into())),
        ],
        vec![],
    );
    let found = problems(&ticket, &outcome);
    let reasons: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 7, "{reasons:#?}");
    assert!(reasons[0].contains("read-only"));
    assert!(reasons[1].contains("takes a `text` value, but the hook sent `checkbox`"));
    assert!(reasons[2].contains("`Severe` is not one of its options (`Low`, `High`)"));
    assert!(reasons[3].contains("date `2027-02-29` is invalid"));
    assert!(reasons[4].contains("time `24:00` is invalid"));
    assert!(reasons[5].contains("`b` is not one of its options"));
    assert!(reasons[6].contains("cannot write"));
}

#[test]
fn duplicate_update_is_rejected() {
    let ticket = ticket(vec![standard_task(40)], true);
    let found = problems(
        &ticket,
        &outcome(
            vec![
                ("Risk Score", FieldInput::Text("1".into())),
                ("Risk Score", FieldInput::Text("2".into())),
            ],
            vec![],
        ),
    );
    assert!(found[0].reason.contains("more than once"));
}
