use super::*;

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ticket>
  <id>1001</id><subject>Web farm</subject><requester>jdoe</requester>
  <priority>Normal</priority><status>In Progress</status>
  <workflow><id>12</id><name>Access Request</name></workflow>
  <steps>
    <step><id>3003</id><name>Risk Review</name><redone>false</redone><skipped>false</skipped>
      <tasks><task><id>4003</id><assignee>secops</assignee><status>ASSIGNED</status>
        <fields>
          <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="multi_access_request">
            <id>1</id><name>Required Access</name><read_only>false</read_only>
            <access_request><id>11</id><order>AR1</order>
              <targets><target type="Object"><object_name>fw1</object_name></target></targets>
              <users><user>Any</user></users>
              <sources><source type="ANY"><id>5</id></source></sources>
              <destinations><destination type="IP"><ip_address>10.0.0.0</ip_address><netmask>255.0.0.0</netmask></destination></destinations>
              <services><service type="PROTOCOL"><protocol>TCP</protocol><port>443</port></service></services>
              <action>Accept</action>
            </access_request>
          </field>
          <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="text_field"><id>2</id><name>Risk Score</name><text/></field>
          <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="checkbox"><id>3</id><name>Reviewed</name><value>true</value></field>
          <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="drop_down_list"><id>4</id><name>Level</name>
            <options><option><value>Low</value></option><option><value>High</value></option></options><selection>High</selection></field>
          <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="approve_reject"><id>5</id><name>OK</name><read_only>true</read_only><approved>false</approved><reason>no</reason></field>
          <field xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="rule_decommission"><id>6</id><name>Odd</name><devices/></field>
        </fields>
      </task></tasks>
    </step>
  </steps>
  <current_step><id>3003</id><name>Risk Review</name></current_step>
  <comments><comment><order>1</order><user>jdoe</user><content>hi</content><type>COMMENT</type><task_name>Open</task_name></comment></comments>
</ticket>"#;

#[test]
fn xml_ticket_maps_every_field_type() {
    let ticket = ticket_from_xml(XML).expect("parses");

    assert_eq!(ticket.id, 1001);
    assert_eq!(ticket.workflow.name, "Access Request");
    assert_eq!(ticket.current().map(|s| s.id), Some(3003));

    let fields = &ticket.steps[0].tasks[0].fields;
    let FieldValue::AccessRequests(requests) = &fields[0].value else {
        panic!("access requests: {:?}", fields[0].value);
    };
    assert_eq!(requests[0].sources[0].kind, "ANY");
    assert_eq!(
        requests[0].destinations[0].netmask.as_deref(),
        Some("255.0.0.0")
    );
    assert_eq!(requests[0].services[0].port.as_deref(), Some("443"));
    assert_eq!(requests[0].targets, ["fw1"]);
    assert_eq!(fields[1].value, FieldValue::Text(String::new()));
    assert_eq!(fields[2].value, FieldValue::Checkbox(Some(true)));
    let FieldValue::DropDown(drop_down) = &fields[3].value else {
        panic!("drop-down");
    };
    assert_eq!(drop_down.selection.as_deref(), Some("High"));
    assert_eq!(drop_down.options, ["Low", "High"]);
    assert!(fields[4].read_only);
    assert_eq!(
        fields[4].value,
        FieldValue::ApproveReject(ApprovalState {
            approved: Some(false),
            reason: "no".into()
        })
    );
    let FieldValue::Other(xml) = &fields[5].value else {
        panic!("other");
    };
    assert!(
        xml.starts_with("<field xsi:type=\"rule_decommission\">"),
        "{xml}"
    );
    assert_eq!(ticket.comments[0].content, "hi");
    assert_eq!(ticket.comments[0].kind, "COMMENT");
}

#[test]
fn json_ticket_matches_xml_ticket() {
    let json = r#"{"ticket":{"id":1001,"subject":"Web farm","requester":"jdoe","priority":"Normal",
      "status":"In Progress","workflow":{"id":12,"name":"Access Request"},
      "steps":{"step":{"id":3003,"name":"Risk Review","redone":false,"skipped":false,
        "tasks":{"task":{"id":4003,"assignee":"secops","status":"ASSIGNED","fields":{"field":[
          {"@xsi.type":"text_field","id":2,"name":"Risk Score","text":""},
          {"@xsi.type":"checkbox","id":3,"name":"Reviewed","value":true}]}}}}},
      "current_step":{"id":3003,"name":"Risk Review"},"comments":""}}"#;
    let ticket = ticket_from_json(json).expect("parses");
    assert_eq!(ticket.id, 1001);
    assert_eq!(ticket.steps.len(), 1);
    let fields = &ticket.steps[0].tasks[0].fields;
    assert_eq!(fields[0].field_type, "text_field");
    assert_eq!(fields[1].value, FieldValue::Checkbox(Some(true)));
    assert_eq!(ticket.current_step.map(|s| s.id), Some(3003));
    assert!(ticket.comments.is_empty());
}

#[test]
fn closed_ticket_has_no_current_step() {
    let closed = XML.replace(
        "<current_step><id>3003</id><name>Risk Review</name></current_step>",
        "",
    );
    let ticket = ticket_from_xml(&closed).expect("parses");
    assert!(ticket.current().is_none());
}

#[test]
fn bad_ids_are_named() {
    let message = ticket_from_xml("<ticket><id>x1</id></ticket>")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("<id>") && message.contains("`x1`"),
        "{message}"
    );
    let wrong = ticket_from_xml("<result><code>X</code></result>")
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        wrong.as_deref(),
        Some("expected a <ticket> document, got <result>")
    );
}

#[test]
fn shared_fixture_ticket_parses_when_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/fixtures/securechange/pytos/ticket.xml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is absent");
        return;
    };
    let ticket = ticket_from_xml(&text).expect("shared ticket.xml parses");
    assert_eq!(ticket.id, 445);
    assert_eq!(ticket.steps.len(), 3);
    let current = ticket.current().expect("current step");
    assert_eq!(current.name, "Technical Design");
    let names: Vec<&str> = current.tasks[0]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["Required Access", "text field"]);
}
