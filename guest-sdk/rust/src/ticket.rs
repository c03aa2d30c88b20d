//! Lookup helpers on the ticket types.

use crate::{AccessRequest, ApprovalState, Field, FieldValue, Step, Task, Ticket, TicketInfo};

impl TicketInfo {
    /// Returns the name of the step the event happened on, if SecureChange
    /// sent one.
    ///
    /// On ADVANCE this is the step being left, and the ticket may already be
    /// on the next one.
    pub fn current_stage_name(&self) -> Option<&str> {
        self.current_stage.as_ref().map(|stage| stage.name.as_str())
    }
}

impl Ticket {
    /// Returns the step the ticket is on, or `None` once the ticket is
    /// closed, cancelled or rejected.
    ///
    /// The step is matched by id, then by name when no step has that id.
    pub fn current_step(&self) -> Option<&Step> {
        let current = self.current_step.as_ref()?;
        self.steps
            .iter()
            .find(|step| step.id == current.id)
            .or_else(|| self.step(&current.name))
    }

    /// Returns the last step named `name`.
    ///
    /// A ticket whose step was redone lists that step once per run, so the
    /// last one is the latest run.
    pub fn step(&self, name: &str) -> Option<&Step> {
        self.steps.iter().rev().find(|step| step.name == name)
    }

    /// Returns the fields of every task of the current step, or no fields
    /// when the ticket has no current step.
    pub fn current_fields(&self) -> impl Iterator<Item = &Field> {
        self.current_step().into_iter().flat_map(Step::fields)
    }

    /// Returns the first field named `name` on the current step.
    pub fn current_field(&self, name: &str) -> Option<&Field> {
        self.current_step()?.field(name)
    }

    /// Returns the access requests of the current step, each once, in the
    /// order they first appear. A step with several tasks repeats its
    /// `multi_access_request` field on every task.
    pub fn current_access_requests(&self) -> Vec<&AccessRequest> {
        let mut requests: Vec<&AccessRequest> = Vec::new();
        let rows = self
            .current_fields()
            .filter_map(Field::access_requests)
            .flatten();
        for request in rows {
            if !requests.iter().any(|seen| seen.id == request.id) {
                requests.push(request);
            }
        }
        requests
    }
}

impl Step {
    /// Returns the fields of every task of the step, task by task.
    ///
    /// A step with several tasks (dynamic assignment) usually repeats each
    /// field on every task.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.tasks.iter().flat_map(|task| task.fields.iter())
    }

    /// Returns the first field named `name` in any task of the step.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields().find(|field| field.name == name)
    }
}

impl Task {
    /// Returns the field named `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }
}

/// Typed views of a field's value. Each returns `None` when the value is of
/// another kind, so `field.text()` on a checkbox is `None`.
impl FieldValue {
    /// Returns the text of a `text_field`, `text_area` or `manager` field.
    pub fn text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the URL of a `hyperlink` field.
    pub fn hyperlink(&self) -> Option<&str> {
        match self {
            FieldValue::Hyperlink(url) => Some(url),
            _ => None,
        }
    }

    /// Returns the state of a checkbox, or `None` when it was never set.
    pub fn checkbox(&self) -> Option<bool> {
        match self {
            FieldValue::Checkbox(checked) => *checked,
            _ => None,
        }
    }

    /// Returns the `YYYY-MM-DD` date of a date field, or `None` when it is
    /// empty.
    pub fn date(&self) -> Option<&str> {
        match self {
            FieldValue::Date(date) => date.as_deref(),
            _ => None,
        }
    }

    /// Returns the `HH:MM` time of a time field, or `None` when it is empty.
    pub fn time(&self) -> Option<&str> {
        match self {
            FieldValue::Time(time) => time.as_deref(),
            _ => None,
        }
    }

    /// Returns the selected option of a drop-down list, or `None` when
    /// nothing is selected.
    pub fn selection(&self) -> Option<&str> {
        match self {
            FieldValue::DropDown(drop_down) => drop_down.selection.as_deref(),
            _ => None,
        }
    }

    /// Returns the selected options of a multiple-selection field.
    pub fn selected(&self) -> Option<&[String]> {
        match self {
            FieldValue::MultipleSelection(selection) => Some(&selection.selected),
            _ => None,
        }
    }

