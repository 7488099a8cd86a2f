//! A sign-in with the old password that is still being checked when the
//! password changes must not outlive the change (review of issue 22): the
//! change ends every session of the account, and a session the sign-in
//! started just after would otherwise survive it, up to its absolute expiry.

use std::time::Duration;

use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, RunQueryDsl};
use orderdesk::commands::CommandError;
use orderdesk::commands::change_password::{ChangePassword, change_password};
use orderdesk::domain::{Password, Username};
use rocket::http::{ContentType, Status};

use crate::support::helpers::{TestApp, ctx};
use crate::support::http::{PASSWORD, form, login_token};

/// Waits until some statement of this test's database waits for a lock.
async fn until_one_waits_for_a_lock(app: &TestApp) {
    let waiting = "SELECT count(*) FROM pg_stat_activity \
                   WHERE datname = current_database() AND wait_event_type = 'Lock'";
    for _ in 0..2_000 {
        if app.scalar(waiting).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the sign-in never waited for the account's row");
}

#[tokio::test]
async fn a_sign_in_checked_against_the_old_password_starts_no_session_after_a_change() {
    let app = TestApp::spawn().await;
    let id = app.user("clerk", "clerk").await;
    let browser = app.client().await;
    let token = login_token(&browser).await;
    let sign_in = browser
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("username", "clerk"),
            ("password", PASSWORD),
            ("csrf_token", &token),
            ("next", "/"),
        ]))
        .dispatch();
    // An admin resets the password while the sign-in is under way: the reset
    // holds the account's row from before the sign-in reaches it, and commits
    // once the sign-in waits for that row (its session would come next).
    let reset = async {
        let mut conn = app.conn().await;
        conn.transaction::<_, CommandError, _>(async |c| {
            diesel::sql_query("SELECT id FROM staff_users WHERE id = $1 FOR UPDATE")
                .bind::<BigInt, _>(id)
                .execute(c)
                .await?;
            until_one_waits_for_a_lock(&app).await;
            let username = Username::parse("clerk").unwrap();
            let password = Password::parse("a-brand-new-passphrase", &username).unwrap();
            let input = ChangePassword {
                user_id: id,
                password,
            };
            change_password(c, input, &ctx()).await
        })
        .await
    };

    let (answer, reset) = tokio::join!(sign_in, reset);

    reset.expect("the reset commits");
    assert_eq!(answer.status(), Status::Unauthorized, "no session started");
    drop(answer);
    let sessions = format!("SELECT count(*) FROM sessions WHERE user_id = {id}");
    assert_eq!(app.scalar(&sessions).await, 0);
    assert_ne!(browser.get("/").dispatch().await.status(), Status::Ok);
}
