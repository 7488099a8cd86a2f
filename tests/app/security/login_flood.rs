//! A flood of anonymous sign-ins from many addresses cannot starve the
//! staff's commands of the write pool (issue 22): the sign-in gate refuses
//! before a connection is taken, lets a quarter of the pool serve sign-ins,
//! and argon2 holds no connection. How long the clerk waits under 2,000
//! concurrent bad sign-ins is measured by `script/bench`, not here.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use futures_util::future::join_all;
use rocket::http::{ContentType, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{form, login_token, post, session_csrf};

/// The `n`th flooding address: every one different, all in 127.0.0.0/8.
fn address(n: u32) -> SocketAddr {
    let [_, a, b, c] = (n + 1).to_be_bytes();
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, a, b, c)), 40_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_marks_an_order_paid_during_a_sign_in_flood_from_many_addresses() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    let (clerk, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&clerk).await;
    // The flood passes the sign-in form's CSRF check, so each attempt that
    // gets through the gate costs a throttle row and an argon2 check.
    let flood = app.client().await;
    let token = login_token(&flood).await;
    let attempts = (0..400_u32).map(|n| {
        let body = form(&[
            ("username", &format!("nobody{n}")),
            ("password", "a guess"),
            ("csrf_token", &token),
            ("next", "/"),
        ]);
        let flood = &flood;
        async move {
            flood
                .post("/login")
                .remote(address(n))
                .header(ContentType::Form)
                .body(body)
                .dispatch()
                .await
                .status()
        }
    });

    let pay = async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        post(
            &clerk,
            &format!("/orders/{order}/pay"),
            &[("csrf_token", &csrf)],
        )
        .await
        .status()
    };
    let (statuses, paid) = tokio::join!(join_all(attempts), pay);

    assert_eq!(paid, Status::SeeOther, "the clerk's command went through");
    assert_eq!(app.order_status(order).await, "unfulfilled/paid");
    let count = |s: Status| statuses.iter().filter(|x| **x == s).count();
    // Every attempt was answered as a failed or shed sign-in, none with an
    // error, and the gate shed some at once rather than queue them all.
    assert_eq!(
        count(Status::Unauthorized) + count(Status::ServiceUnavailable),
        statuses.len(),
        "{statuses:?}"
    );
    assert!(count(Status::ServiceUnavailable) > 0, "{statuses:?}");
    let stored = app.scalar("SELECT count(*) FROM login_attempts").await;
    let shed = i64::try_from(count(Status::ServiceUnavailable)).unwrap();
    assert_eq!(stored, 400 - shed + 1, "shed attempts wrote nothing");
}

#[tokio::test]
async fn one_address_past_its_burst_is_refused_without_a_row() {
    let app = TestApp::spawn().await;
    let client = app.client().await;
    let token = login_token(&client).await;
    let mut statuses = Vec::new();
    for n in 0..12 {
        let response = client
            .post("/login")
            .remote(address(7))
            .header(ContentType::Form)
            .body(form(&[
                ("username", &format!("nobody{n}")),
                ("password", "a guess"),
                ("csrf_token", &token),
                ("next", "/"),
            ]))
            .dispatch()
            .await;
        statuses.push(response.status());
    }

    assert_eq!(statuses[..10], [Status::Unauthorized; 10]);
    assert_eq!(statuses[10..], [Status::TooManyRequests; 2]);
    assert_eq!(app.scalar("SELECT count(*) FROM login_attempts").await, 10);
}
