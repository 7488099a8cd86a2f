//! Notes on orders and customers: AddNote and RemoveNote (bad input writes
//! nothing, who may remove, the removal recorded, a double submit writes one
//! note, and a note never moves the order's version).

use orderdesk::commands::add_note::{AddNote, add_note};
use orderdesk::commands::remove_note::{RemoveNote, remove_note};
use orderdesk::commands::{CommandContext, CommandError};
use orderdesk::domain::{Actor, CustomerId, IdempotencyKey, NoteBody, NoteSubject, OrderId};

use crate::support::helpers::TestApp;

fn note(subject: NoteSubject, text: &str) -> AddNote {
    AddNote {
        subject,
        body: NoteBody::parse(text).unwrap(),
        idempotency_key: IdempotencyKey::generate(),
    }
}

async fn as_user(app: &TestApp, username: &str, role: &str) -> CommandContext {
    let id = app.user(username, role).await;
    CommandContext::new(Actor::user(id, username))
}

/// A customer with one placed order: `(customer, order)`.
async fn shop(app: &TestApp) -> (i64, i64) {
    let ada = app.customer("ada@example.com").await;
    app.product("MUG-1", "9.50", 10).await;
    let order = app.place(ada, &[("MUG-1", 1)]).await.unwrap().id;
    (ada, order)
}

#[tokio::test]
async fn a_note_on_an_order_is_stored_with_its_event_and_leaves_the_version_alone() {
    let app = TestApp::spawn().await;
    let (_, order) = shop(&app).await;
    let ann = as_user(&app, "ann", "clerk").await;
    let version = format!("SELECT version FROM orders WHERE id = {order}");
    let before = app.scalar(&version).await;

    let subject = NoteSubject::Order(OrderId(order));
    let ack = add_note(
        &mut *app.conn().await,
        note(subject, "Leave at the back door"),
        &ann,
    )
    .await
    .unwrap();

    assert_eq!(app.scalar(&version).await, before);
    let stored = app
        .json(&format!(
            "SELECT to_jsonb(n) FROM (SELECT order_id, customer_id, body, author, \
             author_user_id IS NOT NULL AS by_user, removed_at FROM notes WHERE id = {}) n",
            ack.id
        ))
        .await;
    assert_eq!(stored["order_id"], order);
    assert!(stored["customer_id"].is_null() && stored["removed_at"].is_null());
    assert_eq!(stored["body"], "Leave at the back door");
    assert_eq!(
        (stored["author"].as_str(), stored["by_user"].as_bool()),
        (Some("ann"), Some(true))
    );
    let event = app
        .json(&format!(
            "SELECT jsonb_build_object('type', event_type, 'actor', actor, 'payload', payload) \
             FROM events WHERE id = {}",
            ack.event_id
        ))
        .await;
    assert_eq!(event["type"], "order_note_added");
    assert_eq!(event["actor"], "ann");
    assert_eq!(event["payload"]["note_id"], ack.id);
    assert_eq!(event["payload"]["body"], "Leave at the back door");
}

#[tokio::test]
async fn a_note_on_a_customer_appends_a_customer_event() {
    let app = TestApp::spawn().await;
    let (ada, _) = shop(&app).await;
    let ann = as_user(&app, "ann", "clerk").await;
    let ack = add_note(
        &mut *app.conn().await,
        note(NoteSubject::Customer(CustomerId(ada)), "Prefers email"),
        &ann,
    )
    .await
    .unwrap();
    let sql = format!(
        "SELECT count(*) FROM events WHERE id = {} AND aggregate_type = 'customer' \
         AND aggregate_id = {ada} AND event_type = 'customer_note_added'",
        ack.event_id
    );
    assert_eq!(app.scalar(&sql).await, 1);
}

