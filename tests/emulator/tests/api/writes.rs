//! Field updates: value checks per type, identity checks, the current-step
//! rule, and all-or-nothing several-field updates.

use serde_json::json;

use crate::support::{TASK_9001, XSI, field_body, start, xml_error};

/// Valid updates per type: field id, type, value elements, and an element
/// that must hold the expected text afterwards.
const VALID: &[(u64, &str, &str, &str, &str)] = &[
    (91001, "text_field", "<text>42</text>", "text", "42"),
    (
        91002,
        "text_area",
        "<text>line 1\nline 2</text>",
        "text",
        "line 1\nline 2",
    ),
    (
        91003,
        "manager",
        "<text>r.okafor</text>",
        "text",
        "r.okafor",
    ),
    (
        91004,
        "hyperlink",
        "<url>https://scanner.example/report/7</url>",
        "url",
        "https://scanner.example/report/7",
    ),
    (91005, "checkbox", "<value>true</value>", "value", "true"),
    (
        91006,
        "date",
        "<value>2024-02-29</value>",
        "value",
        "2024-02-29",
    ),
    (91007, "time", "<value>23:59</value>", "value", "23:59"),
    (
        91008,
        "drop_down_list",
        "<selection>High</selection>",
        "selection",
        "High",
    ),
    (
        91010,
        "approve_reject",
        "<approved>false</approved><reason>too wide</reason>",
        "reason",
        "too wide",
    ),
];

/// Invalid updates per type: field id, type, value elements, and a part of
/// the expected message.
const INVALID: &[(u64, &str, &str, &str)] = &[
    (
        91001,
        "text_field",
        "<value>42</value>",
        "unexpected element <value>",
    ),
    (91001, "text_field", "", "<text> is missing"),
    (
        91002,
        "text_area",
        "<text>a</text><text>b</text>",
        "more than once",
    ),
    (
        91004,
        "hyperlink",
        "<url>ftp://host/x</url>",
        "url 'ftp://host/x' is invalid",
    ),
    (
        91005,
        "checkbox",
        "<value>yes</value>",
        "checkbox value 'yes' is invalid",
    ),
    (
        91006,
        "date",
        "<value>2023-02-29</value>",
        "date '2023-02-29' is invalid; expected YYYY-MM-DD",
    ),
    (
        91006,
        "date",
        "<value>29.02.2024</value>",
        "expected YYYY-MM-DD",
    ),
    (
        91007,
        "time",
        "<value>24:00</value>",
        "time '24:00' is invalid; expected HH:MM",
    ),
    (
        91008,
        "drop_down_list",
        "<selection>Critical</selection>",
        "'Critical' is not one of the options Low, Medium, High",
    ),
    (
        91009,
        "multiple_selection",
        "<selected_options><selected_option><value>DMZ</value></selected_option><selected_option><value>Cloud</value></selected_option></selected_options>",
        "'Cloud' is not one of the options DMZ, LAN, WAN",
    ),
    (
        91010,
        "approve_reject",
        "<approved>maybe</approved>",
        "approved 'maybe' is invalid",
    ),
    (
        91010,
        "approve_reject",
        "<reason>x</reason>",
        "<approved> is missing",
    ),
    (
        91011,
        "multi_text_field",
        "<text_field><value>a</value></text_field>",
        "unexpected element <value> in <text_field>",
    ),
    (
        91012,
        "multi_text_area",
        "<text>a</text>",
        "unexpected element <text>",
    ),
    (
        91013,
        "multi_access_request",
        "<access_request/>",
        "type multi_access_request cannot be written",
    ),
];

#[tokio::test]
async fn valid_value_per_type_stored() {
    let fixture = start();
    for &(id, field_type, value, element, expected) in VALID {
        let path = format!("{TASK_9001}/fields/{id}");
        let response = fixture
            .put_xml(&path, &field_body(field_type, id, value))
            .await;
        assert_eq!(
            response.status(),
            200,
            "{field_type}: {}",
            response.text().await.unwrap()
        );
        let stored = fixture.stored_field(9001, id);
        assert_eq!(
            stored.child_text(element).unwrap(),
            expected,
            "{field_type}"
        );
    }
}

