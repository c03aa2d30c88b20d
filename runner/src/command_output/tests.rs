use super::*;

fn outcome(text: &str) -> Outcome {
    match parse(text.as_bytes()).expect("valid output") {
        CommandOutput::Outcome(outcome) => outcome,
        CommandOutput::Condition(value) => panic!("expected an outcome, got condition {value}"),
    }
}

fn error(text: &str) -> String {
    parse(text.as_bytes())
        .expect_err("invalid output")
        .to_string()
}

fn update(field: &str, value: FieldInput) -> FieldUpdate {
    FieldUpdate {
        field: field.to_string(),
        value,
    }
}

#[test]
fn empty_output_is_no_change() {
    assert_eq!(outcome(""), empty_outcome());
    assert_eq!(outcome(" \n\t\n"), empty_outcome());
}

#[test]
fn every_field_type_maps_to_field_input() {
    let parsed = outcome(concat!(
        "<?xml version=\"1.0\"?>\n<hook_result>\n",
        "<field name=\"Score\">42</field>\n",
        "<field name=\"Notes\" type=\"text\">a &amp; b</field>\n",
        "<field name=\"Link\" type=\"hyperlink\">https://example.com/x</field>\n",
        "<field name=\"Reviewed\" type=\"checkbox\">false</field>\n",
        "<field name=\"Review Date\" type=\"date\">2026-12-04</field>\n",
        "<field name=\"Start\" type=\"time\">22:30</field>\n",
        "<field name=\"Level\" type=\"drop_down\">High</field>\n",
        "<field name=\"Regions\" type=\"multiple_selection\"><value>EU</value><value>US</value></field>\n",
        "<field name=\"Hosts\" type=\"multi_text\"><value>a</value></field>\n",
        "<field name=\"Approval\" type=\"approve_reject\" approved=\"true\">fine</field>\n",
        "<comment><![CDATA[<b>checked</b>]]></comment>\n",
        "</hook_result>\n",
    ));
    let expected = vec![
        update("Score", FieldInput::Text("42".into())),
        update("Notes", FieldInput::Text("a & b".into())),
        update(
            "Link",
            FieldInput::Hyperlink("https://example.com/x".into()),
        ),
        update("Reviewed", FieldInput::Checkbox(false)),
        update("Review Date", FieldInput::Date("2026-12-04".into())),
        update("Start", FieldInput::Time("22:30".into())),
        update("Level", FieldInput::DropDown("High".into())),
        update(
            "Regions",
            FieldInput::MultipleSelection(vec!["EU".into(), "US".into()]),
        ),
        update("Hosts", FieldInput::MultiText(vec!["a".into()])),
        update(
            "Approval",
            FieldInput::ApproveReject(Approval {
                approved: true,
                reason: "fine".into(),
            }),
        ),
    ];
    assert_eq!(parsed.field_updates, expected);
    assert_eq!(parsed.comments, ["<b>checked</b>"]);
}

#[test]
fn empty_list_and_empty_text_are_values() {
    let parsed = outcome(
        "<hook_result><field name=\"Hosts\" type=\"multi_text\"/><field name=\"N\"/></hook_result>",
    );
    assert_eq!(
        parsed.field_updates,
        [
            update("Hosts", FieldInput::MultiText(Vec::new())),
            update("N", FieldInput::Text(String::new())),
        ]
    );
}

#[test]
fn condition_result_is_read() {
    let parsed = parse(b"<response><condition_result>true</condition_result></response>\n");
    assert_eq!(parsed.expect("valid"), CommandOutput::Condition(true));
    let parsed = parse(b"<response><condition_result>false</condition_result></response>");
    assert_eq!(parsed.expect("valid"), CommandOutput::Condition(false));
}

