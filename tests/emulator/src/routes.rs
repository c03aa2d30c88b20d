//! The HTTP routes: the SecureChange API under `API_PREFIX`, and the
//! emulator's own unauthenticated `/emulator/...` endpoints.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Router, middleware};

use crate::auth::{AuthenticatedUser, Credentials, require_auth};
use crate::comments::{add_comment, comment_content};
use crate::error::ApiError;
use crate::faults::{FaultRule, Faults};
use crate::fields::{several_fields_body, single_field_body, update_fields};
use crate::format::{document_response, parse_body, strip_json_suffix, wants_json};
use crate::inject::inject_faults;
use crate::inspect::fields_table;
use crate::log::{RequestLog, record};
use crate::store::Store;
use crate::target::{parse_id, resolve};
use crate::xml::Element;

/// The base path of the SecureChange REST API.
pub const API_PREFIX: &str = "/securechangeworkflow/api/securechange/";

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub log: Arc<RequestLog>,
    pub faults: Arc<Faults>,
}

/// Builds the router with authentication and request logging.
pub fn router(state: AppState, credentials: Credentials) -> Router {
    let task = "tickets/{ticket}/steps/{step}/tasks/{task}";
    let api = |path: &str| format!("{API_PREFIX}{path}");
    Router::new()
        .route(&api("tickets/{ticket}"), get(get_ticket))
        .route(&api(&format!("{task}/fields/{{field}}")), put(put_field))
        .route(&api(&format!("{task}/fields")), put(put_fields))
        .route(&api(&format!("{task}/fields.json")), put(put_fields))
        .route(&api(&format!("{task}/comments")), post(post_comment))
        .route(&api(&format!("{task}/comments.json")), post(post_comment))
        .route("/emulator/requests", get(get_requests))
        .route("/emulator/reset", post(reset))
        .route("/emulator/tickets/{ticket}/fields", get(get_fields_table))
        .route(
            "/emulator/faults",
            get(get_faults).post(post_fault).delete(delete_faults),
        )
        .fallback(not_found)
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(
            Arc::new(credentials),
            require_auth,
        ))
        .layer(middleware::from_fn_with_state(
            state.faults.clone(),
            inject_faults,
        ))
        .layer(middleware::from_fn_with_state(state.log, record))
}

/// Path parameters of a task URL.
type TaskPath = (String, String, String);

async fn get_ticket(
    State(state): State<AppState>,
    Path(ticket): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let json = wants_json(uri.path(), &headers);
    let result = parse_id("ticket", strip_json_suffix(&ticket)).and_then(|id| {
        let tickets = state.store.lock();
        let ticket = tickets.get(&id).ok_or_else(|| ticket_not_found(id))?;
        Ok(document_response(ticket, json))
    });
    result.unwrap_or_else(|error| error.into_response_as(json))
}

async fn put_field(
    State(state): State<AppState>,
    Path((ticket, step, task, field)): Path<(String, String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = wants_json(uri.path(), &headers);
    let result = parse_id("field", strip_json_suffix(&field)).and_then(|field_id| {
        let root = parse_body(&headers, &body)?;
        let fields = single_field_body(root, field_id)?;
        write_fields(&state, (ticket, step, task), &fields)
    });
    write_response(result, StatusCode::OK, json)
}

async fn put_fields(
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = wants_json(uri.path(), &headers);
    let result = parse_body(&headers, &body)
        .and_then(several_fields_body)
        .and_then(|fields| write_fields(&state, path, &fields));
    write_response(result, StatusCode::OK, json)
}

async fn post_comment(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    Path(path): Path<TaskPath>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = wants_json(uri.path(), &headers);
    let result = parse_body(&headers, &body)
        .and_then(|root| comment_content(&root))
        .and_then(|content| {
            with_write_target(&state, path, |ticket, target| {
                add_comment(ticket, target, &user.0, &content);
                Ok(())
            })
        });
    write_response(result, StatusCode::CREATED, json)
}

fn write_fields(state: &AppState, path: TaskPath, fields: &[Element]) -> Result<(), ApiError> {
    with_write_target(state, path, |ticket, target| {
        update_fields(ticket, target, fields)
    })
}

/// Runs a write on a ticket's task after the current-step checks, holding
/// the store lock throughout so the checks and the write see one state.
fn with_write_target(
    state: &AppState,
    (ticket, step, task): TaskPath,
    write: impl FnOnce(&mut Element, crate::target::WriteTarget) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let ticket_id = parse_id("ticket", &ticket)?;
    let mut tickets = state.store.lock();
    let ticket = tickets
        .get_mut(&ticket_id)
        .ok_or_else(|| ticket_not_found(ticket_id))?;
    let target = resolve(ticket, &step, strip_json_suffix(&task))?;
    write(ticket, target)
}

fn write_response(result: Result<(), ApiError>, success: StatusCode, json: bool) -> Response {
    match result {
        Ok(()) => success.into_response(),
        Err(error) => {
            tracing::warn!(code = error.code.as_str(), message = %error.message, "write rejected");
            error.into_response_as(json)
        }
    }
}

fn ticket_not_found(id: u64) -> ApiError {
    ApiError::not_found(format!("ticket {id} not found"))
}

async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path.starts_with(API_PREFIX) {
        let message = format!("no API resource at {path}");
        return ApiError::not_found(message).into_response_as(wants_json(path, &headers));
    }
    (StatusCode::NOT_FOUND, format!("not found: {path}\n")).into_response()
}

async fn get_requests(State(state): State<AppState>) -> Response {
    let body = serde_json::to_string(&state.log.entries()).unwrap_or_else(|_| "[]".to_owned());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

async fn reset(State(state): State<AppState>) -> StatusCode {
    state.store.reset();
    StatusCode::NO_CONTENT
}

async fn get_faults(State(state): State<AppState>) -> Response {
    let body = serde_json::to_string(&state.faults.list()).unwrap_or_else(|_| "[]".to_owned());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

async fn post_fault(State(state): State<AppState>, body: Bytes) -> Response {
    let added = serde_json::from_slice::<FaultRule>(&body)
        .map_err(|error| format!("invalid fault rule: {error}"))
        .and_then(|rule| state.faults.add(rule));
    match added {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(message) => (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response(),
    }
}

async fn delete_faults(State(state): State<AppState>) -> Response {
    state.faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn get_fields_table(State(state): State<AppState>, Path(ticket): Path<String>) -> Response {
    let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    let table = ticket.parse::<u64>().ok().and_then(|id| {
        let tickets = state.store.lock();
        tickets.get(&id).map(fields_table)
    });
    match table {
        Some(table) => (StatusCode::OK, plain, table).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            plain,
            format!("ticket {ticket} not found\n"),
        )
            .into_response(),
    }
}