#[tokio::test]
async fn invalid_value_per_type_rejected() {
    let fixture = start();
    for &(id, field_type, value, expected) in INVALID {
        let before = fixture.stored_field(9001, id);
        let path = format!("{TASK_9001}/fields/{id}");
        let response = fixture
            .put_xml(&path, &field_body(field_type, id, value))
            .await;
        assert_eq!(response.status(), 400, "{field_type} {value}");
        let (code, message) = xml_error(response).await;
        assert_eq!(code, "FIELD_VALIDATION_ERROR", "{field_type} {value}");
        assert!(
            message.contains(expected),
            "{field_type} {value}: {message}"
        );
        assert_eq!(
            fixture.stored_field(9001, id),
            before,
            "{field_type} unchanged"
        );
    }
}

#[tokio::test]
async fn multiple_selection_replaces_selection() {
    let fixture = start();
    let value = "<selected_options><selected_option><value>DMZ</value></selected_option>\
                 <selected_option><value>WAN</value></selected_option></selected_options>";
    let response = fixture
        .put_xml(
            &format!("{TASK_9001}/fields/91009"),
            &field_body("multiple_selection", 91009, value),
        )
        .await;
    assert_eq!(response.status(), 200);
    let stored = fixture.stored_field(9001, 91009);
    let selected: Vec<String> = stored
        .child("selected_options")
        .unwrap()
        .elements()
        .map(|option| option.child_text("value").unwrap())
        .collect();
    assert_eq!(selected, ["DMZ", "WAN"]);
    assert_eq!(
        stored.child("options").unwrap().elements().count(),
        3,
        "options kept"
    );
}

#[tokio::test]
async fn multi_text_replaces_items() {
    let fixture = start();
    let value =
        "<text_field><text>CHG-1</text></text_field><text_field><text>CHG-2</text></text_field>";
    let path = format!("{TASK_9001}/fields/91011");
    let response = fixture
        .put_xml(&path, &field_body("multi_text_field", 91011, value))
        .await;
    assert_eq!(response.status(), 200);
    let stored = fixture.stored_field(9001, 91011);
    let texts: Vec<String> = stored
        .elements()
        .filter(|e| e.name == "text_field")
        .map(|e| e.child_text("text").unwrap())
        .collect();
    assert_eq!(texts, ["CHG-1", "CHG-2"]);

    let value = "<text_area><text>finding</text></text_area>";
    let path = format!("{TASK_9001}/fields/91012");
    let response = fixture
        .put_xml(&path, &field_body("multi_text_area", 91012, value))
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn put_shows_in_later_get() {
    let fixture = start();
    let path = "tickets/1001/steps/current/tasks/4003/fields/61601";
    let body = format!(
        r#"<field {XSI} xsi:type="text_field"><id>61601</id><name>Risk Score</name><text>87</text></field>"#
    );
    let response = fixture.put_xml(path, &body).await;
    assert_eq!(response.status(), 200);
    let json = fixture.get_json("tickets/1001").await;
    let fields = &json["ticket"]["steps"]["step"][2]["tasks"]["task"]["fields"]["field"];
    assert_eq!(
        fields[1]["text"], "87",
        "a text field's text stays a string"
    );
}

#[tokio::test]
async fn read_only_field_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/61607";
    let response = fixture
        .put_xml(path, &field_body("text_area", 61607, "<text>x</text>"))
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert_eq!(
        message,
        "field 'Business Justification' (id 61607) is read-only"
    );
}

#[tokio::test]
async fn wrong_type_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/61601";
    let response = fixture
        .put_xml(path, &field_body("text_area", 61601, "<text>x</text>"))
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert_eq!(
        message,
        "field 'Risk Score' (id 61601) has type text_field, but the request sends text_area"
    );
}

#[tokio::test]
async fn missing_type_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/61601";
    let response = fixture
        .put_xml(path, "<field><id>61601</id><text>x</text></field>")
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert!(message.contains("no xsi:type"), "{message}");
}

