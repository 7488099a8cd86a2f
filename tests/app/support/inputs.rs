//! Commands' typed inputs, built directly from domain values (what a form or
//! the command line would have parsed), so the tests of the write side and
//! the fixture builders never go through the web layer's forms. Every text
//! here is the test's own constant: a value that fails to parse is a broken
//! test, hence the `expect`s.

use std::collections::BTreeMap;

use orderdesk::commands::add_address::AddAddress;
use orderdesk::commands::adjust_stock::AdjustStock;
use orderdesk::commands::cancel_order::CancelOrder;
use orderdesk::commands::create_product::{CreateProduct, ProductDetails};
use orderdesk::commands::create_user::CreateUser;
use orderdesk::commands::edit_order::EditOrder;
use orderdesk::commands::place_order::{AddressChoice, PlaceOrder};
use orderdesk::commands::receive_stock::ReceiveStock;
use orderdesk::commands::register_customer::CustomerDetails;
use orderdesk::domain::{
    AddressFields, AddressLabel, Currency, CustomerId, Email, FieldErrors, IdempotencyKey, Money,
    Name, Note, OrderId, Password, Phone, PostalAddress, ProductId, Quantity, Reason, Role, Sku,
    StockDelta, StockLevel, TaxRateId, Username,
};

/// A customer's details; `phone` may be empty.
pub fn customer(email: &str, name: &str, phone: &str) -> CustomerDetails {
    CustomerDetails {
        email: Email::parse(email).expect("a test email"),
        name: Name::parse(name).expect("a test name"),
        phone: Phone::parse_optional(phone).expect("a test phone"),
    }
}

/// A product's details, active, with no description; `price` in the
/// default currency ("9.99").
/// The rate migration 000060 creates ("Zero", 0 %, the shop's default):
/// the first row of `tax_rates` in every test database.
pub const ZERO_RATE: TaxRateId = TaxRateId(1);

pub fn product_details(name: &str, price: &str) -> ProductDetails {
    ProductDetails {
        name: Name::parse(name).expect("a test name"),
        description: String::new(),
        price: Money::parse_in(price, Currency::default().exponent()).expect("a test price"),
        active: true,
        low_stock_threshold: StockLevel::default_threshold(),
        tax_rate: None,
    }
}

/// A new active product.
pub fn product(sku: &str, name: &str, price: &str) -> CreateProduct {
    CreateProduct {
        sku: Sku::parse(sku).expect("a test SKU"),
        details: product_details(name, price),
    }
}

/// `quantity` units received for `product_id`, with `note` (may be empty).
pub fn receipt(product_id: i64, quantity: u32, note: &str) -> ReceiveStock {
    ReceiveStock {
        product_id: ProductId(product_id),
        quantity: Quantity::new(i64::from(quantity)).expect("a test quantity"),
        note: Note::parse(note).expect("a test note"),
    }
}

/// A stock adjustment of `delta` ("-3", "+2") for `reason`.
pub fn adjustment(product_id: i64, delta: &str, reason: &str) -> AdjustStock {
    AdjustStock {
        product_id: ProductId(product_id),
        delta: StockDelta::parse(delta).expect("a test delta"),
        reason: Reason::parse(reason).expect("a test reason"),
    }
}

/// An order of `(sku, quantity)` lines to the test address with a fresh
/// idempotency key; repeated SKUs are added together, as the order form does.
pub fn order(customer_id: i64, lines: &[(&str, u32)]) -> PlaceOrder {
    let mut merged: BTreeMap<Sku, Quantity> = BTreeMap::new();
    for (sku, quantity) in lines {
        let sku = Sku::parse(sku).expect("a test SKU");
        let before = merged.get(&sku).map_or(0, |q| i64::from(q.get()));
        let quantity =
            Quantity::new(before + i64::from(*quantity)).expect("a test quantity in bounds");
        merged.insert(sku, quantity);
    }
    PlaceOrder {
        customer_id: CustomerId(customer_id),
        shipping: AddressChoice::New {
            address: address("Ada Tester", "1 High Street", "Town", "GB"),
            save_to_book: false,
            label: AddressLabel::default(),
        },
        billing: None,
        idempotency_key: IdempotencyKey::generate(),
        lines: merged,
        line_discounts: BTreeMap::new(),
        order_discount: None,
        shipping_charge: None,
    }
}

/// A postal address with the required parts only (name, first line, town,
/// country code or name).
pub fn address(name: &str, line1: &str, city: &str, country: &str) -> PostalAddress {
    let raw = AddressFields {
        name: name.into(),
        line1: line1.into(),
        city: city.into(),
        country: country.into(),
        ..AddressFields::default()
    };
    let mut errors = FieldErrors::new();
    PostalAddress::parse(&raw, "", &mut errors).expect("a test address")
}

/// Adding `address` to customer `customer_id`'s book, labelled `label`.
pub fn add_address(customer_id: i64, label: &str, address: PostalAddress) -> AddAddress {
    AddAddress {
        customer_id: CustomerId(customer_id),
        label: AddressLabel::parse(label).expect("a test label"),
        address,
        default_shipping: false,
        default_billing: false,
    }
}

/// Cancelling `order_id` for `reason`.
pub fn cancel(order_id: i64, reason: &str) -> CancelOrder {
    CancelOrder {
        order_id: OrderId(order_id),
        reason: Reason::parse(reason).expect("a test reason"),
        refund: None,
    }
}

/// A staff account; `role` as stored ("clerk", "manager", "admin").
pub fn user(username: &str, password: &str, role: &str) -> CreateUser {
    let username = Username::parse(username).expect("a test username");
    CreateUser {
        password: Password::parse(password, &username).expect("a test password"),
        username,
        role: Role::parse(role).expect("a test role"),
    }
}

/// Editing `order_id` (at `version`) to exactly the `(sku, quantity)`
/// lines (quantity 0 removes), to the test address, with a fresh key.
pub fn edit(order_id: i64, version: i32, lines: &[(&str, u32)]) -> EditOrder {
    EditOrder {
        order_id: OrderId(order_id),
        expected_version: version,
        lines: lines
            .iter()
            .map(|(sku, q)| {
                let sku = Sku::parse(sku).expect("a test SKU");
                let q = (*q > 0).then(|| Quantity::new(i64::from(*q)).expect("a test quantity"));
                (sku, q)
            })
            .collect(),
        line_discounts: BTreeMap::new(),
        order_discount: None,
        shipping_charge: None,
        shipping: AddressChoice::New {
            address: address("Ada Tester", "1 High Street", "Town", "GB"),
            save_to_book: false,
            label: AddressLabel::default(),
        },
        billing: None,
        idempotency_key: IdempotencyKey::generate(),
    }
}