#[tokio::test]
async fn an_empty_or_too_long_note_is_refused_by_its_type_and_the_database() {
    assert!(NoteBody::parse("  \n ").is_err());
    assert!(NoteBody::parse(&"x".repeat(2001)).is_err());
    assert!(NoteBody::parse(&"x".repeat(2000)).is_ok());
    let app = TestApp::spawn().await;
    let (_, order) = shop(&app).await;
    // The CHECK holds the bound even for a writer that skipped the type.
    let long = format!(
        "INSERT INTO notes (order_id, body, author, idempotency_key) \
         VALUES ({order}, repeat('x', 2001), 'x', 'key-00000001')"
    );
    let refused =
        diesel_async::RunQueryDsl::execute(diesel::sql_query(long), &mut *app.conn().await).await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn a_note_on_a_missing_order_writes_nothing() {
    let app = TestApp::spawn().await;
    shop(&app).await;
    let ann = as_user(&app, "ann", "clerk").await;
    let before = app.snapshot().await;
    let result = add_note(
        &mut *app.conn().await,
        note(NoteSubject::Order(OrderId(999_999)), "Hello"),
        &ann,
    )
    .await;
    assert!(
        matches!(result, Err(CommandError::NotFound { .. })),
        "{result:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn the_same_form_submitted_twice_writes_one_note() {
    let app = TestApp::spawn().await;
    let (_, order) = shop(&app).await;
    let ann = as_user(&app, "ann", "clerk").await;
    let input = note(NoteSubject::Order(OrderId(order)), "Called twice");
    let first = add_note(&mut *app.conn().await, input.clone(), &ann)
        .await
        .unwrap();
    let second = add_note(&mut *app.conn().await, input.clone(), &ann)
        .await
        .unwrap();
    assert!(second.replayed && second.id == first.id && second.event_id == first.event_id);
    assert_eq!(app.scalar("SELECT count(*) FROM notes").await, 1);
    let other = AddNote {
        body: NoteBody::parse("Something else").unwrap(),
        ..input
    };
    let result = add_note(&mut *app.conn().await, other, &ann).await;
    assert!(
        matches!(result, Err(CommandError::Conflict(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn only_the_author_or_an_admin_may_remove_a_note_and_the_removal_is_recorded() {
    let app = TestApp::spawn().await;
    let (_, order) = shop(&app).await;
    let ann = as_user(&app, "ann", "clerk").await;
    let bo = as_user(&app, "bob", "clerk").await;
    let root = as_user(&app, "root", "admin").await;
    let subject = NoteSubject::Order(OrderId(order));
    let version = format!("SELECT version FROM orders WHERE id = {order}");
    let order_version = app.scalar(&version).await;
    let mine = add_note(&mut *app.conn().await, note(subject, "Ann's"), &ann)
        .await
        .unwrap();
    let theirs = add_note(&mut *app.conn().await, note(subject, "Ann's too"), &ann)
        .await
        .unwrap();

    // Another clerk: refused, nothing written.
    let before = app.snapshot().await;
    let refused = remove_note(
        &mut *app.conn().await,
        RemoveNote {
            subject,
            note_id: mine.id,
        },
        &bo,
    )
    .await;
    assert!(
        matches!(refused, Err(CommandError::Forbidden(_))),
        "{refused:?}"
    );
    assert_eq!(app.snapshot().await, before);

    // The author, then an admin on the other note.
    let removed = remove_note(
        &mut *app.conn().await,
        RemoveNote {
            subject,
            note_id: mine.id,
        },
        &ann,
    )
    .await
    .unwrap();
    remove_note(
        &mut *app.conn().await,
        RemoveNote {
            subject,
            note_id: theirs.id,
        },
        &root,
    )
    .await
    .unwrap();
    let sql = format!(
        "SELECT count(*) FROM notes WHERE (id = {} AND removed_by = 'ann') \
         OR (id = {} AND removed_by = 'root' AND removed_at IS NOT NULL)",
        mine.id, theirs.id
    );
    assert_eq!(app.scalar(&sql).await, 2, "kept, marked removed by whom");
    let event = format!(
        "SELECT count(*) FROM events WHERE id = {} AND event_type = 'order_note_removed' \
         AND aggregate_id = {order} AND (payload ->> 'note_id')::bigint = {}",
        removed.event_id, mine.id
    );
    assert_eq!(app.scalar(&event).await, 1);
    assert_eq!(app.scalar(&version).await, order_version);

    // A second removal says who removed it first, and writes nothing.
    let before = app.snapshot().await;
    let again = remove_note(
        &mut *app.conn().await,
        RemoveNote {
            subject,
            note_id: mine.id,
        },
        &root,
    )
    .await;
    match again {
        Err(CommandError::Conflict(c)) => assert!(
            c.message.contains("already removed by ann"),
            "{}",
            c.message
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_note_is_removed_only_through_its_own_record() {
    let app = TestApp::spawn().await;
    let (ada, order) = shop(&app).await;
    let ann = as_user(&app, "ann", "clerk").await;
    let on_order = NoteSubject::Order(OrderId(order));
    let ack = add_note(&mut *app.conn().await, note(on_order, "On the order"), &ann)
        .await
        .unwrap();
    let wrong = RemoveNote {
        subject: NoteSubject::Customer(CustomerId(ada)),
        note_id: ack.id,
    };
    let result = remove_note(&mut *app.conn().await, wrong, &ann).await;
    assert!(
        matches!(result, Err(CommandError::NotFound { .. })),
        "{result:?}"
    );
}