#[tokio::test]
async fn wrong_name_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/61601";
    let body = format!(
        r#"<field {XSI} xsi:type="text_field"><id>61601</id><name>Risk</name><text>1</text></field>"#
    );
    let response = fixture.put_xml(path, &body).await;
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert!(message.contains("names it 'Risk'"), "{message}");
}

#[tokio::test]
async fn unknown_field_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/99999";
    let response = fixture
        .put_xml(path, &field_body("text_field", 99999, "<text>x</text>"))
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert_eq!(message, "field id 99999 not found in task 4003");
}

#[tokio::test]
async fn body_id_must_match_path() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/61601";
    let response = fixture
        .put_xml(path, &field_body("text_field", 61602, "<text>x</text>"))
        .await;
    let (code, _) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
}

#[tokio::test]
async fn step_not_current_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3002/tasks/4002/fields/61201";
    let body = field_body("approve_reject", 61201, "<approved>false</approved>");
    let response = fixture.put_xml(path, &body).await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
    assert!(
        message.contains("step 3002 ('Business Approval') is not the current step of ticket 1001"),
        "{message}"
    );
}

#[tokio::test]
async fn closed_ticket_rejected() {
    let fixture = start();
    for step in ["current", "3103"] {
        let path = format!("tickets/1002/steps/{step}/tasks/4103/fields/62601");
        let response = fixture
            .put_xml(&path, &field_body("text_field", 62601, "<text>1</text>"))
            .await;
        assert_eq!(response.status(), 400, "step {step}");
        let (code, message) = xml_error(response).await;
        assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
        assert!(
            message.contains("ticket 1002 has no current step (status 'Ticket Closed')"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn task_of_other_step_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4001/fields/61001";
    let response = fixture
        .put_xml(path, &field_body("text_area", 61001, "<text>x</text>"))
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
    assert_eq!(
        message,
        "task 4001 is not in step 3003 of ticket 1001; it belongs to step 3001"
    );
}

#[tokio::test]
async fn missing_ticket_step_task_not_found() {
    let fixture = start();
    let cases = [
        (
            "tickets/9/steps/current/tasks/4003/fields/61601",
            "ticket 9 not found",
        ),
        (
            "tickets/1001/steps/1/tasks/4003/fields/61601",
            "step 1 not found in ticket 1001",
        ),
        (
            "tickets/1001/steps/3003/tasks/1/fields/61601",
            "task 1 not found in ticket 1001",
        ),
    ];
    for (path, expected) in cases {
        let response = fixture
            .put_xml(path, &field_body("text_field", 61601, "<text>x</text>"))
            .await;
        assert_eq!(response.status(), 404, "{path}");
        let (code, message) = xml_error(response).await;
        assert_eq!(code, "NOT_FOUND_ERROR", "{path}");
        assert_eq!(message, expected);
    }
}

#[tokio::test]
async fn malformed_body_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3003/tasks/4003/fields/61601";
    let response = fixture.put_xml(path, "<field><id>61601</id>").await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
    assert!(message.contains("not well-formed XML"), "{message}");
}

#[tokio::test]
async fn dynamic_assignment_tasks_written_separately() {
    let fixture = start();
    for (task, field) in [(4303, 63601), (4304, 63611)] {
        let path = format!("tickets/1003/steps/current/tasks/{task}/fields/{field}");
        let body = field_body("text_field", field, &format!("<text>{task}</text>"));
        let response = fixture.put_xml(&path, &body).await;
        assert_eq!(response.status(), 200, "task {task}");
        assert_eq!(
            fixture
                .stored_field(1003, field)
                .child_text("text")
                .unwrap(),
            task.to_string()
        );
    }
    let path = "tickets/1003/steps/current/tasks/4303/fields/63611";
    let response = fixture
        .put_xml(path, &field_body("text_field", 63611, "<text>x</text>"))
        .await;
    let (code, _) = xml_error(response).await;
    assert_eq!(
        code, "FIELD_VALIDATION_ERROR",
        "a field of the other task is unknown here"
    );
}

#[tokio::test]
async fn several_fields_stored_together() {
    let fixture = start();
    let body = format!(
        "<fields {XSI}>{}{}{}</fields>",
        r#"<field xsi:type="text_field"><id>61601</id><name>Risk Score</name><text>64</text></field>"#,
        r#"<field xsi:type="drop_down_list"><id>61603</id><selection>Medium</selection></field>"#,
        r#"<field xsi:type="checkbox"><id>61604</id><value>true</value></field>"#,
    );
    let response = fixture
        .put_xml("tickets/1001/steps/current/tasks/4003/fields", &body)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        fixture
            .stored_field(1001, 61601)
            .child_text("text")
            .unwrap(),
        "64"
    );
    assert_eq!(
        fixture
            .stored_field(1001, 61603)
            .child_text("selection")
            .unwrap(),
        "Medium"
    );
    assert_eq!(
        fixture
            .stored_field(1001, 61604)
            .child_text("value")
            .unwrap(),
        "true"
    );
}

#[tokio::test]
async fn several_fields_all_or_nothing() {
    let fixture = start();
    let before = fixture.emulator.ticket_xml(1001).unwrap();
    let body = format!(
        "<fields>{}{}</fields>",
        field_body("text_field", 61601, "<text>64</text>"),
        field_body("drop_down_list", 61603, "<selection>Extreme</selection>"),
    );
    let response = fixture
        .put_xml("tickets/1001/steps/current/tasks/4003/fields", &body)
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert!(
        message.contains("field 'Risk Level' (id 61603)"),
        "{message}"
    );
    assert_eq!(
        fixture.emulator.ticket_xml(1001).unwrap(),
        before,
        "nothing stored"
    );
}

#[tokio::test]
async fn several_fields_duplicate_id_rejected() {
    let fixture = start();
    let body = format!(
        "<fields>{}{}</fields>",
        field_body("text_field", 61601, "<text>1</text>"),
        field_body("text_field", 61601, "<text>2</text>"),
    );
    let response = fixture
        .put_xml("tickets/1001/steps/current/tasks/4003/fields", &body)
        .await;
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "FIELD_VALIDATION_ERROR");
    assert!(message.contains("more than once"), "{message}");
}

