//! Fault injection: each fault, its count, its phase, and the admin
//! endpoint.

use scw_emulator::faults::{Fault, FaultRule, Phase};

use crate::support::start;

const COMMENTS: &str = "tickets/1001/steps/current/tasks/4003/comments";
const COMMENT: &str = "<comment><content>fault test</content></comment>";

fn comment_count(xml: &str) -> usize {
    xml.matches("<comment>").count()
}

#[tokio::test]
async fn status_fault_fires_its_count() {
    let fixture = start();
    fixture
        .emulator
        .add_fault(
            FaultRule::new("GET", "tickets/1001", Fault::Status)
                .status(502)
                .times(2),
        )
        .unwrap();
    assert_eq!(fixture.get("tickets/1001").await.status(), 502);
    let second = fixture.get("tickets/1001").await;
    assert_eq!(second.status(), 502);
    assert!(
        second
            .text()
            .await
            .unwrap()
            .contains("<code>GENERAL_ERROR</code>")
    );
    assert_eq!(fixture.get("tickets/1001").await.status(), 200);
    assert_eq!(fixture.get("tickets/1003").await.status(), 200);
}

#[tokio::test]
async fn before_phase_writes_nothing() {
    let fixture = start();
    let before = fixture.emulator.ticket_xml(1001).unwrap();
    fixture
        .emulator
        .add_fault(FaultRule::new("POST", "tickets/*/comments", Fault::Status).status(503))
        .unwrap();
    assert_eq!(fixture.post_xml(COMMENTS, COMMENT).await.status(), 503);
    assert_eq!(fixture.emulator.ticket_xml(1001).unwrap(), before);
}

#[tokio::test]
async fn after_phase_writes_then_fails() {
    let fixture = start();
    let before = comment_count(&fixture.emulator.ticket_xml(1001).unwrap());
    fixture
        .emulator
        .add_fault(
            FaultRule::new("POST", "tickets/*/comments", Fault::Status)
                .status(500)
                .phase(Phase::After),
        )
        .unwrap();
    assert_eq!(fixture.post_xml(COMMENTS, COMMENT).await.status(), 500);
    let after = comment_count(&fixture.emulator.ticket_xml(1001).unwrap());
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn unauthorized_once_then_accepted() {
    let fixture = start();
    fixture
        .emulator
        .add_fault(FaultRule::new("GET", "*", Fault::Unauthorized).times(1))
        .unwrap();
    let rejected = fixture.get("tickets/1001").await;
    assert_eq!(rejected.status(), 401);
    assert!(rejected.headers().contains_key("www-authenticate"));
    assert_eq!(fixture.get("tickets/1001").await.status(), 200);
}

#[tokio::test]
async fn refuse_gives_no_response() {
    let fixture = start();
    fixture
        .emulator
        .add_fault(FaultRule::new("GET", "tickets/1001", Fault::Refuse))
        .unwrap();
    let result = match fixture
        .authed(fixture.client.get(fixture.url("tickets/1001")))
        .send()
        .await
    {
        Ok(response) => response.bytes().await.map(drop),
        Err(error) => Err(error),
    };
    assert!(result.is_err(), "a complete response arrived");
}

#[tokio::test]
async fn close_mid_response_cuts_body() {
    let fixture = start();
    let before = comment_count(&fixture.emulator.ticket_xml(1001).unwrap());
    fixture
        .emulator
        .add_fault(FaultRule::new(
            "GET",
            "tickets/1001",
            Fault::CloseMidResponse,
        ))
        .unwrap();
    let response = fixture.get("tickets/1001").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.is_err(), "the body was complete");
    assert_eq!(
        comment_count(&fixture.emulator.ticket_xml(1001).unwrap()),
        before
    );
}

#[tokio::test]
async fn malformed_body_keeps_status() {
    let fixture = start();
    fixture
        .emulator
        .add_fault(FaultRule::new("GET", "tickets/1001", Fault::MalformedBody).times(1))
        .unwrap();
    let response = fixture.get("tickets/1001").await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(scw_emulator::xml::parse(&body).is_err(), "{body}");
}

#[tokio::test]
async fn stall_ends_when_cleared() {
    let fixture = start();
    fixture
        .emulator
        .add_fault(FaultRule::new("GET", "tickets/1001", Fault::Stall))
        .unwrap();
    let request = fixture.get("tickets/1001");
    let waiter = async {
        while fixture.emulator.stalled_requests() == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        fixture.emulator.clear_faults();
    };
    let (response, ()) = tokio::join!(request, waiter);
    assert_eq!(response.status(), 504);
}

#[tokio::test]
async fn admin_endpoint_adds_lists_and_clears() {
    let fixture = start();
    let base = fixture.emulator.base_url();
    let added = fixture
        .client
        .post(format!("{base}/emulator/faults"))
        .body(
            r#"{"method":"PUT","path":"tickets/*/fields","fault":"status","status":503,"times":1}"#,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let invalid = fixture
        .client
        .post(format!("{base}/emulator/faults"))
        .body(r#"{"path":"*","fault":"explode"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    assert!(invalid.text().await.unwrap().contains("explode"));
    let listed: serde_json::Value = fixture
        .client
        .get(format!("{base}/emulator/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["remaining"], 1);
    let cleared = fixture
        .client
        .delete(format!("{base}/emulator/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(
        fixture
            .emulator
            .add_fault(FaultRule::new("GET", "*", Fault::Refuse))
            .is_ok()
    );
}
