//! Turns an assessment into the outcome that the host writes to the ticket.

use hook_runner_guest::{FieldInput, Outcome};

use crate::scoring::{Assessment, MAX_SCORE};

/// Names of the ticket fields the hook writes, from the hook's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Text field for the score (config key `score_field`).
    pub score_field: String,
    /// Text area for the reasons (config key `reason_field`).
    pub reason_field: String,
    /// Drop-down list for the level (config key `level_field`). The level is
    /// not written when the key is not set. The list needs the options `Low`,
    /// `Medium` and `High`.
    pub level_field: Option<String>,
}

/// Default of `score_field`.
pub const DEFAULT_SCORE_FIELD: &str = "Risk Score";
/// Default of `reason_field`.
pub const DEFAULT_REASON_FIELD: &str = "Risk Reason";

/// Builds the field updates and the summary comment for `assessment`.
pub fn build_outcome(assessment: &Assessment, settings: &Settings) -> Outcome {
    let mut outcome = Outcome::new()
        .set_field(
            &settings.score_field,
            FieldInput::text(assessment.score.to_string()),
        )
        .set_field(
            &settings.reason_field,
            FieldInput::text(assessment.reason()),
        );
    if let Some(level_field) = &settings.level_field {
        outcome = outcome.set_field(
            level_field,
            FieldInput::drop_down(assessment.level.as_str()),
        );
    }
    outcome.comment(summary(assessment))
}

/// Returns the one-line comment that summarises `assessment`.
pub fn summary(assessment: &Assessment) -> String {
    let mut summary = format!(
        "Risk score {}/{MAX_SCORE} ({}) for {} access request(s); {} of them matched a risk rule.",
        assessment.score,
        assessment.level,
        assessment.request_count,
        assessment.contributors.len(),
    );
    if assessment.uncapped > assessment.score {
        summary.push_str(&format!(
            " The rules added up to {} points, capped at {MAX_SCORE}.",
            assessment.uncapped
        ));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{Finding, Level, RequestScore};

    fn settings(level_field: Option<&str>) -> Settings {
        Settings {
            score_field: DEFAULT_SCORE_FIELD.into(),
            reason_field: DEFAULT_REASON_FIELD.into(),
            level_field: level_field.map(Into::into),
        }
    }

    fn assessment(uncapped: u32) -> Assessment {
        let score = uncapped.min(MAX_SCORE);
        Assessment {
            score,
            uncapped,
            level: Level::of(score),
            request_count: 3,
            contributors: vec![RequestScore {
                order: "AR2".into(),
                findings: vec![Finding {
                    points: uncapped,
                    reason: "source is ANY".into(),
                }],
            }],
        }
    }

    #[test]
    fn outcome_writes_score_and_reason() {
        let outcome = build_outcome(&assessment(30), &settings(None));
        assert_eq!(outcome.field_updates.len(), 2);
        assert_eq!(outcome.field_updates[0].field, "Risk Score");
        assert_eq!(outcome.field_updates[0].value, FieldInput::text("30"));
        assert_eq!(outcome.field_updates[1].field, "Risk Reason");
        assert_eq!(
            outcome.field_updates[1].value,
            FieldInput::text("AR2: source is ANY (+30)")
        );
        assert_eq!(outcome.comments.len(), 1);
    }

    #[test]
    fn outcome_writes_level_when_configured() {
        let outcome = build_outcome(&assessment(30), &settings(Some("Risk Level")));
        assert_eq!(outcome.field_updates.len(), 3);
        assert_eq!(outcome.field_updates[2].field, "Risk Level");
        assert_eq!(
            outcome.field_updates[2].value,
            FieldInput::drop_down("Medium")
        );
    }

    #[test]
    fn summary_of_uncapped_score() {
        assert_eq!(
            summary(&assessment(30)),
            "Risk score 30/100 (Medium) for 3 access request(s); 1 of them matched a risk rule."
        );
    }

    #[test]
    fn summary_mentions_cap() {
        let text = summary(&assessment(145));
        assert!(text.starts_with("Risk score 100/100 (High)"), "{text}");
        assert!(
            text.ends_with("The rules added up to 145 points, capped at 100."),
            "{text}"
        );
    }
}