#[tokio::test]
async fn json_single_field_body() {
    let fixture = start();
    let body = json!({"field": {"@xsi.type": "text_field", "id": 61601, "text": "55"}});
    let response = fixture
        .put_json("tickets/1001/steps/current/tasks/4003/fields/61601", &body)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        fixture
            .stored_field(1001, 61601)
            .child_text("text")
            .unwrap(),
        "55"
    );
}

#[tokio::test]
async fn json_several_fields_body() {
    let fixture = start();
    let body = json!({"fields": {"field": [
        {"@xsi.type": "checkbox", "id": 61604, "value": true},
        {"@xsi.type": "date", "id": 61605, "value": "2025-03-17"},
    ]}});
    let response = fixture
        .put_json("tickets/1001/steps/current/tasks/4003/fields", &body)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        fixture
            .stored_field(1001, 61604)
            .child_text("value")
            .unwrap(),
        "true"
    );
    assert_eq!(
        fixture
            .stored_field(1001, 61605)
            .child_text("value")
            .unwrap(),
        "2025-03-17"
    );
}

#[tokio::test]
async fn json_request_gets_json_error() {
    let fixture = start();
    let body = json!({"field": {"@xsi.type": "checkbox", "id": 61604, "value": "yes"}});
    let response = fixture
        .put_json("tickets/1001/steps/current/tasks/4003/fields/61604", &body)
        .await;
    assert_eq!(response.status(), 400);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["result"]["code"], "FIELD_VALIDATION_ERROR");
    let message = error["result"]["message"].as_str().unwrap();
    assert!(
        message.contains("checkbox value 'yes' is invalid"),
        "{message}"
    );
}

#[tokio::test]
async fn data_file_not_rewritten() {
    let fixture = start();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/tickets/1001.xml");
    let before = std::fs::read_to_string(file).unwrap();
    let path = "tickets/1001/steps/current/tasks/4003/fields/61601";
    let response = fixture
        .put_xml(path, &field_body("text_field", 61601, "<text>9</text>"))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(std::fs::read_to_string(file).unwrap(), before);
}
