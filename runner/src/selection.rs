//! Picks the hooks bound to an event, optionally narrowed by workflow and step
//! name. Names are compared without regard to case or surrounding space,
//! because admins copy them from the SecureChange UI by hand.

use crate::bindings::{Event, TicketInfo};
use crate::config::HookConfig;

/// Returns true when some hook for `event` is limited to workflows, so the
/// ticket's workflow name must be fetched from the API.
pub fn needs_workflow(hooks: &[HookConfig], event: Event) -> bool {
    hooks
        .iter()
        .any(|hook| hook.events.contains(&event) && !hook.workflows.is_empty())
}

/// Returns the hooks to run, in configuration order.
pub fn select<'a>(
    hooks: &'a [HookConfig],
    event: Event,
    info: &TicketInfo,
    workflow: Option<&str>,
) -> Vec<&'a HookConfig> {
    let step = info
        .current_stage
        .as_ref()
        .map(|stage| stage.name.as_str())
        .or_else(|| {
            info.completion_stage
                .as_ref()
                .map(|stage| stage.name.as_str())
        });
    hooks
        .iter()
        .filter(|hook| hook.events.contains(&event))
        .filter(|hook| matches_any(&hook.steps, step))
        .filter(|hook| matches_any(&hook.workflows, workflow))
        .collect()
}

fn matches_any(names: &[String], actual: Option<&str>) -> bool {
    if names.is_empty() {
        return true;
    }
    let Some(actual) = actual else {
        return false;
    };
    names
        .iter()
        .any(|name| name.trim().eq_ignore_ascii_case(actual.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::{NamedRef, Stage};

    fn hook(name: &str, events: Vec<Event>, workflows: &[&str], steps: &[&str]) -> HookConfig {
        HookConfig {
            name: name.into(),
            kind: crate::config::ScriptKind::Event,
            component: "x.wasm".into(),
            events,
            workflows: workflows.iter().map(|s| s.to_string()).collect(),
            steps: steps.iter().map(|s| s.to_string()).collect(),
            settings: Default::default(),
            write_if_step_changed: false,
            policy: None,
            sha256: None,
        }
    }

    fn info(step: Option<&str>, completed: Option<&str>) -> TicketInfo {
        TicketInfo {
            id: 1,
            subject: String::new(),
            priority: None,
            create_date: None,
            update_date: None,
            requester: None,
            open_request_stage: None,
            current_stage: step.map(|name| Stage {
                id: 1,
                name: name.into(),
                task: None,
            }),
            completion_stage: completed.map(|name| NamedRef {
                id: 2,
                name: name.into(),
            }),
            comment: None,
            raw_xml: String::new(),
        }
    }

    fn names(selected: Vec<&HookConfig>) -> Vec<&str> {
        selected.iter().map(|hook| hook.name.as_str()).collect()
    }

    #[test]
    fn event_step_and_workflow_filter() {
        let hooks = vec![
            hook("any", vec![Event::Advance], &[], &[]),
            hook("close", vec![Event::Close], &[], &[]),
            hook("review", vec![Event::Advance], &[], &["Risk Review"]),
            hook("ar", vec![Event::Advance], &["Access Request"], &[]),
        ];
        let ticket = info(Some(" risk review"), None);
        assert_eq!(
            names(select(&hooks, Event::Advance, &ticket, None)),
            ["any", "review"]
        );
        assert_eq!(
            names(select(
                &hooks,
                Event::Advance,
                &ticket,
                Some("ACCESS REQUEST")
            )),
            ["any", "review", "ar"]
        );
        assert_eq!(
            names(select(&hooks, Event::Close, &ticket, None)),
            ["close"]
        );
        assert!(needs_workflow(&hooks, Event::Advance));
        assert!(!needs_workflow(&hooks, Event::Close));
    }

    #[test]
    fn completion_stage_counts_as_step() {
        let hooks = vec![hook("done", vec![Event::Close], &[], &["Done"])];
        assert_eq!(
            names(select(
                &hooks,
                Event::Close,
                &info(None, Some("Done")),
                None
            )),
            ["done"]
        );
        assert!(select(&hooks, Event::Close, &info(None, None), None).is_empty());
    }
}
