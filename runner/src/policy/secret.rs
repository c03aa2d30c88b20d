//! `[[secret]]` tables: values the runner adds as a header to the requests
//! of one grant. The hook cannot read them.

use std::fmt;
use std::path::PathBuf;

/// Header names a secret may not set: the runner or the HTTP client owns
/// them, and hop-by-hop headers would change how the request is framed or
/// forwarded.
pub(crate) const FORBIDDEN_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// The source of a secret's value. The policy file never contains the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable of the hook-runner process.
    Env(String),
    /// A file whose first line is the value, resolved against the policy
    /// file's folder.
    File(PathBuf),
}

/// One `[[secret]]` table. It stores where the value comes from, never the
/// value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretGrant {
    /// Unique name, used in errors and logs.
    pub name: String,
    /// The source of the value.
    pub source: SecretSource,
    /// Name of the `[[http]]` grant whose requests get the header.
    pub grant: String,
    /// Index of that grant in [`Policy::http`](super::Policy::http).
    pub grant_index: usize,
    /// Header name as written in the file.
    pub header: String,
    /// Header value template with exactly one `{}`, which is replaced by
    /// the secret.
    pub format: String,
    /// Line of the `[[secret]]` header in the policy file.
    pub line: usize,
}

impl SecretGrant {
    /// Reads the secret: the environment variable, or the first line of the
    /// file. The value never appears in an error. It must be non-empty and
    /// free of control characters other than tab, so that it cannot end
    /// the header.
    pub fn read_value(&self) -> Result<String, String> {
        let value = match &self.source {
            SecretSource::Env(var) => std::env::var(var).map_err(|_| {
                format!(
                    "secret `{}`: environment variable `{var}` is not set or not UTF-8",
                    self.name
                )
            })?,
            SecretSource::File(path) => {
                let text = crate::bounded_read::read_text_file(
                    path,
                    crate::bounded_read::MAX_TEXT_FILE_BYTES,
                )
                .map_err(|error| {
                    format!(
                        "secret `{}`: failed to read `{}`: {error}",
                        self.name,
                        path.display()
                    )
                })?;
                let first_line = text.lines().next().unwrap_or_default();
                first_line.to_string()
            }
        };

        if value.is_empty() {
            return Err(format!(
                "secret `{}` from {} is empty",
                self.name,
                self.origin()
            ));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(format!(
                "secret `{}` from {} contains a control character, \
                 which a header value may not contain",
                self.name,
                self.origin()
            ));
        }
        Ok(value)
    }

    /// Reads the secret and returns the header value: `format` with `{}`
    /// replaced by the secret.
    pub fn header_value(&self) -> Result<String, String> {
        let value = self.read_value()?;
        Ok(self.format.replacen("{}", &value, 1))
    }

    fn origin(&self) -> String {
        match &self.source {
            SecretSource::Env(var) => format!("environment variable `{var}`"),
            SecretSource::File(path) => format!("file `{}`", path.display()),
        }
    }
}

/// Written by hand so that a value added to the struct later still stays
/// out of logs.
impl fmt::Debug for SecretGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretGrant")
            .field("name", &self.name)
            .field("source", &self.source)
            .field("grant", &self.grant)
            .field("grant_index", &self.grant_index)
            .field("header", &self.header)
            .field("format", &self.format)
            .field("line", &self.line)
            .finish()
    }
}
