//! Tax rates (create, edit, archive), the shop's settings, and a product's
//! rate through CreateProduct/UpdateProduct.

use orderdesk::commands::CommandError;
use orderdesk::commands::archive_tax_rate::{ArchiveTaxRate, archive_tax_rate};
use orderdesk::commands::change_shop_settings::{
    ChangeShopSettings, ShopSettings, change_shop_settings, current,
};
use orderdesk::commands::create_product::create_product;
use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
use orderdesk::commands::update_product::{UpdateProduct, update_product};
use orderdesk::commands::update_tax_rate::{UpdateTaxRate, update_tax_rate};
use orderdesk::domain::event_payload::ProductUpdated;
use orderdesk::domain::{Percent, ProductId, TaxId, TaxRateId, TaxRateName};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs::{ZERO_RATE, product};

fn rate(name: &str, percent: &str) -> TaxRateDetails {
    TaxRateDetails {
        name: TaxRateName::parse(name).unwrap(),
        rate: Percent::parse(percent).unwrap(),
    }
}

async fn new_rate(app: &TestApp, name: &str, percent: &str) -> i64 {
    create_tax_rate(&mut *app.conn().await, rate(name, percent), &ctx())
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_rate_is_stored_exactly_with_its_event() {
    let app = TestApp::spawn().await;
    let id = new_rate(&app, "New York", "8.875").await;

    let sql = format!("SELECT rate_ppm FROM tax_rates WHERE id = {id}");
    assert_eq!(app.scalar(&sql).await, 88_750);
    let events = format!(
        "SELECT count(*) FROM events WHERE aggregate_type = 'tax_rate' AND aggregate_id = {id} \
         AND event_type = 'tax_rate_created' AND (payload ->> 'rate_ppm')::int = 88750"
    );
    assert_eq!(app.scalar(&events).await, 1);
}

#[tokio::test]
async fn a_rate_outside_0_to_100_or_without_a_name_is_refused_by_its_type() {
    for bad in ["100.01", "-1", "abc", "", "20.00001"] {
        assert!(Percent::parse(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(Percent::parse("100").unwrap().ppm(), 1_000_000);
    assert_eq!(Percent::parse("0").unwrap().ppm(), 0);
    assert!(TaxRateName::parse("  ").is_err());
    assert!(TaxRateName::parse(&"x".repeat(101)).is_err());
    assert!(TaxId::parse_optional(&"x".repeat(51)).is_err());
    assert_eq!(TaxId::parse_optional("  ").unwrap(), None);
}

#[tokio::test]
async fn a_duplicate_name_whatever_its_case_is_a_field_error_and_writes_nothing() {
    let app = TestApp::spawn().await;
    new_rate(&app, "Standard", "20").await;
    let before = app.snapshot().await;

    let err = create_tax_rate(&mut *app.conn().await, rate("standard", "19"), &ctx())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, CommandError::Invalid(e) if e.get("name").is_some()),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
    // Renaming another rate to it is refused the same way.
    let reduced = new_rate(&app, "Reduced", "5").await;
    let before = app.snapshot().await;
    let input = UpdateTaxRate {
        tax_rate_id: TaxRateId(reduced),
        expected_version: 1,
        details: rate("STANDARD", "5"),
    };
    let err = update_tax_rate(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(&err, CommandError::Invalid(e) if e.get("name").is_some()));
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn an_edit_against_a_stale_version_is_a_conflict_naming_what_changed() {
    let app = TestApp::spawn().await;
    let id = new_rate(&app, "Standard", "20").await;
    let first = UpdateTaxRate {
        tax_rate_id: TaxRateId(id),
        expected_version: 1,
        details: rate("Standard", "21"),
    };
    let ack = update_tax_rate(&mut *app.conn().await, first, &ctx())
        .await
        .unwrap();
    assert_eq!(ack.version, Some(2));
    let before = app.snapshot().await;

    let stale = UpdateTaxRate {
        tax_rate_id: TaxRateId(id),
        expected_version: 1,
        details: rate("Standard", "19"),
    };
    let err = update_tax_rate(&mut *app.conn().await, stale, &ctx())
        .await
        .unwrap_err();

    let CommandError::Conflict(c) = err else {
        panic!("{err:?}")
    };
    assert_eq!(c.current_version, Some(2));
    assert_eq!(c.changes, vec![("rate".to_owned(), "21%".to_owned())]);
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn an_archived_rate_stays_on_its_products_but_is_not_chosen_anew() {
    let app = TestApp::spawn().await;
    let reduced = new_rate(&app, "Reduced", "5").await;
    let mut input = product("TEA-1", "Tea", "3.99");
    input.details.tax_rate = Some(TaxRateId(reduced));
    let tea = create_product(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();

    let archive = ArchiveTaxRate {
        tax_rate_id: TaxRateId(reduced),
        expected_version: 1,
    };
    archive_tax_rate(&mut *app.conn().await, archive, &ctx())
        .await
        .unwrap();

    // The product keeps it, and an edit that keeps it is saved.
    let mut details = product("TEA-1", "Green tea", "3.99").details;
    details.tax_rate = Some(TaxRateId(reduced));
    let edit = UpdateProduct {
        product_id: ProductId(tea.id),
        expected_version: 1,
        details: details.clone(),
    };
    update_product(&mut *app.conn().await, edit, &ctx())
        .await
        .unwrap();
    // A new product may not take it.
    let mut other = product("TEA-2", "Black tea", "3.99");
    other.details.tax_rate = Some(TaxRateId(reduced));
    let before = app.snapshot().await;
    let err = create_product(&mut *app.conn().await, other, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(&err, CommandError::Invalid(e) if e.get("tax_rate").is_some()));
    assert_eq!(app.snapshot().await, before);
    // Archiving again, or the default rate, is refused.
    let again = ArchiveTaxRate {
        tax_rate_id: TaxRateId(reduced),
        expected_version: 2,
    };
    let err = archive_tax_rate(&mut *app.conn().await, again, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Invalid(_)), "{err:?}");
    let default = ArchiveTaxRate {
        tax_rate_id: ZERO_RATE,
        expected_version: 1,
    };
    let err = archive_tax_rate(&mut *app.conn().await, default, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(&err, CommandError::Invalid(e) if e.to_string().contains("default")));
}

#[tokio::test]
async fn a_product_gets_the_default_rate_unless_one_is_chosen_and_its_events_say_which() {
    let app = TestApp::spawn().await;
    let standard = new_rate(&app, "Standard", "20").await;
    let mug = app.product("MUG", "7.50", 0).await;
    let sql = format!("SELECT tax_rate_id FROM products WHERE id = {mug}");
    assert_eq!(app.scalar(&sql).await, ZERO_RATE.get());

    let mut details = product("MUG", "Mug", "7.50").details;
    details.tax_rate = Some(TaxRateId(standard));
    let edit = UpdateProduct {
        product_id: ProductId(mug),
        expected_version: 1,
        details: details.clone(),
    };
    let ack = update_product(&mut *app.conn().await, edit, &ctx())
        .await
        .unwrap();
    assert_eq!(app.scalar(&sql).await, standard);
    let payload: serde_json::Value = app
        .json(&format!(
            "SELECT payload FROM events WHERE id = {}",
            ack.event_id
        ))
        .await;
    let event = ProductUpdated::read(&payload).unwrap();
    assert_eq!(event.tax_rate_id, Some(standard));
    assert_eq!(payload["schema_version"], 2);

    // A stale edit names the stored rate in the conflict.
    details.tax_rate = Some(ZERO_RATE);
    let stale = UpdateProduct {
        product_id: ProductId(mug),
        expected_version: 1,
        details,
    };
    let err = update_product(&mut *app.conn().await, stale, &ctx())
        .await
        .unwrap_err();
    let CommandError::Conflict(c) = err else {
        panic!("{err:?}")
    };
    assert!(
        c.changes
            .contains(&("tax_rate".to_owned(), "Standard".to_owned())),
        "{:?}",
        c.changes
    );
}

fn settings(rate: TaxRateId) -> ShopSettings {
    ShopSettings {
        prices_include_tax: true,
        tax_id: TaxId::parse_optional("GB123456789").unwrap(),
        ship_on_account: false,
        invoice_on_payment: true,
        default_tax_rate: rate,
    }
}

#[tokio::test]
async fn settings_change_with_an_event_of_old_and_new_and_a_stale_save_conflicts() {
    let app = TestApp::spawn().await;
    let standard = TaxRateId(new_rate(&app, "Standard", "20").await);
    let input = ChangeShopSettings {
        expected_version: 1,
        settings: settings(standard),
    };
    let ack = change_shop_settings(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
    assert_eq!(ack.version, Some(2));
    let (now, version) = current(&mut *app.conn().await).await.unwrap();
    assert_eq!((now, version), (settings(standard), 2));
    let payload = app
        .json(&format!(
            "SELECT payload FROM events WHERE id = {}",
            ack.event_id
        ))
        .await;
    assert_eq!(payload["prices_include_tax"]["old"], false);
    assert_eq!(payload["prices_include_tax"]["new"], true);
    assert_eq!(payload["tax_id"]["new"], "GB123456789");
    assert_eq!(payload["default_tax_rate"]["new"], standard.get());
    assert!(payload.get("ship_on_account").is_none(), "{payload}");

    let before = app.snapshot().await;
    let stale = ChangeShopSettings {
        expected_version: 1,
        settings: ShopSettings {
            prices_include_tax: false,
            ..settings(standard)
        },
    };
    let err = change_shop_settings(&mut *app.conn().await, stale, &ctx())
        .await
        .unwrap_err();
    let CommandError::Conflict(c) = err else {
        panic!("{err:?}")
    };
    assert_eq!(c.current_version, Some(2));
    assert_eq!(
        c.changes,
        vec![("prices_include_tax".to_owned(), "true".to_owned())]
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn an_archived_or_unknown_default_rate_is_refused() {
    let app = TestApp::spawn().await;
    let old = new_rate(&app, "Old", "7").await;
    let archive = ArchiveTaxRate {
        tax_rate_id: TaxRateId(old),
        expected_version: 1,
    };
    archive_tax_rate(&mut *app.conn().await, archive, &ctx())
        .await
        .unwrap();
    let before = app.snapshot().await;
    for rate in [TaxRateId(old), TaxRateId(9999)] {
        let input = ChangeShopSettings {
            expected_version: 1,
            settings: settings(rate),
        };
        let err = change_shop_settings(&mut *app.conn().await, input, &ctx())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, CommandError::Invalid(e) if e.get("default_tax_rate").is_some()),
            "{err:?}"
        );
    }
    assert_eq!(app.snapshot().await, before);
}
