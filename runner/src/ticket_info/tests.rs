use super::*;

const FULL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ticket_info>
  <id>1001</id>
  <subject>Open 443 to the web farm</subject>
  <createDate>1717171717000</createDate>
  <updateDate>1717171718000</updateDate>
  <priority><id>2</id><name>Normal</name></priority>
  <requester><id>7</id><login>jdoe</login><display_name>Jane Doe</display_name></requester>
  <open_request_stage><id>3001</id><name>Open Request</name></open_request_stage>
  <current_stage>
    <id>3003</id><name>Risk Review</name>
    <ticket_task><id>4003</id><name>Risk Review</name>
      <handler><id>9</id><login>secops</login><display_name>Sec Ops</display_name></handler>
    </ticket_task>
  </current_stage>
  <comment>please hurry</comment>
  <unknown_element><nested>x</nested></unknown_element>
</ticket_info>"#;

fn ticket(input: &str) -> TicketInfo {
    match parse(input.as_bytes()) {
        Ok(TicketInfoDocument::Ticket(info)) => *info,
        other => panic!("expected a ticket, got {other:?}"),
    }
}

fn error(input: &[u8]) -> String {
    match parse(input) {
        Ok(document) => panic!("accepted: {document:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn full_document_parses() {
    let info = ticket(FULL);
    assert_eq!(info.id, 1001);
    assert_eq!(info.subject, "Open 443 to the web farm");
    assert_eq!(info.create_date, Some(1_717_171_717_000));
    assert_eq!(
        info.priority.as_ref().map(|p| p.name.as_str()),
        Some("Normal")
    );
    assert_eq!(
        info.requester.as_ref().map(|r| r.login.as_str()),
        Some("jdoe")
    );
    let stage = info.current_stage.expect("current stage");
    assert_eq!((stage.id, stage.name.as_str()), (3003, "Risk Review"));
    let task = stage.task.expect("task");
    assert_eq!(task.id, 4003);
    assert_eq!(
        task.handler.map(|h| h.display_name),
        Some("Sec Ops".to_string())
    );
    assert_eq!(info.comment.as_deref(), Some("please hurry"));
    assert!(info.completion_stage.is_none());
    assert!(info.raw_xml.contains("<unknown_element>"));
}

#[test]
fn completion_data_parses() {
    let info = ticket(
        "<ticket_info><id>5</id><completion_data><stage><id>9</id><name>Done</name></stage></completion_data></ticket_info>",
    );
    assert_eq!(
        info.completion_stage.map(|s| s.name),
        Some("Done".to_string())
    );
    assert!(info.current_stage.is_none());
}

#[test]
fn repeated_stage_keeps_first() {
    let info = ticket(
        "<ticket_info><id>1</id><current_stage><id>1</id><name>A</name></current_stage>\
         <open_request_stage><id>2</id><name>O</name></open_request_stage>\
         <current_stage><id>5</id><name>B</name></current_stage></ticket_info>",
    );
    assert_eq!(info.current_stage.map(|s| s.name), Some("A".to_string()));
}

#[test]
fn bom_and_non_ascii_parse() {
    let input =
        "\u{feff}<ticket_info><id>7</id><subject>Zugriff für Möller – 東京</subject></ticket_info>";
    assert_eq!(ticket(input).subject, "Zugriff für Möller – 東京");
}

#[test]
fn missing_optional_elements_are_none() {
    let info = ticket("<ticket_info><id>3</id></ticket_info>");
    assert_eq!(info.subject, "");
    assert!(info.priority.is_none());
    assert!(info.create_date.is_none());
    assert!(info.requester.is_none());
}

#[test]
fn empty_element_is_test_document() {
    assert_eq!(
        parse(b"<ticket_info/>").ok(),
        Some(TicketInfoDocument::Empty)
    );
    assert_eq!(
        parse(b"<?xml version=\"1.0\"?>\n<ticket_info>\n</ticket_info>\n").ok(),
        Some(TicketInfoDocument::Empty)
    );
}

#[test]
fn bad_input_is_named() {
    assert!(error(b"").starts_with("is empty"));
    assert!(error(b" \n").starts_with("is empty"));
    assert!(error(b"<ticket_info><id>1</id>").contains("not well-formed"));
    assert!(error(b"<ticket><id>1</id></ticket>").contains("<ticket>, expected <ticket_info>"));
    assert!(error(b"<ticket_info><id>12a</id></ticket_info>").contains("`12a`"));
    assert!(error(b"<ticket_info><id>\xff</id></ticket_info>").contains("UTF-8"));
    assert!(
        error(b"<ticket_info><id>1</id><createDate>soon</createDate></ticket_info>")
            .contains("<createDate>")
    );
}

#[test]
fn content_after_the_root_is_rejected() {
    let second =
        error(b"<ticket_info><id>1</id></ticket_info><ticket_info><id>2</id></ticket_info>");
    assert!(
        second.contains("second root element <ticket_info>"),
        "{second}"
    );
    let text = error(b"<ticket_info><id>1</id></ticket_info>\ntrailing words");
    assert!(text.contains("text outside the root element"), "{text}");
    assert!(parse(b"<ticket_info><id>1</id></ticket_info>\n<!-- done -->\n").is_ok());
}

#[test]
fn external_entity_is_rejected() {
    let input = b"<!DOCTYPE t [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ticket_info><id>1</id><subject>&e;</subject></ticket_info>";
    assert!(error(input).contains("DOCTYPE"));
}

#[test]
fn shared_fixture_parses_when_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/fixtures/securechange/pytos/ticket_info.xml"
    );
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("skipped: {path} is absent");
        return;
    };
    match parse(&bytes) {
        Ok(TicketInfoDocument::Ticket(info)) => {
            assert_eq!(info.id, 1);
            let stage = info.current_stage.expect("current stage");
            assert_eq!(stage.name, "Current Step Name");
            assert_eq!(
                info.open_request_stage.map(|s| s.name),
                Some("Open Request Step Name".to_string())
            );
        }
        other => panic!("shared ticket_info.xml: {other:?}"),
    }
}

#[test]
fn conflicting_ticket_ids_are_rejected() {
    let error = parse(b"<ticket_info><id>1001</id><id>1002</id></ticket_info>")
        .expect_err("ambiguous ticket");
    assert!(
        matches!(&error, TicketInfoError::Conflicting { element, .. } if element == "id"),
        "{error:?}"
    );
    let same = parse(b"<ticket_info><id>7</id><id> 7 </id></ticket_info>");
    assert!(matches!(same, Ok(TicketInfoDocument::Ticket(info)) if info.id == 7));
}
