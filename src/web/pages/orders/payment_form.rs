//! The order page's payment forms as submitted: record a payment, refund,
//! void an entry. Amounts are read in the shop's currency; the date is the
//! shop's day (blank: today); a method outside cash, card, bank transfer and
//! other is refused beside its field.

use chrono::NaiveDate;
use rocket::form::FromForm;

use crate::commands::record_payment::RecordPayment;
use crate::commands::refund_payment::RefundPayment;
use crate::commands::void_payment::VoidPayment;
use crate::domain::{
    Currency, FieldErrors, IdempotencyKey, Money, OrderId, PaymentMethod, PaymentReference,
};
use crate::web::forms::CommandForm;

/// "Record payment" as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct PaymentForm {
    #[field(default = String::new())]
    pub idempotency_key: String,
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub method: String,
    #[field(default = String::new())]
    pub reference: String,
    #[field(default = String::new())]
    pub received_on: String,
    #[field(default = false)]
    pub confirm_overpayment: bool,
}

/// "Refund" as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct RefundForm {
    #[field(default = String::new())]
    pub idempotency_key: String,
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub method: String,
    #[field(default = String::new())]
    pub reference: String,
    #[field(default = String::new())]
    pub received_on: String,
}

/// "Void" of one entry as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct VoidForm {
    #[field(default = String::new())]
    pub idempotency_key: String,
    #[field(default = String::new())]
    pub reason: String,
}

/// A date as `YYYY-MM-DD` (what `<input type="date">` sends); blank: `None`.
fn parse_date(raw: &str) -> Result<Option<NaiveDate>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "enter the date as YYYY-MM-DD, e.g. 2026-12-06".to_owned())
}

/// The fields a payment and a refund share, parsed.
struct Common {
    key: IdempotencyKey,
    amount: Money,
    method: PaymentMethod,
    reference: Option<PaymentReference>,
    received_on: Option<NaiveDate>,
}

fn common(
    (key, amount, method, reference, received_on): (&str, &str, &str, &str, &str),
    currency: Currency,
    errors: &mut FieldErrors,
) -> Option<Common> {
    let key = errors.check("idempotency_key", IdempotencyKey::parse(key));
    let amount = errors.check("amount", Money::parse_in(amount, currency.exponent()));
    let method = errors.check("method", PaymentMethod::parse(method));
    let reference = errors.check("reference", PaymentReference::parse_optional(reference));
    let received_on = errors.check("received_on", parse_date(received_on));
    Some(Common {
        key: key?,
        amount: amount?,
        method: method?,
        reference: reference?,
        received_on: received_on?,
    })
}

impl CommandForm for PaymentForm {
    type Input = RecordPayment;
    /// The order's id and the shop's currency.
    type Context = (i64, Currency);

    fn parse(&self, (order_id, currency): (i64, Currency)) -> Result<RecordPayment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let fields = (
            self.idempotency_key.as_str(),
            self.amount.as_str(),
            self.method.as_str(),
            self.reference.as_str(),
            self.received_on.as_str(),
        );
        match common(fields, currency, &mut errors) {
            Some(c) if errors.is_empty() => Ok(RecordPayment {
                order_id: OrderId(order_id),
                key: c.key,
                amount: c.amount,
                method: c.method,
                reference: c.reference,
                received_on: c.received_on,
                overpayment_confirmed: self.confirm_overpayment,
            }),
            _ => Err(errors),
        }
    }
}

impl CommandForm for RefundForm {
    type Input = RefundPayment;
    /// The order's id and the shop's currency.
    type Context = (i64, Currency);

    fn parse(&self, (order_id, currency): (i64, Currency)) -> Result<RefundPayment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let fields = (
            self.idempotency_key.as_str(),
            self.amount.as_str(),
            self.method.as_str(),
            self.reference.as_str(),
            self.received_on.as_str(),
        );
        match common(fields, currency, &mut errors) {
            Some(c) if errors.is_empty() => Ok(RefundPayment {
                order_id: OrderId(order_id),
                key: c.key,
                amount: c.amount,
                method: c.method,
                reference: c.reference,
                received_on: c.received_on,
            }),
            _ => Err(errors),
        }
    }
}

impl CommandForm for VoidForm {
    type Input = VoidPayment;
    /// The order's and the entry's ids.
    type Context = (i64, i64);

    fn parse(&self, (order_id, payment_id): (i64, i64)) -> Result<VoidPayment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let key = errors.check(
            "idempotency_key",
            IdempotencyKey::parse(&self.idempotency_key),
        );
        let reason = errors.check("reason", PaymentReference::parse_optional(&self.reason));
        match (key, reason) {
            (Some(key), Some(reason)) if errors.is_empty() => Ok(VoidPayment {
                order_id: OrderId(order_id),
                payment_id,
                key,
                reason,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(amount: &str, method: &str) -> PaymentForm {
        PaymentForm {
            idempotency_key: "key-12345678".into(),
            amount: amount.into(),
            method: method.into(),
            ..<PaymentForm as Default>::default()
        }
    }

    #[test]
    fn bad_amounts_and_methods_are_refused_beside_their_fields() {
        for bad in ["-5", "0", "0.00", "abc", ""] {
            let errors = form(bad, "card")
                .parse((1, Currency::default()))
                .unwrap_err();
            assert!(errors.get("amount").is_some(), "{bad:?}");
        }
        let errors = form("10", "cheque")
            .parse((1, Currency::default()))
            .unwrap_err();
        assert_eq!(
            errors.get("method"),
            Some("choose cash, card, bank transfer or other")
        );
        let ok = form("10.50", "bank_transfer")
            .parse((1, Currency::default()))
            .unwrap();
        assert_eq!(ok.amount.cents(), 1050);
        assert_eq!(ok.method, PaymentMethod::BankTransfer);
        assert_eq!(ok.received_on, None);
    }
}