    /// Returns the state of an approve/reject field.
    pub fn approval(&self) -> Option<&ApprovalState> {
        match self {
            FieldValue::ApproveReject(state) => Some(state),
            _ => None,
        }
    }

    /// Returns the values of a `multi_text_field`, `multi_text_area` or
    /// `multi_hyperlink` field.
    pub fn multi_text(&self) -> Option<&[String]> {
        match self {
            FieldValue::MultiText(values) => Some(values),
            _ => None,
        }
    }

    /// Returns the rows of a `multi_access_request` field.
    pub fn access_requests(&self) -> Option<&[AccessRequest]> {
        match self {
            FieldValue::AccessRequests(requests) => Some(requests),
            _ => None,
        }
    }
}

/// Shortcuts to the typed views of [`FieldValue`].
impl Field {
    /// Returns the text of a `text_field`, `text_area` or `manager` field.
    pub fn text(&self) -> Option<&str> {
        self.value.text()
    }

    /// Returns the URL of a `hyperlink` field.
    pub fn hyperlink(&self) -> Option<&str> {
        self.value.hyperlink()
    }

    /// Returns the state of a checkbox, or `None` when it was never set.
    pub fn checkbox(&self) -> Option<bool> {
        self.value.checkbox()
    }

    /// Returns the `YYYY-MM-DD` date of a date field.
    pub fn date(&self) -> Option<&str> {
        self.value.date()
    }

    /// Returns the `HH:MM` time of a time field.
    pub fn time(&self) -> Option<&str> {
        self.value.time()
    }

    /// Returns the selected option of a drop-down list.
    pub fn selection(&self) -> Option<&str> {
        self.value.selection()
    }

    /// Returns the selected options of a multiple-selection field.
    pub fn selected(&self) -> Option<&[String]> {
        self.value.selected()
    }

    /// Returns the state of an approve/reject field.
    pub fn approval(&self) -> Option<&ApprovalState> {
        self.value.approval()
    }

    /// Returns the values of a multi-text field.
    pub fn multi_text(&self) -> Option<&[String]> {
        self.value.multi_text()
    }

    /// Returns the rows of a `multi_access_request` field.
    pub fn access_requests(&self) -> Option<&[AccessRequest]> {
        self.value.access_requests()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DropDown, NamedRef};

    fn field(name: &str, value: FieldValue) -> Field {
        Field {
            id: 0,
            name: name.into(),
            field_type: "text_field".into(),
            read_only: false,
            value,
        }
    }

    fn task(id: u64, fields: Vec<Field>) -> Task {
        Task {
            id,
            name: "Default".into(),
            status: "ASSIGNED".into(),
            assignee: "a.smith".into(),
            fields,
        }
    }

    fn step(id: u64, name: &str, tasks: Vec<Task>) -> Step {
        Step {
            id,
            name: name.into(),
            redone: false,
            skipped: false,
            tasks,
        }
    }

    fn ticket(steps: Vec<Step>, current: Option<(u64, &str)>) -> Ticket {
        Ticket {
            id: 42,
            subject: "Open port 443".into(),
            status: "In Progress".into(),
            priority: "Normal".into(),
            requester: "r.jones".into(),
            workflow: NamedRef {
                id: 1,
                name: "Access".into(),
            },
            steps,
            current_step: current.map(|(id, name)| NamedRef {
                id,
                name: name.into(),
            }),
            comments: Vec::new(),
        }
    }

    fn text(name: &str, value: &str) -> Field {
        field(name, FieldValue::Text(value.into()))
    }

    #[test]
    fn current_step_matches_by_id() {
        let ticket = ticket(
            vec![step(1, "Request", vec![]), step(2, "Review", vec![])],
            Some((2, "Renamed")),
        );
        let current = ticket.current_step().map(|step| step.id);
        assert_eq!(current, Some(2));
    }

    #[test]
    fn current_step_falls_back_to_name() {
        let ticket = ticket(
            vec![step(1, "Request", vec![]), step(2, "Review", vec![])],
            Some((99, "Request")),
        );
        let current = ticket.current_step().map(|step| step.id);
        assert_eq!(current, Some(1));
    }

    #[test]
    fn current_step_none_when_closed() {
        let ticket = ticket(vec![step(1, "Request", vec![])], None);
        assert!(ticket.current_step().is_none());
        assert_eq!(ticket.current_fields().count(), 0);
        assert!(ticket.current_field("Anything").is_none());
    }

