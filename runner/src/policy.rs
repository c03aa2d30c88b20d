//! Sandbox policy files: what one hook may do.
//!
//! Each hook has a TOML policy file. Everything it does not grant is denied:
//! a hook without one ([`Policy::deny_all`]) may not read the ticket, write
//! fields, add comments or send any HTTP request. [`check_request`] and
//! [`Allowed::check_address`] apply the `[[http]]` grants to the outgoing
//! requests of a hook.
//!
//! ```toml
//! [ticket]
//! read = true
//! write_fields = ["Risk Score"]
//!
//! [[http]]
//! name = "scanner"
//! host = "scanner.example.com"
//! path_prefix = "/api/v1/"
//! methods = ["GET", "POST"]
//!
//! [[secret]]
//! name = "scanner-token"
//! env = "SCANNER_TOKEN"
//! grant = "scanner"
//! header = "Authorization"
//! format = "Bearer {}"
//! ```

mod address;
mod file;
mod grant;
mod host;
mod http;
mod limits;
mod path;
mod secret;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use address::{AddressClass, BlockedAddress, check_address, special_purpose};
pub use file::json_schema;
pub use grant::{HttpGrant, PortRange, Scheme};
pub use host::{HostPattern, MIN_IPV4_PREFIX, MIN_IPV6_PREFIX};
pub use http::{Allowed, Denial, DenialReason, GrantRef, MalformedRequest, check_request};
pub use limits::{
    DEFAULT_FUEL, DEFAULT_HTTP_TIMEOUT_SECONDS, DEFAULT_MAX_HTTP_REQUESTS, DEFAULT_MAX_LOG_KIB,
    DEFAULT_MAX_OUTCOME_KIB, DEFAULT_MAX_OUTPUT_KIB, DEFAULT_MAX_REQUEST_BODY_KIB,
    DEFAULT_MAX_RESPONSE_BODY_KIB, DEFAULT_MEMORY_MIB, DEFAULT_WALL_TIME_SECONDS,
    MAX_HTTP_TIMEOUT_SECONDS, MAX_MAX_HTTP_REQUESTS, MAX_MAX_LOG_KIB, MAX_MAX_OUTCOME_KIB,
    MAX_MAX_OUTPUT_KIB, MAX_MAX_REQUEST_BODY_KIB, MAX_MAX_RESPONSE_BODY_KIB, MAX_MEMORY_MIB,
    MAX_WALL_TIME_SECONDS, PolicyLimits,
};
pub use path::PathError;
pub use secret::{SecretGrant, SecretSource};

/// A loaded and validated policy for one hook.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The file the policy was read from, or `None` for [`Policy::deny_all`].
    pub path: Option<PathBuf>,
    /// Access to the ticket that triggered the hook.
    pub ticket: TicketGrant,
    /// Values the hook reads through `config::get`, by key.
    pub config: BTreeMap<String, String>,
    /// `[[http]]` grants in file order; a request may use any grant that
    /// matches it.
    pub http: Vec<HttpGrant>,
    /// Secrets that are added as headers to the requests of one grant.
    pub secrets: Vec<SecretGrant>,
    /// Resource limits.
    pub limits: PolicyLimits,
}

/// The `[ticket]` table: what the hook may do with the ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketGrant {
    /// Whether the hook may call `get-ticket`.
    pub read: bool,
    /// Names of the fields the hook may write, compared exactly. An empty
    /// list grants no field.
    pub write_fields: Vec<String>,
    /// Whether the hook may add comments.
    pub comment: bool,
    /// Line of the `[ticket]` header, or `None` when the file has none.
    pub line: Option<usize>,
}

/// A policy file that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    // The I/O error is part of the message, not a `#[source]`, because the
    // TEST event and `check` print only the message.
    #[error("failed to read policy `{}`: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The file is not valid TOML, has unknown keys or wrong types, or a
    /// value is not acceptable.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line of the bad value, starting at 1.
        line: usize,
        /// Column of the bad value in characters, starting at 1.
        column: usize,
        /// The problem, with the bad value and the accepted form.
        message: String,
    },
}

impl Policy {
    /// Reads and validates the policy file at `path`.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text =
            crate::bounded_read::read_text_file(path, crate::bounded_read::MAX_TEXT_FILE_BYTES)
                .map_err(|error| PolicyError::Read {
                    path: path.to_path_buf(),
                    error,
                })?;
        Policy::parse(path, &text)
    }

    /// Parses policy text. `path` names the file in errors, and relative
    /// secret files are resolved against its folder.
    pub fn parse(path: &Path, text: &str) -> Result<Policy, PolicyError> {
        file::parse(path, text)
    }

    /// Returns the policy for a hook without a policy file, which grants
    /// nothing and has the default limits.
    pub fn deny_all() -> Policy {
        Policy {
            path: None,
            ticket: TicketGrant::default(),
            config: BTreeMap::new(),
            http: Vec::new(),
            secrets: Vec::new(),
            limits: PolicyLimits::default(),
        }
    }

    /// Returns the `[[http]]` grant with this name.
    pub fn grant(&self, name: &str) -> Option<&HttpGrant> {
        self.http.iter().find(|grant| grant.name == name)
    }

    /// Returns the secrets whose headers go on requests that the grant at
    /// `grant_index` allowed.
    pub fn secrets_for(&self, grant_index: usize) -> impl Iterator<Item = &SecretGrant> {
        self.secrets
            .iter()
            .filter(move |secret| secret.grant_index == grant_index)
    }
}

impl TicketGrant {
    /// Returns whether the hook may write the field with this exact name.
    pub fn may_write(&self, field: &str) -> bool {
        self.write_fields.iter().any(|granted| granted == field)
    }
}

#[cfg(test)]
mod tests;
