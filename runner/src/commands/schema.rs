//! `hook-runner schema`: print the JSON Schema of the configuration or of a
//! policy file, for editors that check TOML against a schema.

use crate::exit_code::Status;
use crate::failure::Failure;

/// Print the JSON Schema of the configuration or of a policy file. Editors
/// with a TOML language server (such as Even Better TOML, which uses taplo)
/// then complete keys and flag unknown keys, wrong types and out-of-range
/// limits as you type.
#[derive(Debug, clap::Args)]
pub struct SchemaCommand {
    /// Which file's schema to print
    #[arg(value_enum)]
    pub file: SchemaFile,
}

/// The files that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFile {
    /// The configuration file (hook-runner.toml)
    Config,
    /// A hook's sandbox policy file
    Policy,
}

impl SchemaCommand {
    /// Prints the schema and returns the exit status.
    pub fn execute(&self) -> Result<Status, Failure> {
        let schema = match self.file {
            SchemaFile::Config => crate::config::json_schema(),
            SchemaFile::Policy => crate::policy::json_schema(),
        };
        let text = schema_text(&schema)?;
        if let Err(error) = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
            tracing::warn!(%error, "failed to write the schema to standard output");
        }
        Ok(Status::Success)
    }
}

/// Formats a schema as the committed files under `docs/schema/` are:
/// pretty JSON with a final newline.
pub fn schema_text(schema: &schemars::Schema) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(schema).map_err(|error| {
        Failure::new(
            Status::Internal,
            format!("failed to encode the schema as JSON: {error}"),
        )
    })?;
    text.push('\n');
    Ok(text)
}
