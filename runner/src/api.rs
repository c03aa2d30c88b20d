//! The SecureChange REST API client: Basic auth, XML bodies, the real error
//! bodies. The host uses it for hooks' ticket reads and for write-back, so
//! hooks never hold the credentials.

mod error;

pub use error::{ApiError, parse_error_body};

use std::time::Duration;

use reqwest::{Method, StatusCode, Url, header};

use crate::bindings::Ticket;
use crate::config::ApiConfig;
use crate::ticket::{ticket_from_json, ticket_from_xml};

/// Formats an error with its causes on one line.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Path of the REST API under the server URL.
pub const API_PATH: &str = "securechangeworkflow/api/securechange/";

/// A connected API client.
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    username: String,
    password: String,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ApiClient")
            .field("base", &self.base.as_str())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl ApiClient {
    /// Builds a client for `config`. Redirects are not followed, so the
    /// credentials only ever go to the configured server.
    pub fn new(config: &ApiConfig, password: String) -> Result<ApiClient, ApiError> {
        // Several callers may build clients; only the first install counts.
        let _ = rustls::crypto::ring::default_provider().install_default();

        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(config.timeout_seconds))
            .connect_timeout(Duration::from_secs(config.timeout_seconds.min(10)))
            .user_agent(concat!("hook-runner/", env!("CARGO_PKG_VERSION")));
        if config.url.scheme() == "http" {
            // Plain HTTP uses no certificates. Without this, building the
            // client loads the system's whole certificate store, which costs
            // more than the rest of a cached hook run.
            builder = builder.tls_certs_only([]);
        }
        if let Some(ca_file) = &config.ca_file {
            let pem =
                crate::bounded_read::read_file(ca_file, crate::bounded_read::MAX_TEXT_FILE_BYTES)
                    .map_err(|error| {
                    ApiError::Client(format!(
                        "failed to read api.ca_file `{}`: {error}",
                        ca_file.display()
                    ))
                })?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|error| {
                ApiError::Client(format!(
                    "api.ca_file `{}` is not a PEM certificate bundle: {}",
                    ca_file.display(),
                    with_causes(&error)
                ))
            })?;
            if certificates.is_empty() {
                return Err(ApiError::Client(format!(
                    "api.ca_file `{}` contains no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)",
                    ca_file.display()
                )));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(|error| {
            ApiError::Client(format!(
                "failed to build the HTTP client: {}",
                with_causes(&error)
            ))
        })?;

        let mut base = config.url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let base = base
            .join(API_PATH)
            .map_err(|error| ApiError::Client(format!("invalid api.url: {error}")))?;

        Ok(ApiClient {
            http,
            base,
            username: config.username.clone(),
            password,
        })
    }

    /// Fetches `tickets/{id}`.
    pub async fn get_ticket(&self, id: u64) -> Result<Ticket, ApiError> {
        let url = self.url(&format!("tickets/{id}"))?;
        let (content_type, body) = self.send(Method::GET, url.clone(), None).await?;
        let parsed = if content_type.contains("json") {
            ticket_from_json(&body)
        } else {
            ticket_from_xml(&body)
        };
        let ticket = parsed.map_err(|error| ApiError::Body {
            url: url.to_string(),
            message: error.to_string(),
        })?;
        // Writes go to the returned ticket's steps and tasks, so a response
        // about another ticket must never be used.
        if ticket.id != id {
            return Err(ApiError::Body {
                url: url.to_string(),
                message: format!(
                    "it describes ticket {} instead of ticket {id}; check that [api] url points \
                     at SecureChange and that no proxy rewrites requests",
                    ticket.id
                ),
            });
        }
        Ok(ticket)
    }

    /// Writes several fields of one task with a single request, which the
    /// server applies all or nothing.
    pub async fn put_fields(
        &self,
        ticket: u64,
        step: u64,
        task: u64,
        body: String,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "tickets/{ticket}/steps/{step}/tasks/{task}/fields"
        ))?;
        let (content_type, answer) = self.send(Method::PUT, url.clone(), Some(body)).await?;
        check_write_answer(&url, &content_type, &answer)
    }

    /// Adds a comment to a task.
    pub async fn post_comment(
        &self,
        ticket: u64,
        step: u64,
        task: u64,
        body: String,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "tickets/{ticket}/steps/{step}/tasks/{task}/comments"
        ))?;
        let (content_type, answer) = self.send(Method::POST, url.clone(), Some(body)).await?;
        check_write_answer(&url, &content_type, &answer)
    }

    fn url(&self, path: &str) -> Result<Url, ApiError> {
        self.base
            .join(path)
            .map_err(|error| ApiError::Client(format!("invalid API path `{path}`: {error}")))
    }

    /// Sends a request and returns the response's content type and body, or
    /// the server's error.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<String>,
    ) -> Result<(String, String), ApiError> {
        let started = std::time::Instant::now();
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .basic_auth(&self.username, Some(&self.password))
            .header(header::ACCEPT, "application/xml");
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/xml")
                .body(body);
        }
        let response = request.send().await.map_err(|source| ApiError::Transport {
            method: method.to_string(),
            url: url.to_string(),
            source,
        })?;

        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let text =
            read_body(response, MAX_RESPONSE_BYTES)
                .await
                .map_err(|problem| match problem {
                    BodyProblem::Transport(source) => ApiError::Transport {
                        method: method.to_string(),
                        url: url.to_string(),
                        source,
                    },
                    BodyProblem::Invalid(message) => ApiError::Body {
                        url: url.to_string(),
                        message,
                    },
                })?;
        tracing::debug!(
            %method,
            url = %url,
            status = status.as_u16(),
            bytes = text.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "SecureChange API request"
        );

        if status.is_success() {
            return Ok((content_type, text));
        }
        let (code, message) = parse_error_body(&text);
        Err(ApiError::Status {
            method: method.to_string(),
            url: url.to_string(),
            status: status.as_u16(),
            code,
            message: match (status, location) {
                (StatusCode::UNAUTHORIZED, _) if message.is_empty() => {
                    "the API rejected the user name or password".to_string()
                }
                // Redirects are not followed, because they would carry the
                // password to another address.
                (status, Some(location)) if status.is_redirection() => format!(
                    "SecureChange redirects to `{location}`, which hook-runner does not follow: \
                     set api.url to the server's address as that shows it"
                ),
                _ => message,
            },
        })
    }
}

