//! Each role against each action: allowed, or 403 with the reason and nothing written.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, post, session_csrf};

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = app.snapshot().await;
    for sql in [
        "SELECT count(*) FROM staff_users",
        "SELECT coalesce(sum(version), 0) FROM staff_users",
        "SELECT count(*) FROM staff_users WHERE active",
    ] {
        out.push(app.scalar(sql).await);
    }
    out
}

#[tokio::test]
async fn every_role_sees_the_home_page() {
    let app = TestApp::spawn().await;
    for role in ["admin", "clerk", "viewer"] {
        let (client, _) = app.signed_in(role).await;

        let response = client.get("/").dispatch().await;

        assert_eq!(response.status(), Status::Ok, "{role}");
    }
}

#[tokio::test]
async fn clerks_and_viewers_are_refused_every_staff_action_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.user("boss", "admin").await;
    let target = app.user("target", "viewer").await;
    for role in ["clerk", "viewer"] {
        let (client, _) = app.signed_in(role).await;
        let csrf = session_csrf(&client).await;
        let before = counts(&app).await;

        let page = client.get("/users").dispatch().await;
        assert_eq!(page.status(), Status::Forbidden, "{role} GET /users");
        let body = page.into_string().await.unwrap();
        assert!(
            body.contains(&format!("Your role ({role}) may not manage staff accounts")),
            "{body}"
        );
        for (uri, fields) in [
            (
                "/users".to_owned(),
                vec![
                    ("username", "mallory"),
                    ("password", PASSWORD),
                    ("role", "admin"),
                ],
            ),
            (format!("/users/{target}/role"), vec![("role", "admin")]),
            (format!("/users/{target}/deactivate"), vec![]),
        ] {
            let mut fields = fields;
            fields.push(("csrf_token", &csrf));

            let response = post(&client, &uri, &fields).await;

            assert_eq!(response.status(), Status::Forbidden, "{role} POST {uri}");
        }
        assert_eq!(counts(&app).await, before, "{role} wrote something");
    }
}

#[tokio::test]
async fn an_admin_may_list_create_promote_and_deactivate() {
    let app = TestApp::spawn().await;
    let (client, admin_id) = app.signed_in("admin").await;
    let target = app.user("target", "viewer").await;
    let csrf = session_csrf(&client).await;

    let list = client.get("/users").dispatch().await;
    let created = post(
        &client,
        "/users",
        &[
            ("username", "newbie"),
            ("password", PASSWORD),
            ("role", "clerk"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let promoted = post(
        &client,
        &format!("/users/{target}/role"),
        &[("role", "clerk"), ("csrf_token", &csrf)],
    )
    .await;
    let deactivated = post(
        &client,
        &format!("/users/{target}/deactivate"),
        &[("csrf_token", &csrf)],
    )
    .await;

    assert_eq!(list.status(), Status::Ok);
    for response in [created, promoted, deactivated] {
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(crate::support::http::location(&response), "/users");
    }
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE username = 'newbie' AND role = 'clerk'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM staff_users WHERE id = {target} AND role = 'clerk' AND NOT active"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM events WHERE aggregate_type = 'user' AND actor_user_id = {admin_id} AND actor = 'admin'")).await,
        3
    );
}

#[tokio::test]
async fn a_new_role_applies_to_the_very_next_request() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (clerk, clerk_id) = app.signed_in("clerk").await;
    assert_eq!(
        clerk.get("/users").dispatch().await.status(),
        Status::Forbidden
    );
    let csrf = session_csrf(&admin).await;

    post(
        &admin,
        &format!("/users/{clerk_id}/role"),
        &[("role", "admin"), ("csrf_token", &csrf)],
    )
    .await;

    assert_eq!(clerk.get("/users").dispatch().await.status(), Status::Ok);
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = TestApp::spawn().await;
    let (client, admin_id) = app.signed_in("admin").await;
    let csrf = session_csrf(&client).await;

    let demote = post(
        &client,
        &format!("/users/{admin_id}/role"),
        &[("role", "viewer"), ("csrf_token", &csrf)],
    )
    .await;
    let deactivate = post(
        &client,
        &format!("/users/{admin_id}/deactivate"),
        &[("csrf_token", &csrf)],
    )
    .await;

    assert_eq!(demote.status(), Status::SeeOther);
    assert_eq!(deactivate.status(), Status::SeeOther);
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE role = 'admin' AND active")
            .await,
        1
    );
    let page = client
        .get("/users")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("only active admin"), "{page}");
}
