//! A SecureChange REST API emulator for hook-runner's integration tests and
//! demo.
//!
//! It serves tickets loaded from XML files under
//! `/securechangeworkflow/api/securechange/` on a real HTTP server, and
//! enforces what the real API enforces: HTTP Basic authentication, writes
//! only to tasks of the current step, field types and values, and the real
//! error bodies. Writes are kept in memory; the data files are never
//! rewritten.
//!
//! Endpoints:
//! - `GET tickets/{id}` (XML; JSON with `.json` or `Accept: application/json`)
//! - `PUT tickets/{t}/steps/{s}/tasks/{k}/fields/{f}` and `.../fields`
//! - `POST tickets/{t}/steps/{s}/tasks/{k}/comments`
//! - `GET /emulator/requests` and `GET /emulator/tickets/{id}/fields`,
//!   without authentication, for tests and the demo.
//! - `GET`, `POST` and `DELETE /emulator/faults`: fault injection rules for
//!   API requests (see [`faults`]).

mod auth;
mod comments;
mod error;
pub mod faults;
mod field_types;
mod fields;
mod format;
mod inject;
mod inspect;
pub mod json;
mod log;
mod routes;
mod server;
mod store;
mod target;
mod ticket;
pub mod xml;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use error::{ApiError, ErrorCode};
pub use log::RecordedRequest;
pub use routes::API_PREFIX;
pub use server::{Emulator, EmulatorHandle, spawn};

/// What the emulator serves and whom it lets in.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The directory whose `*.xml` files with a `<ticket>` root are loaded.
    pub data_dir: PathBuf,
    /// The login of the one account the API accepts.
    pub username: String,
    pub password: String,
}

/// Failures to start the emulator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to read the data directory {dir}: {source}")]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to read ticket file {file}: {source}")]
    ReadFile {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid XML in {file}: {source}")]
    Parse {
        file: PathBuf,
        source: xml::ParseError,
    },
    #[error("ticket file {0} has no numeric <id> element under <ticket>")]
    MissingId(PathBuf),
    #[error("ticket id {id} appears in both {first} and {second}")]
    DuplicateId {
        id: u64,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("failed to listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("failed to start the emulator's runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the HTTP server failed: {0}")]
    Serve(std::io::Error),
}