/// Largest API response body read, 32 MiB. A ticket with hundreds of access
/// requests is a few MiB, so a larger body is a fault, and reading it whole
/// would hold it all in memory.
const MAX_RESPONSE_BYTES: usize = 32 << 20;

/// A reason a response body could not be read.
enum BodyProblem {
    /// The connection failed while the body arrived.
    Transport(reqwest::Error),
    /// The body is too large or not UTF-8.
    Invalid(String),
}

/// Reads a response body of at most `limit` bytes as UTF-8 text.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<String, BodyProblem> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyProblem::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyProblem::Invalid(format!(
                "the response body is larger than {} MiB, the most hook-runner reads from the \
                 SecureChange API; check that [api] url points at SecureChange",
                limit >> 20
            )));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|error| {
        BodyProblem::Invalid(format!(
            "the response body is not valid UTF-8 (first invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        ))
    })
}

/// Checks the body of a successful write. SecureChange responds with an
/// empty body, XML or JSON. An HTML page comes from something else in
/// front of it, such as a login portal or a proxy's error page, so the
/// write may not have happened, and it stays pending for a retry.
fn check_write_answer(url: &Url, content_type: &str, body: &str) -> Result<(), ApiError> {
    let start: String = body.trim_start().chars().take(14).collect();
    let start = start.to_ascii_lowercase();
    let html = content_type.to_ascii_lowercase().contains("html")
        || start.starts_with("<html")
        || start.starts_with("<!doctype html");
    if html {
        return Err(ApiError::Body {
            url: url.to_string(),
            message: "the server answered the write with an HTML page, not the SecureChange \
                      API, so the write may not have happened; check [api] url and any proxy \
                      or login portal in front of SecureChange"
                .to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_write_answer_is_rejected() {
        let url = Url::parse("https://sc.example.com/x").expect("URL");
        assert!(check_write_answer(&url, "", "").is_ok());
        assert!(check_write_answer(&url, "application/xml", "<ok/>").is_ok());
        assert!(check_write_answer(&url, "text/html; charset=utf-8", "").is_err());
        assert!(check_write_answer(&url, "text/plain", "<html>x</html>").is_err());
        assert!(check_write_answer(&url, "", "\n<!DOCTYPE HTML><p>").is_err());
    }
}
