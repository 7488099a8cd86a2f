//! The order form's own parsing, before any command: every field's error at
//! once, lines merged by SKU and counted. (The commands' tests build typed
//! inputs directly; this is the one test of the form that turns the browser's
//! strings into them.)

use orderdesk::commands::place_order::AddressChoice;
use orderdesk::domain::totals::{Amount, Discount};
use orderdesk::domain::{AddressId, Currency, IdempotencyKey, Percent, Sku, TaxRateId};
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
        bill_to: String::new(),
        idempotency_key: IdempotencyKey::generate().to_string(),
        lines: lines
            .iter()
            .map(|(s, q)| LineForm {
                sku: (*s).into(),
                quantity: q.to_string(),
                discount: String::new(),
            })
            .collect(),
        order_discount: String::new(),
        shipping_charge: String::new(),
        shipping_tax_rate: String::new(),
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
        discount: String::new(),
    };
    let errors = form.parse(Currency::default()).unwrap_err();
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

    let empty = order_form(1, &[]).parse(Currency::default()).unwrap_err();
    assert!(empty.get("lines").unwrap().contains("at least one line"));

    let skus: Vec<String> = (0..51).map(|i| format!("SKU-{i}")).collect();
    let lines: Vec<(&str, u32)> = skus.iter().map(|s| (s.as_str(), 1)).collect();
    let too_many = order_form(1, &lines)
        .parse(Currency::default())
        .unwrap_err();
    assert!(too_many.get("lines").unwrap().contains("at most 50"));

    let over = order_form(1, &[("TEE", 6000), ("TEE", 6000)])
        .parse(Currency::default())
        .unwrap_err();
    assert!(over.get("lines[1].quantity").unwrap().contains("at most"));
}

#[test]
fn ship_to_names_a_book_address_or_the_new_one_typed() {
    let mut form = order_form(1, &[("TEE", 1)]);
    form.ship_to = "42".into();
    form.shipping = AddressForm::default();
    let input = form.parse(Currency::default()).unwrap();
    assert_eq!(input.shipping, AddressChoice::Book(AddressId(42)));

    form.ship_to = "the usual".into();
    let refused = form.parse(Currency::default()).unwrap_err();
    assert!(refused.get("ship_to").unwrap().contains("choose"));

    let mut typed = order_form(1, &[("TEE", 1)]);
    typed.ship_to = "new".into();
    typed.save_address = true;
    typed.shipping.country = "united kingdom".into();
    match typed.parse(Currency::default()).unwrap().shipping {
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

#[test]
fn discounts_and_shipping_parse_to_typed_values_or_errors_beside_their_fields() {
    let mut form = order_form(1, &[("TEE", 2), ("MUG", 1)]);
    form.lines[0].discount = "2.50".into();
    form.lines[1].discount = "10%".into();
    form.order_discount = "5%".into();
    form.shipping_charge = "4.99".into();
    form.shipping_tax_rate = "3".into();
    let input = form.parse(Currency::default()).unwrap();
    assert_eq!(
        input.line_discounts.get(&Sku::parse("TEE").unwrap()),
        Amount::new(250).map(Discount::Amount).as_ref()
    );
    assert_eq!(
        input.line_discounts.get(&Sku::parse("MUG").unwrap()),
        Percent::whole(10).map(Discount::Percent).as_ref()
    );
    assert_eq!(
        input.order_discount,
        Percent::whole(5).map(Discount::Percent)
    );
    let shipping = input.shipping_charge.unwrap();
    assert_eq!(
        (shipping.amount.minor(), shipping.tax_rate_id),
        (499, TaxRateId(3))
    );

    form.lines[0].discount = "-1".into();
    form.lines[1].discount = "150%".into();
    form.order_discount = "lots".into();
    form.shipping_charge = "4.999".into();
    form.shipping_tax_rate = String::new();
    let errors = form.parse(Currency::default()).unwrap_err();
    let fields: Vec<_> = errors.fields().collect();
    assert_eq!(
        fields,
        [
            "lines[0].discount",
            "lines[1].discount",
            "order_discount",
            "shipping_charge",
            "shipping_tax_rate"
        ]
    );
}
