//! The address book's commands (add, edit, remove, set default) and the
//! order's own copy of its address (placing with a book address, with a new
//! one saved to the book, and the book edited afterwards).

use std::sync::Arc;

use orderdesk::commands::CommandError;
use orderdesk::commands::edit_address::{EditAddress, edit_address};
use orderdesk::commands::place_order::{AddressChoice, place_order};
use orderdesk::commands::remove_address::{RemoveAddress, remove_address};
use orderdesk::commands::set_default_address::{SetDefaultAddress, set_default_address};
use orderdesk::domain::{
    AddressFields, AddressId, AddressLabel, AddressRole, CustomerId, FieldErrors, PostalAddress,
};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

/// `(shipping, billing)` default ids of a customer, 0 for none.
async fn defaults(app: &TestApp, customer: i64) -> (i64, i64) {
    (
        app.scalar(&format!(
            "SELECT coalesce(default_shipping_address_id, 0) FROM customers WHERE id = {customer}"
        ))
        .await,
        app.scalar(&format!(
            "SELECT coalesce(default_billing_address_id, 0) FROM customers WHERE id = {customer}"
        ))
        .await,
    )
}

fn edit(customer: i64, address: i64, version: i32, line1: &str) -> EditAddress {
    EditAddress {
        customer_id: CustomerId(customer),
        address_id: AddressId(address),
        expected_version: version,
        label: AddressLabel::parse("Home").unwrap(),
        address: inputs::address("Ada Tester", line1, "Town", "GB"),
    }
}

#[tokio::test]
async fn a_first_address_becomes_both_defaults_and_records_its_event() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;

    let home = app.address(ada, "Home", "1 Home Road").await;
    let work = app.address(ada, "Work", "2 Work Road").await;

    assert_eq!(
        defaults(&app, ada).await,
        (home, home),
        "the second changes no default"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE aggregate_type = 'customer' AND aggregate_id = {ada} \
             AND event_type = 'customer_address_added' AND (payload->>'address_id')::bigint \
             IN ({home}, {work})"
        ))
        .await,
        2
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE id = {work} AND label = 'Work' \
             AND line1 = '2 Work Road' AND country = 'GB' AND version = 1"
        ))
        .await,
        1
    );
}

#[test]
fn every_bad_part_of_an_address_is_refused_beside_its_field() {
    let too_long = |n: usize| "x".repeat(n);
    let cases: [(&str, AddressFields); 9] = [
        (
            "address.name",
            AddressFields {
                name: " ".into(),
                ..good()
            },
        ),
        (
            "address.company",
            AddressFields {
                company: too_long(201),
                ..good()
            },
        ),
        (
            "address.line1",
            AddressFields {
                line1: String::new(),
                ..good()
            },
        ),
        (
            "address.line2",
            AddressFields {
                line2: "a\tb".into(),
                ..good()
            },
        ),
        (
            "address.city",
            AddressFields {
                city: too_long(101),
                ..good()
            },
        ),
        (
            "address.region",
            AddressFields {
                region: too_long(101),
                ..good()
            },
        ),
        (
            "address.postal_code",
            AddressFields {
                postal_code: too_long(21),
                ..good()
            },
        ),
        (
            "address.country",
            AddressFields {
                country: "XX".into(),
                ..good()
            },
        ),
        (
            "address.phone",
            AddressFields {
                phone: "ring twice".into(),
                ..good()
            },
        ),
    ];
    for (field, raw) in cases {
        let mut errors = FieldErrors::new();
        assert!(
            PostalAddress::parse(&raw, "address.", &mut errors).is_none(),
            "{field}"
        );
        assert_eq!(errors.fields().collect::<Vec<_>>(), [field]);
    }
    assert!(AddressLabel::parse(&too_long(51)).is_err());
}

fn good() -> AddressFields {
    AddressFields {
        name: "Ada".into(),
        line1: "1 Road".into(),
        city: "Town".into(),
        country: "GB".into(),
        ..AddressFields::default()
    }
}

