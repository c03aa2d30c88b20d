//! One module per subcommand.

mod assign;
mod check;
mod compile;
mod componentize;
mod condition;
mod docs;
mod inspect;
mod new;
mod outbox;
mod run;
mod schema;
mod script;
mod test;

pub use assign::AssignCommand;
pub use check::CheckCommand;
pub use compile::CompileCommand;
pub use componentize::ComponentizeCommand;
pub use condition::ConditionCommand;
pub use docs::{CompletionsCommand, ManCommand};
pub use inspect::{
    ComponentSurface, Finding, InspectCommand, PolicyFit, PolicyGrants, SurfaceItem, fit_policy,
    read_surface,
};
pub use new::{Language, NewCommand};
pub use outbox::{OutboxCommand, OutboxSubcommand};
pub use run::RunCommand;
pub use schema::{SchemaCommand, SchemaFile, schema_text};
pub use script::{TEST_ARGUMENT, TicketArgument};
pub use test::TestCommand;

/// Prints a command's report on standard output, as pretty JSON when `json`
/// is set and as `render` makes it otherwise. A closed or full standard
/// output is logged, not a crash.
fn print_report<T: serde::Serialize>(
    report: &T,
    json: bool,
    render: impl Fn(&T) -> String,
) -> Result<(), crate::failure::Failure> {
    let text = if json {
        let mut text = serde_json::to_string_pretty(report).map_err(|error| {
            crate::failure::Failure::new(
                crate::exit_code::Status::Internal,
                format!("failed to encode the report as JSON: {error}"),
            )
        })?;
        text.push('\n');
        text
    } else {
        render(report)
    };
    if let Err(error) = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        tracing::warn!(%error, "failed to write the report to standard output");
    }
    Ok(())
}
