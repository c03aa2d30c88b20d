//! Shared setup: an emulator on 127.0.0.1 with the project's fixture
//! tickets plus `tests/data/9001.xml` (one field of every writable type),
//! and a client that sends only to it.

use std::path::{Path, PathBuf};
use std::sync::Once;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Client, RequestBuilder, Response};
use scw_emulator::xml::{Element, parse};
use scw_emulator::{API_PREFIX, EmulatorConfig, EmulatorHandle, spawn};
use tempfile::TempDir;

pub const USER: &str = "admin";
pub const PASSWORD: &str = "tufin";
pub const XSI: &str = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

/// Field ids of `tests/data/9001.xml`, current step 5002, task 6002.
pub const TASK_9001: &str = "tickets/9001/steps/5002/tasks/6002";

/// A running emulator on a copy of the fixtures, and an HTTP client.
pub struct Fixture {
    pub emulator: EmulatorHandle,
    pub client: Client,
    _data: TempDir,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_xml_files(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "xml") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// Starts an emulator on a data directory prepared by `prepare`.
pub fn start_with(prepare: impl FnOnce(&Path)) -> Fixture {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // reqwest is built without a TLS provider; plain HTTP still needs one
        // installed to build a client.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let data = tempfile::tempdir().unwrap();
    prepare(data.path());
    let config = EmulatorConfig {
        data_dir: data.path().to_path_buf(),
        username: USER.into(),
        password: PASSWORD.into(),
    };
    let emulator = spawn("127.0.0.1:0".parse().unwrap(), config).unwrap();
    let client = Client::builder().no_proxy().build().unwrap();
    Fixture {
        emulator,
        client,
        _data: data,
    }
}

/// Starts an emulator with the fixture tickets and ticket 9001.
pub fn start() -> Fixture {
    start_with(|dir| {
        copy_xml_files(&crate_dir().join("../fixtures/tickets"), dir);
        copy_xml_files(&crate_dir().join("tests/data"), dir);
    })
}

impl Fixture {
    pub fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.emulator.base_url())
    }

    pub fn authed(&self, builder: RequestBuilder) -> RequestBuilder {
        builder.basic_auth(USER, Some(PASSWORD))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.authed(self.client.get(self.url(path)))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self
            .authed(self.client.get(self.url(path)))
            .header(ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn put_xml(&self, path: &str, body: &str) -> Response {
        let request = self
            .client
            .put(self.url(path))
            .header(CONTENT_TYPE, "application/xml");
        self.authed(request)
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    pub async fn put_json(&self, path: &str, body: &serde_json::Value) -> Response {
        let request = self
            .client
            .put(self.url(path))
            .header(CONTENT_TYPE, "application/json");
        self.authed(request)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    pub async fn post_xml(&self, path: &str, body: &str) -> Response {
        let request = self
            .client
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/xml");
        self.authed(request)
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    /// Returns the stored field with this id, wherever it is in the ticket.
    pub fn stored_field(&self, ticket: u64, field_id: u64) -> Element {
        let root = parse(&self.emulator.ticket_xml(ticket).unwrap()).unwrap();
        find_field(&root, field_id).unwrap().clone()
    }
}

fn find_field(element: &Element, field_id: u64) -> Option<&Element> {
    let id = element
        .child_text("id")
        .and_then(|id| id.parse::<u64>().ok());
    if element.name == "field" && id == Some(field_id) {
        return Some(element);
    }
    element
        .elements()
        .find_map(|child| find_field(child, field_id))
}

/// Builds a `<field>` body of this type with the value elements given.
pub fn field_body(field_type: &str, id: u64, value: &str) -> String {
    format!(r#"<field {XSI} xsi:type="{field_type}"><id>{id}</id>{value}</field>"#)
}

/// Reads an error body and returns its code and message.
pub async fn xml_error(response: Response) -> (String, String) {
    let text = response.text().await.unwrap();
    let root = parse(&text).unwrap();
    assert_eq!(root.name, "result", "error body: {text}");
    (
        root.child_text("code").unwrap(),
        root.child_text("message").unwrap(),
    )
}
