//! HTTP Basic authentication and the request log.

use reqwest::header::{ACCEPT, WWW_AUTHENTICATE};

use crate::support::{PASSWORD, USER, start, xml_error};

#[tokio::test]
async fn missing_credentials_rejected() {
    let fixture = start();
    let response = fixture
        .client
        .get(fixture.url("tickets/1001"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let challenge = response.headers().get(WWW_AUTHENTICATE).unwrap();
    assert_eq!(challenge, r#"Basic realm="SecureChange""#);
    let (code, _) = xml_error(response).await;
    assert_eq!(code, "AUTHENTICATION_ERROR");
}

#[tokio::test]
async fn wrong_password_rejected() {
    let fixture = start();
    let request = fixture.client.get(fixture.url("tickets/1001"));
    let response = request
        .basic_auth(USER, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key(WWW_AUTHENTICATE));
}

#[tokio::test]
async fn wrong_user_rejected() {
    let fixture = start();
    let request = fixture.client.get(fixture.url("tickets/1001"));
    let response = request
        .basic_auth("guest", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn right_credentials_accepted() {
    let fixture = start();
    let response = fixture.get("tickets/1001").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn json_request_gets_xml_401() {
    let fixture = start();
    let request = fixture.client.get(fixture.url("tickets/1001.json"));
    let response = request
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(content_type.contains("xml"), "content type {content_type}");
    let (code, _) = xml_error(response).await;
    assert_eq!(code, "AUTHENTICATION_ERROR");
}

#[tokio::test]
async fn request_log_records_api_requests() {
    let fixture = start();
    fixture
        .client
        .get(fixture.url("tickets/1001"))
        .send()
        .await
        .unwrap();
    fixture.get("tickets/1001").await;
    fixture.get("tickets/424242").await;

    let recorded = fixture.emulator.requests();
    let summary: Vec<(&str, &str, u16)> = recorded
        .iter()
        .map(|entry| (entry.method.as_str(), entry.path.as_str(), entry.status))
        .collect();
    let path = "/securechangeworkflow/api/securechange/tickets/1001";
    let missing = "/securechangeworkflow/api/securechange/tickets/424242";
    assert_eq!(
        summary,
        [
            ("GET", path, 401),
            ("GET", path, 200),
            ("GET", missing, 404)
        ]
    );

    let url = format!("{}/emulator/requests", fixture.emulator.base_url());
    let served: serde_json::Value = fixture
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served.as_array().unwrap().len(), 3);
    assert_eq!(served[1]["status"], 200);
    assert_eq!(served[1]["method"], "GET");
    assert_eq!(served[1]["path"], path);
    assert_eq!(
        fixture.emulator.requests().len(),
        3,
        "the log endpoint is not logged"
    );
}