    #[test]
    fn step_by_name_returns_latest_run() {
        let ticket = ticket(
            vec![
                step(1, "Review", vec![]),
                step(2, "Implement", vec![]),
                step(3, "Review", vec![]),
            ],
            Some((3, "Review")),
        );
        assert_eq!(ticket.step("Review").map(|step| step.id), Some(3));
        assert_eq!(ticket.step("Implement").map(|step| step.id), Some(2));
        assert!(ticket.step("Missing").is_none());
    }

    #[test]
    fn step_field_searches_every_task() {
        let review = step(
            2,
            "Review",
            vec![
                task(10, vec![text("Owner", "net-team")]),
                task(11, vec![text("Owner", "sec-team"), text("Notes", "ok")]),
            ],
        );
        assert_eq!(
            review.field("Owner").and_then(Field::text),
            Some("net-team")
        );
        assert_eq!(review.field("Notes").and_then(Field::text), Some("ok"));
        assert!(review.field("Missing").is_none());
        assert_eq!(review.fields().count(), 3);
    }

    #[test]
    fn task_field_by_name() {
        let task = task(10, vec![text("Owner", "net-team"), text("Notes", "")]);
        assert_eq!(task.field("Notes").and_then(Field::text), Some(""));
        assert!(task.field("owner").is_none(), "names are case-sensitive");
    }

    #[test]
    fn current_fields_of_current_step() {
        let ticket = ticket(
            vec![
                step(1, "Request", vec![task(1, vec![text("Reason", "audit")])]),
                step(2, "Review", vec![task(2, vec![text("Owner", "net-team")])]),
            ],
            Some((2, "Review")),
        );
        let names: Vec<&str> = ticket
            .current_fields()
            .map(|field| field.name.as_str())
            .collect();
        assert_eq!(names, ["Owner"]);
        assert_eq!(
            ticket.current_field("Owner").and_then(Field::text),
            Some("net-team")
        );
        assert!(ticket.current_field("Reason").is_none());
    }

    #[test]
    fn typed_views_match_their_kind_only() {
        let checkbox = field("Approved", FieldValue::Checkbox(Some(true)));
        assert_eq!(checkbox.checkbox(), Some(true));
        assert_eq!(checkbox.text(), None);

        let unset = field("Approved", FieldValue::Checkbox(None));
        assert_eq!(unset.checkbox(), None);

        let drop_down = field(
            "Level",
            FieldValue::DropDown(DropDown {
                selection: Some("High".into()),
                options: vec!["Low".into(), "High".into()],
            }),
        );
        assert_eq!(drop_down.selection(), Some("High"));
        assert_eq!(drop_down.date(), None);

        let date = field("Due", FieldValue::Date(Some("2025-01-31".into())));
        assert_eq!(date.date(), Some("2025-01-31"));

        let requests = field("Access", FieldValue::AccessRequests(Vec::new()));
        assert_eq!(requests.access_requests().map(<[_]>::len), Some(0));
        assert!(date.access_requests().is_none());

        let lines = field("Hosts", FieldValue::MultiText(vec!["a".into()]));
        assert_eq!(lines.multi_text(), Some(&["a".to_owned()][..]));
    }

    fn request(id: u64) -> AccessRequest {
        AccessRequest {
            id,
            order: format!("AR{id}"),
            action: "Accept".into(),
            sources: Vec::new(),
            destinations: Vec::new(),
            services: Vec::new(),
            targets: Vec::new(),
            users: Vec::new(),
            comment: String::new(),
        }
    }

    #[test]
    fn current_access_requests_once_each() {
        let requests = |ids: &[u64]| {
            field(
                "Required Access",
                FieldValue::AccessRequests(ids.iter().copied().map(request).collect()),
            )
        };
        let old = step(1, "Open", vec![task(1, vec![requests(&[7])])]);
        let current = step(
            2,
            "Review",
            vec![
                task(2, vec![requests(&[10, 11])]),
                task(3, vec![requests(&[11, 12])]),
            ],
        );
        let ticket = ticket(vec![old, current], Some((2, "Review")));
        let ids: Vec<u64> = ticket
            .current_access_requests()
            .iter()
            .map(|request| request.id)
            .collect();
        assert_eq!(ids, [10, 11, 12]);
        let closed = Ticket {
            current_step: None,
            ..ticket
        };
        assert!(closed.current_access_requests().is_empty());
    }
}