#[tokio::test]
async fn an_edit_with_a_stale_version_is_a_conflict_naming_what_changed_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    let ack = edit_address(
        &mut *app.conn().await,
        edit(ada, home, 1, "3 New Road"),
        &ctx(),
    )
    .await
    .unwrap();
    assert_eq!(ack.version, Some(2));
    let before = app.snapshot().await;

    let err = edit_address(
        &mut *app.conn().await,
        edit(ada, home, 1, "4 Other Road"),
        &ctx(),
    )
    .await
    .unwrap_err();

    match err {
        CommandError::Conflict(c) => {
            assert_eq!(c.current_version, Some(2));
            assert!(
                c.changes
                    .contains(&("line1".to_owned(), "3 New Road".to_owned()))
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(app.snapshot().await, before);
    // Another customer's address is not found through this one.
    let bob = app.customer("bob@example.com").await;
    let err = edit_address(&mut *app.conn().await, edit(bob, home, 2, "5 Road"), &ctx())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::NotFound {
                what: "address",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_default_cannot_be_removed_while_others_remain_but_the_last_takes_its_defaults() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    let work = app.address(ada, "Work", "2 Work Road").await;
    let before = app.snapshot().await;
    let remove = |id: i64| RemoveAddress {
        customer_id: CustomerId(ada),
        address_id: AddressId(id),
        expected_version: 1,
    };

    let err = remove_address(&mut *app.conn().await, remove(home), &ctx())
        .await
        .unwrap_err();
    match err {
        CommandError::Invalid(e) => {
            assert!(
                e.get("address")
                    .unwrap()
                    .contains("default shipping and billing")
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(app.snapshot().await, before);
    // The database holds the rule too: a default's row cannot be deleted.
    let mut conn = app.conn().await;
    let raw = diesel_async::RunQueryDsl::execute(
        diesel::sql_query(format!("DELETE FROM customer_addresses WHERE id = {home}")),
        &mut *conn,
    )
    .await;
    assert!(raw.is_err(), "the default's reference refuses the delete");
    drop(conn);

    let removed = remove_address(&mut *app.conn().await, remove(work), &ctx())
        .await
        .unwrap();
    assert!(removed.cleared_defaults.is_empty());
    let removed = remove_address(&mut *app.conn().await, remove(home), &ctx())
        .await
        .unwrap();
    assert_eq!(
        removed.cleared_defaults,
        [AddressRole::Shipping, AddressRole::Billing]
    );
    assert_eq!(defaults(&app, ada).await, (0, 0));
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE event_type = 'customer_address_removed' \
             AND payload->'cleared_defaults' = '[\"shipping\", \"billing\"]'::jsonb \
             AND aggregate_id = {ada}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn setting_a_default_moves_it_and_another_customers_address_is_not_found() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    let work = app.address(ada, "Work", "2 Work Road").await;
    let bobs = app.address(bob, "Home", "9 Bob Road").await;
    let set = |customer: i64, id: i64, role| SetDefaultAddress {
        customer_id: CustomerId(customer),
        address_id: AddressId(id),
        role,
    };

    set_default_address(
        &mut *app.conn().await,
        set(ada, work, AddressRole::Billing),
        &ctx(),
    )
    .await
    .unwrap();
    assert_eq!(defaults(&app, ada).await, (home, work));

    let before = app.snapshot().await;
    let err = set_default_address(
        &mut *app.conn().await,
        set(ada, bobs, AddressRole::Shipping),
        &ctx(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::NotFound {
                what: "address",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn defaults_set_at_once_leave_exactly_one_default_of_each_kind() {
    let app = Arc::new(TestApp::spawn().await);
    let ada = app.customer("ada@example.com").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(app.address(ada, "", &format!("{i} Road")).await);
    }

    let tasks: Vec<_> = ids
        .iter()
        .flat_map(|&id| [AddressRole::Shipping, AddressRole::Billing].map(move |role| (id, role)))
        .map(|(id, role)| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                let input = SetDefaultAddress {
                    customer_id: CustomerId(ada),
                    address_id: AddressId(id),
                    role,
                };
                set_default_address(&mut *app.conn().await, input, &ctx()).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    let (shipping, billing) = defaults(&app, ada).await;
    assert!(ids.contains(&shipping) && ids.contains(&billing));
    // The read side agrees: exactly one address of the book is marked each way.
    app.refresh().await;
    let marked = |key: &str| {
        format!(
            "SELECT count(*) FROM read.customer_stats, jsonb_array_elements(addresses) a \
             WHERE customer_id = {ada} AND (a->>'{key}')::boolean"
        )
    };
    assert_eq!(app.scalar(&marked("default_shipping")).await, 1);
    assert_eq!(app.scalar(&marked("default_billing")).await, 1);
}

#[tokio::test]
async fn an_order_copies_a_book_address_and_a_later_edit_of_the_book_leaves_it_alone() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    let mut input = inputs::order(ada, &[("TEE", 1)]);
    input.shipping = AddressChoice::Book(AddressId(home));

    let order = place_order(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
    edit_address(
        &mut *app.conn().await,
        edit(ada, home, 1, "7 Moved Road"),
        &ctx(),
    )
    .await
    .unwrap();

    let copied = |line1: &str| {
        format!(
            "SELECT count(*) FROM order_addresses WHERE order_id = {} AND role = 'shipping' \
             AND structured AND line1 = '{line1}' AND name = 'Ada Tester' AND country = 'GB'",
            order.id
        )
    };
    assert_eq!(app.scalar(&copied("1 Home Road")).await, 1);
    assert_eq!(app.scalar(&copied("7 Moved Road")).await, 0);
    app.refresh().await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM read.order_summaries WHERE id = {} \
             AND shipping->>'line1' = '1 Home Road' AND shipping_address IS NULL",
            order.id
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_new_address_saved_with_the_order_joins_the_book_in_the_same_transaction() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let mut input = inputs::order(ada, &[("TEE", 1)]);
    input.shipping = AddressChoice::New {
        address: inputs::address("Ada Tester", "9 Fresh Road", "Leeds", "GB"),
        save_to_book: true,
        label: AddressLabel::default(),
    };

    let order = place_order(&mut *app.conn().await, input.clone(), &ctx())
        .await
        .unwrap();

    let saved = app
        .scalar(&format!(
            "SELECT id FROM customer_addresses WHERE customer_id = {ada} AND line1 = '9 Fresh Road'"
        ))
        .await;
    // The book's first address became the defaults; the event names it.
    assert_eq!(defaults(&app, ada).await, (saved, saved));
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE event_type = 'order_placed' AND aggregate_id = {} \
             AND (payload->>'saved_to_book')::bigint = {saved} \
             AND payload->'shipping_address'->>'city' = 'Leeds'",
            order.id
        ))
        .await,
        1
    );
    // A replay places nothing and saves nothing twice.
    let again = place_order(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE customer_id = {ada}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_refused_order_saves_no_address_and_a_vanished_book_address_is_a_field_error() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    app.product("TEE", "10", 1).await;
    let bobs = app.address(bob, "Home", "9 Bob Road").await;
    let before = app.snapshot().await;

    let mut short = inputs::order(ada, &[("TEE", 5)]);
    short.shipping = AddressChoice::New {
        address: inputs::address("Ada Tester", "9 Fresh Road", "Leeds", "GB"),
        save_to_book: true,
        label: AddressLabel::default(),
    };
    let err = place_order(&mut *app.conn().await, short, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::InsufficientStock(_)), "{err:?}");

    let mut wrong = inputs::order(ada, &[("TEE", 1)]);
    wrong.shipping = AddressChoice::Book(AddressId(bobs));
    match place_order(&mut *app.conn().await, wrong, &ctx())
        .await
        .unwrap_err()
    {
        CommandError::Invalid(e) => assert!(e.get("ship_to").is_some(), "{e}"),
        other => panic!("expected a field error, got {other:?}"),
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn the_same_key_with_another_address_is_a_conflict() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let first = inputs::order(ada, &[("TEE", 1)]);
    place_order(&mut *app.conn().await, first.clone(), &ctx())
        .await
        .unwrap();

    let mut other = first;
    other.shipping = AddressChoice::New {
        address: inputs::address("Ada Tester", "2 Elsewhere", "Town", "GB"),
        save_to_book: false,
        label: AddressLabel::default(),
    };
    let err = place_order(&mut *app.conn().await, other, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Conflict(_)), "{err:?}");
}
