//! XML request bodies for field writes and comments, in the form the
//! SecureChange API reads: `<field xsi:type="...">` with the type's value
//! elements.

use quick_xml::escape::escape;

use crate::bindings::FieldInput;

use super::plan::FieldWrite;

const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Builds the `<fields>` body for one task.
pub fn fields_body(fields: &[FieldWrite]) -> String {
    let mut body = String::from("<fields>");
    for field in fields {
        body.push_str(&field_element(field));
    }
    body.push_str("</fields>");
    body
}

/// Builds the `<comment>` body.
pub fn comment_body(content: &str) -> String {
    format!("<comment><content>{}</content></comment>", escape(content))
}

fn field_element(field: &FieldWrite) -> String {
    format!(
        "<field xmlns:xsi=\"{XSI_NAMESPACE}\" xsi:type=\"{}\"><id>{}</id><name>{}</name>{}</field>",
        escape(&field.field_type),
        field.id,
        escape(&field.name),
        value_elements(&field.field_type, &field.value)
    )
}

fn value_elements(field_type: &str, value: &FieldInput) -> String {
    let tag = |name: &str, text: &str| format!("<{name}>{}</{name}>", escape(text));
    match value {
        FieldInput::Text(text) => tag("text", text),
        FieldInput::Hyperlink(url) => tag("url", url),
        FieldInput::Checkbox(checked) => tag("value", if *checked { "true" } else { "false" }),
        FieldInput::Date(date) => tag("value", date),
        FieldInput::Time(time) => tag("value", time),
        FieldInput::DropDown(choice) => tag("selection", choice),
        FieldInput::MultipleSelection(choices) => {
            let items: String = choices
                .iter()
                .map(|choice| {
                    format!(
                        "<selected_option>{}</selected_option>",
                        tag("value", choice)
                    )
                })
                .collect();
            format!("<selected_options>{items}</selected_options>")
        }
        FieldInput::ApproveReject(approval) => format!(
            "{}{}",
            tag("approved", if approval.approved { "true" } else { "false" }),
            tag("reason", &approval.reason)
        ),
        FieldInput::MultiText(items) => {
            let (element, inner) = match field_type {
                "multi_hyperlink" => ("hyperlink", "url"),
                "multi_text_area" => ("text_area", "text"),
                _ => ("text_field", "text"),
            };
            items
                .iter()
                .map(|item| format!("<{element}>{}</{element}>", tag(inner, item)))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::Approval;

    fn write(field_type: &str, value: FieldInput) -> FieldWrite {
        FieldWrite {
            id: 7,
            name: "A & B".into(),
            field_type: field_type.into(),
            value,
        }
    }

    #[test]
    fn text_is_escaped() {
        let body = fields_body(&[write("text_area", FieldInput::Text("<x> & \"y\"".into()))]);
        assert_eq!(
            body,
            "<fields><field xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:type=\"text_area\"><id>7</id><name>A &amp; B</name>\
             <text>&lt;x&gt; &amp; &quot;y&quot;</text></field></fields>"
        );
    }

    #[test]
    fn each_type_has_its_elements() {
        let cases = [
            (
                write("checkbox", FieldInput::Checkbox(true)),
                "<value>true</value>",
            ),
            (
                write("date", FieldInput::Date("2026-12-04".into())),
                "<value>2026-12-04</value>",
            ),
            (
                write("drop_down_list", FieldInput::DropDown("High".into())),
                "<selection>High</selection>",
            ),
            (
                write(
                    "multiple_selection",
                    FieldInput::MultipleSelection(vec!["a".into()]),
                ),
                "<selected_options><selected_option><value>a</value></selected_option></selected_options>",
            ),
            (
                write(
                    "approve_reject",
                    FieldInput::ApproveReject(Approval {
                        approved: false,
                        reason: "risky".into(),
                    }),
                ),
                "<approved>false</approved><reason>risky</reason>",
            ),
            (
                write("multi_text_area", FieldInput::MultiText(vec!["x".into()])),
                "<text_area><text>x</text></text_area>",
            ),
            (
                write("hyperlink", FieldInput::Hyperlink("https://a/".into())),
                "<url>https://a/</url>",
            ),
        ];
        for (field, expected) in cases {
            let body = fields_body(std::slice::from_ref(&field));
            assert!(body.contains(expected), "{}: {body}", field.field_type);
        }
    }

    #[test]
    fn comment_is_escaped() {
        assert_eq!(
            comment_body("a<b"),
            "<comment><content>a&lt;b</content></comment>"
        );
    }
}
