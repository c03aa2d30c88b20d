//! Content negotiation: whether a request wants JSON, how to read its body,
//! and how to render a ticket.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::json;
use crate::xml::{self, Element};

/// Reports whether a request wants JSON back: a path ending in `.json`, an
/// `Accept` that names `application/json`, or a JSON body without an
/// `Accept` that names XML.
pub fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    let accept = header_text(headers, header::ACCEPT);
    let content_type = header_text(headers, header::CONTENT_TYPE);
    path.ends_with(".json")
        || accept.contains("application/json")
        || (content_type.contains("json") && !accept.contains("xml"))
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Strips a `.json` suffix from a path segment.
pub fn strip_json_suffix(segment: &str) -> &str {
    segment.strip_suffix(".json").unwrap_or(segment)
}

/// Parses a request body into an element tree: JSON when the
/// `Content-Type` names JSON, XML when it names XML or is missing.
pub fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Element, ApiError> {
    let content_type = header_text(headers, header::CONTENT_TYPE);
    let text = std::str::from_utf8(body)
        .map_err(|error| ApiError::illegal(format!("the request body is not UTF-8: {error}")))?;
    if content_type.contains("json") {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
            ApiError::illegal(format!("the request body is not valid JSON: {error}"))
        })?;
        return json::from_json(&value).map_err(|error| {
            ApiError::illegal(format!("the JSON request body is malformed: {error}"))
        });
    }
    if content_type.is_empty() || content_type.contains("xml") {
        return xml::parse(text).map_err(|error| {
            ApiError::illegal(format!("the request body is not well-formed XML: {error}"))
        });
    }
    Err(ApiError::illegal(format!(
        "unsupported Content-Type '{content_type}'; send application/xml or application/json"
    )))
}

/// Renders a document as the response body, JSON or XML.
pub fn document_response(root: &Element, json: bool) -> Response {
    if json {
        let body = json::to_json(root).to_string();
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    let body = xml::to_document(root);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}
