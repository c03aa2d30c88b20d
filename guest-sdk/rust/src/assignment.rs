//! Constructors for the tasks a dynamic-assignment hook returns.

use crate::{AssignmentMode, TaskAssignment};

impl TaskAssignment {
    /// Creates a task named `name` with self-assignment, no participants and
    /// no access requests.
    pub fn new(name: impl Into<String>) -> Self {
        TaskAssignment {
            name: name.into(),
            participants: Vec::new(),
            mode: AssignmentMode::SelfAssignment,
            access_request_ids: Vec::new(),
        }
    }

    /// Adds a participant by SecureChange login.
    #[must_use]
    pub fn participant(mut self, login: impl Into<String>) -> Self {
        self.participants.push(login.into());
        self
    }

    /// Adds participants by SecureChange login.
    #[must_use]
    pub fn participants<I>(mut self, logins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.participants.extend(logins.into_iter().map(Into::into));
        self
    }

    /// Switches the task to manual assignment: the user with login
    /// `assigner` picks the handler from the participants.
    #[must_use]
    pub fn manual(mut self, assigner: impl Into<String>) -> Self {
        self.mode = AssignmentMode::Manual(assigner.into());
        self
    }

    /// Adds an access request of the current step to the task.
    #[must_use]
    pub fn access_request(mut self, id: u64) -> Self {
        self.access_request_ids.push(id);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sets_every_part() {
        let task = TaskAssignment::new("PCI review")
            .participant("alice")
            .participants(["bob", "carol"])
            .manual("dave")
            .access_request(61709);
        assert_eq!(task.name, "PCI review");
        assert_eq!(task.participants, ["alice", "bob", "carol"]);
        assert_eq!(task.mode, AssignmentMode::Manual("dave".into()));
        assert_eq!(task.access_request_ids, [61709]);
    }

    #[test]
    fn new_task_uses_self_assignment() {
        assert_eq!(
            TaskAssignment::new("x").mode,
            AssignmentMode::SelfAssignment
        );
    }
}
