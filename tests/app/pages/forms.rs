//! The order form's own parsing, before any command: every field's error at
//! once, lines merged by SKU and counted. (The commands' tests build typed
//! inputs directly; this is the one test of the form that turns the browser's
//! strings into them.)

use orderdesk::commands::place_order::AddressChoice;
use orderdesk::domain::{AddressId, IdempotencyKey};
use orderdesk::web::forms::{AddressForm, CommandForm, LineForm, OrderForm};

/// An order form with a fresh key.
fn order_form(customer_id: i64, lines: &[(&str, u32)]) -> OrderForm {
    OrderForm {
        customer_id: customer_id.to_string(),
        ship_to: String::new(),
        shipping: AddressForm {
            name: "Ada Tester".into(),
            line1: "1 High Street".into(),
            city: "Town".into(),
            country: "GB".into(),
            ..AddressForm::default()
        },
        save_address: false,
        idempotency_key: IdempotencyKey::generate().to_string(),
        lines: lines
            .iter()
            .map(|(s, q)| LineForm {
                sku: (*s).into(),
                quantity: q.to_string(),
            })
            .collect(),
    }
}

#[test]
fn order_forms_report_each_bad_field() {
    let mut form = order_form(0, &[("TEE", 0), ("", "".parse().unwrap_or(0))]);
    form.shipping.line1 = "  ".into();
    form.shipping.country = "Narnia".into();
    form.idempotency_key = "x".into();
    form.lines[1] = LineForm {
        sku: "BAD SKU".into(),
        quantity: "2".into(),
    };
    let errors = form.parse(()).unwrap_err();
    let fields: Vec<_> = errors.fields().collect();
    assert_eq!(
        fields,
        [
            "customer_id",
            "shipping.line1",
            "shipping.country",
            "idempotency_key",
            "lines[0].quantity",
            "lines[1].sku"
        ]
    );

    let empty = order_form(1, &[]).parse(()).unwrap_err();
    assert!(empty.get("lines").unwrap().contains("at least one line"));

    let skus: Vec<String> = (0..51).map(|i| format!("SKU-{i}")).collect();
    let lines: Vec<(&str, u32)> = skus.iter().map(|s| (s.as_str(), 1)).collect();
    let too_many = order_form(1, &lines).parse(()).unwrap_err();
    assert!(too_many.get("lines").unwrap().contains("at most 50"));

    let over = order_form(1, &[("TEE", 6000), ("TEE", 6000)])
        .parse(())
        .unwrap_err();
    assert!(over.get("lines[1].quantity").unwrap().contains("at most"));
}

#[test]
fn ship_to_names_a_book_address_or_the_new_one_typed() {
    let mut form = order_form(1, &[("TEE", 1)]);
    form.ship_to = "42".into();
    form.shipping = AddressForm::default();
    let input = form.parse(()).unwrap();
    assert_eq!(input.shipping, AddressChoice::Book(AddressId(42)));

    form.ship_to = "the usual".into();
    let refused = form.parse(()).unwrap_err();
    assert!(refused.get("ship_to").unwrap().contains("choose"));

    let mut typed = order_form(1, &[("TEE", 1)]);
    typed.ship_to = "new".into();
    typed.save_address = true;
    typed.shipping.country = "united kingdom".into();
    match typed.parse(()).unwrap().shipping {
        AddressChoice::New {
            address,
            save_to_book,
            ..
        } => {
            assert!(save_to_book);
            assert_eq!(address.fields().country, "GB");
        }
        other @ AddressChoice::Book(_) => panic!("expected a new address, got {other:?}"),
    }
}
