//! `POST .../tasks/{id}/comments`.

use scw_emulator::xml::parse;

use crate::support::{USER, start, xml_error};

#[tokio::test]
async fn comment_appears_in_later_get() {
    let fixture = start();
    let path = "tickets/1001/steps/current/tasks/4003/comments";
    let response = fixture
        .post_xml(
            path,
            "<comment><content>Risk score 72 &amp; rising</content></comment>",
        )
        .await;
    assert_eq!(response.status(), 201);
    let second = fixture
        .post_xml(path, "<comment><content>second</content></comment>")
        .await;
    assert_eq!(second.status(), 201);

    let ticket = parse(&fixture.get("tickets/1001").await.text().await.unwrap()).unwrap();
    let comments: Vec<_> = ticket.child("comments").unwrap().elements().collect();
    assert_eq!(comments.len(), 2);
    let first = comments[0];
    assert_eq!(first.child_text("order").unwrap(), "1");
    assert_eq!(first.child_text("user").unwrap(), USER);
    assert_eq!(
        first.child_text("content").unwrap(),
        "Risk score 72 & rising"
    );
    assert_eq!(first.child_text("type").unwrap(), "COMMENT");
    assert_eq!(
        first.child_text("task_name").unwrap(),
        "Risk Review",
        "the step name when the task has none"
    );
    let created = first.child_text("created").unwrap();
    assert_eq!(created.len(), 20, "{created}");
    assert!(created.ends_with('Z'), "{created}");
    assert_eq!(comments[1].child_text("order").unwrap(), "2");
}

#[tokio::test]
async fn comment_uses_task_name() {
    let fixture = start();
    let path = "tickets/1003/steps/3203/tasks/4304/comments";
    let response = fixture
        .post_xml(path, "<comment><content>ok</content></comment>")
        .await;
    assert_eq!(response.status(), 201);
    let ticket = parse(&fixture.emulator.ticket_xml(1003).unwrap()).unwrap();
    let comment = ticket.child("comments").unwrap().child("comment").unwrap();
    assert_eq!(
        comment.child_text("task_name").unwrap(),
        "Firewall Owner Review - fw-core-02"
    );
}

#[tokio::test]
async fn comment_json_body() {
    let fixture = start();
    let request = fixture
        .client
        .post(fixture.url("tickets/1001/steps/current/tasks/4003/comments"));
    let response = fixture
        .authed(request)
        .header("content-type", "application/json")
        .body(r#"{"comment":{"content":"from JSON"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let ticket = parse(&fixture.emulator.ticket_xml(1001).unwrap()).unwrap();
    let comment = ticket.child("comments").unwrap().child("comment").unwrap();
    assert_eq!(comment.child_text("content").unwrap(), "from JSON");
}

#[tokio::test]
async fn comment_on_closed_ticket_rejected() {
    let fixture = start();
    let path = "tickets/1002/steps/current/tasks/4103/comments";
    let response = fixture
        .post_xml(path, "<comment><content>late</content></comment>")
        .await;
    assert_eq!(response.status(), 400);
    let (code, _) = xml_error(response).await;
    assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
}

#[tokio::test]
async fn comment_on_earlier_step_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/3001/tasks/4001/comments";
    let response = fixture
        .post_xml(path, "<comment><content>late</content></comment>")
        .await;
    assert_eq!(response.status(), 400);
    let (code, _) = xml_error(response).await;
    assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
}

#[tokio::test]
async fn empty_comment_rejected() {
    let fixture = start();
    let path = "tickets/1001/steps/current/tasks/4003/comments";
    let response = fixture
        .post_xml(path, "<comment><content> </content></comment>")
        .await;
    assert_eq!(response.status(), 400);
    let (code, message) = xml_error(response).await;
    assert_eq!(code, "ILLEGAL_ARGUMENT_ERROR");
    assert!(
        message.contains("<content> is missing or empty"),
        "{message}"
    );
}

#[tokio::test]
async fn reset_undoes_every_write() {
    let fixture = start();
    let before = fixture.get("tickets/1001").await.text().await.unwrap();
    let response = fixture
        .post_xml(
            "tickets/1001/steps/current/tasks/4003/comments",
            "<comment><content>to be undone</content></comment>",
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_ne!(
        fixture.get("tickets/1001").await.text().await.unwrap(),
        before
    );

    let reset = fixture
        .client
        .post(format!("{}/emulator/reset", fixture.emulator.base_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(reset.status(), 204);
    assert_eq!(
        fixture.get("tickets/1001").await.text().await.unwrap(),
        before
    );
}