#[test]
fn condition_needs_one_boolean() {
    let missing = error("<response></response>");
    assert!(
        missing.contains("exactly one <condition_result>, found 0"),
        "{missing}"
    );
    let twice = error(concat!(
        "<response><condition_result>true</condition_result>",
        "<condition_result>false</condition_result></response>"
    ));
    assert!(twice.contains("found 2"), "{twice}");
    let word = error("<response><condition_result>yes</condition_result></response>");
    assert!(word.contains("`yes`; expected true or false"), "{word}");
}

#[test]
fn plain_text_output_is_rejected() {
    let message = error("done, score 42\n");
    assert!(message.contains("not a valid result"), "{message}");
}

#[test]
fn other_root_is_rejected() {
    let message = error("<tasks><task/></tasks>");
    assert!(message.contains("the root element is <tasks>"), "{message}");
    assert!(message.contains("<hook_result>"), "{message}");
}

#[test]
fn unknown_elements_and_attributes_are_rejected() {
    let cases = [
        (
            "<hook_result><feild name=\"A\">1</feild></hook_result>",
            "unknown element <feild>",
        ),
        (
            "<hook_result kind=\"x\"/>",
            "unknown attribute `kind` on <hook_result>",
        ),
        (
            "<hook_result><field name=\"A\" xsi:type=\"text\">1</field></hook_result>",
            "unknown attribute `xsi:type`",
        ),
        (
            "<hook_result><comment lang=\"en\">x</comment></hook_result>",
            "unknown attribute `lang`",
        ),
        (
            "<hook_result>stray<comment>x</comment></hook_result>",
            "contains text outside",
        ),
        (
            "<hook_result><comment><b>x</b></comment></hook_result>",
            "may contain only text, not <b>",
        ),
    ];
    for (text, expected) in cases {
        let message = error(text);
        assert!(message.contains(expected), "{text}: {message}");
    }
}

#[test]
fn field_errors_name_the_field() {
    let cases = [
        ("<field>1</field>", "has no name attribute"),
        ("<field name=\" \">1</field>", "has no name attribute"),
        (
            "<field name=\"A\" type=\"number\">1</field>",
            "field `A`: unknown type `number`; expected one of text,",
        ),
        (
            "<field name=\"A\" type=\"checkbox\">yes</field>",
            "field `A`: a checkbox value is `yes`",
        ),
        (
            "<field name=\"A\" type=\"approve_reject\">why</field>",
            "field `A`: type=\"approve_reject\" needs approved=",
        ),
        (
            "<field name=\"A\" type=\"approve_reject\" approved=\"1\">why</field>",
            "the approved attribute is `1`",
        ),
        (
            "<field name=\"A\" approved=\"true\">x</field>",
            "field `A`: the approved attribute belongs to",
        ),
        (
            "<field name=\"A\" type=\"multi_text\">a, b</field>",
            "field `A`: a list value goes in <value> elements",
        ),
        (
            "<field name=\"A\" type=\"multi_text\"><item>a</item></field>",
            "field `A`: unexpected <item>",
        ),
        (
            "<field name=\"A\"><value>a</value></field>",
            "field `A`: <field> may contain only text",
        ),
    ];
    for (field, expected) in cases {
        let text = format!("<hook_result>{field}</hook_result>");
        let message = error(&text);
        assert!(message.contains(expected), "{field}: {message}");
    }
}

#[test]
fn malformed_and_hostile_xml_is_rejected() {
    let unclosed = error("<hook_result><comment>x</comment>");
    assert!(unclosed.contains("is not closed"), "{unclosed}");
    let doctype = error("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><hook_result/>");
    assert!(doctype.contains("DOCTYPE"), "{doctype}");
    let deep = format!(
        "<hook_result>{}{}</hook_result>",
        "<a>".repeat(200),
        "</a>".repeat(200)
    );
    assert!(error(&deep).contains("nested deeper"));
    let binary = parse(&[0xff, 0xfe, b'<']).expect_err("invalid").to_string();
    assert!(binary.contains("not UTF-8"), "{binary}");
}
