//! The order-entry form as submitted and as re-rendered: raw values kept, the
//! products and customer they name looked up, the totals priced by the one
//! pricing function ([`super::entry_totals`]; the command prices again from
//! its own tables when it runs).

use rocket::form::{FromForm, FromFormField};

use super::entry_totals::TotalsView;
use crate::domain::{FieldErrors, IdempotencyKey, Quantity};
use crate::queries::order_entry::{CustomerChoice, ProductChoice};
use crate::queries::shop::TaxRateRow;
use crate::web::forms::{AddressForm, LineForm, OrderForm};
use crate::web::pages::customers::{FieldView, address_inputs, countries};
use crate::web::shell::command_form::Button;

/// Rows the form offers at first.
pub const BLANK_LINES: usize = 5;

/// The order-entry form's buttons. An unknown one (or none, as when Enter
/// is pressed in a browser that names no button) updates the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromFormField)]
pub enum EntryAction {
    /// "Place order".
    Place,
    /// "Register and select": the inline new customer.
    #[field(value = "register_customer")]
    RegisterCustomer,
    /// "Find customer" (no-JS entry).
    #[field(value = "find_customer")]
    FindCustomer,
    /// "Find products" (no-JS entry).
    #[field(value = "find_products")]
    FindProducts,
    /// "More lines".
    #[field(value = "more_lines")]
    MoreLines,
    /// "Update totals".
    Preview,
    /// "Save changes" (the edit form).
    Save,
}

/// Everything the order-entry form posts. `action` says which button.
#[derive(Debug, Clone, Default, FromForm)]
pub struct EntryForm {
    pub action: Button<EntryAction>,
    #[field(default = String::new())]
    pub customer_id: String,
    /// A customer picked from the "Find customer" results (no-JS entry);
    /// it replaces `customer_id` when set.
    #[field(default = String::new())]
    pub customer_pick: String,
    #[field(default = String::new())]
    pub customer_q: String,
    #[field(default = String::new())]
    pub product_q: String,
    #[field(default = String::new())]
    pub new_customer_email: String,
    #[field(default = String::new())]
    pub new_customer_name: String,
    /// An address of the customer's book, or `new`.
    #[field(default = String::new())]
    pub ship_to: String,
    pub shipping: AddressForm,
    #[field(default = false)]
    pub save_address: bool,
    /// An address of the customer's book to bill to, or `same`.
    #[field(default = String::new())]
    pub bill_to: String,
    #[field(default = String::new())]
    pub idempotency_key: String,
    /// The SKU of a found product whose "Add" button was pressed (no-JS entry).
    #[field(default = String::new())]
    pub add_sku: String,
    pub lines: Vec<LineForm>,
    /// A discount on the whole order (`5.00` or `10%`).
    #[field(default = String::new())]
    pub order_discount: String,
    /// The shipping charge; blank for none.
    #[field(default = String::new())]
    pub shipping_charge: String,
    /// The id of the shipping charge's tax rate.
    #[field(default = String::new())]
    pub shipping_tax_rate: String,
    /// The edit form: the order's version it was drawn from (blank in order entry).
    #[field(default = String::new())]
    pub expected_version: String,
    /// The edit form: the order it edits, so the preview prices its lines
    /// as they were priced (blank in order entry).
    #[field(default = String::new())]
    pub order_id: String,
}

impl EntryForm {
    /// A fresh, empty form with a new idempotency key.
    pub fn blank() -> Self {
        Self {
            idempotency_key: IdempotencyKey::generate().to_string(),
            lines: vec![<LineForm as Default>::default(); BLANK_LINES],
            ..<Self as Default>::default()
        }
    }

    /// The part the place-order command parses.
    pub fn order(&self) -> OrderForm {
        OrderForm {
            customer_id: self.customer_id.clone(),
            ship_to: self.ship_to.clone(),
            shipping: self.shipping.clone(),
            save_address: self.save_address,
            bill_to: self.bill_to.clone(),
            idempotency_key: self.idempotency_key.clone(),
            lines: self.lines.clone(),
            order_discount: self.order_discount.clone(),
            shipping_charge: self.shipping_charge.clone(),
            shipping_tax_rate: self.shipping_tax_rate.clone(),
        }
    }

    /// The SKUs the lines name, upper-cased.
    pub fn skus(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|l| l.sku.trim().to_uppercase())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Puts one of `sku` on the order: one more on the line that has it, or
    /// quantity 1 on the first free line (a new one if none is free).
    pub fn add_product(&mut self, sku: &str) {
        let sku = sku.trim().to_uppercase();
        if sku.is_empty() {
            return;
        }
        if let Some(line) = self
            .lines
            .iter_mut()
            .find(|l| l.sku.trim().eq_ignore_ascii_case(&sku))
        {
            let more = line
                .quantity
                .trim()
                .parse::<u32>()
                .map_or(1, |q| q.saturating_add(1));
            line.quantity = more.to_string();
            return;
        }
        let line = LineForm {
            sku,
            quantity: "1".into(),
            discount: String::new(),
        };
        match self.lines.iter_mut().find(|l| l.sku.trim().is_empty()) {
            Some(free) => *free = line,
            None => self.lines.push(line),
        }
    }

    /// Keeps the filled lines and pads with blank rows.
    pub fn pad_lines(&mut self, extra: usize) {
        self.lines.retain(|l| {
            !(l.sku.trim().is_empty()
                && l.quantity.trim().is_empty()
                && l.discount.trim().is_empty())
        });
        let blanks = extra.max(BLANK_LINES.saturating_sub(self.lines.len()));
        self.lines.extend(std::iter::repeat_n(
            <LineForm as Default>::default(),
            blanks,
        ));
    }
}

/// One line as the page shows it.
#[derive(Debug, Clone)]
pub struct LineView {
    pub index: usize,
    pub sku: String,
    pub quantity: String,
    /// The discount as typed.
    pub discount: String,
    pub product: Option<ProductChoice>,
    /// The line after its discounts (its own and its share of the order's),
    /// in the entered pricing: from the priced preview, never added up here.
    pub line_total_cents: Option<i64>,
    pub error: Option<String>,
    pub discount_error: Option<String>,
    /// The line just added: its quantity gets the focus.
    pub focus: bool,
}

/// The whole page's state.
#[derive(Debug, Clone)]
pub struct EntryView {
    pub form: EntryForm,
    pub customer: Option<CustomerChoice>,
    pub customer_matches: Vec<CustomerChoice>,
    pub product_matches: Vec<ProductChoice>,
    pub lines: Vec<LineView>,
    /// The order priced by the one pricing function (`None` without a line
    /// to price, or when a discount or the shipping rate is refused: the
    /// error is beside its field).
    pub totals: Option<TotalsView>,
    /// The active rates, for the shipping charge's rate.
    pub tax_rates: Vec<TaxRateRow>,
    pub errors: FieldErrors,
    pub notice: Option<String>,
    /// The new address's inputs (`shipping.*`).
    pub shipping_inputs: Vec<FieldView>,
    /// Every country, for the page's one `<datalist>`.
    pub countries: &'static [(&'static str, &'static str)],
    /// The edit form: its texts say so, quantity 0 removes a line and the
    /// order's own lines (`kept`, by SKU) may be of products no longer for sale.
    pub editing: bool,
    pub kept: Vec<String>,
    /// The edit form: the order's own billing address, one line (`None`:
    /// it has none, invoices bill to the shipping address).
    pub billed_to: Option<String>,
}

impl EntryView {
    /// Whether the radio for `choice` (an address id or `new`) is the one checked.
    pub fn ships_to(&self, choice: &str) -> bool {
        self.form.ship_to.trim() == choice
    }

    /// Whether `bill_to` names `choice` (an address id).
    pub fn bills_to(&self, choice: &str) -> bool {
        self.form.bill_to.trim() == choice
    }

    /// Whether `bill_to` names no address of the book: the shipping address
    /// (order entry) or the order's billing address as it is (editing).
    pub fn bills_as_is(&self) -> bool {
        let chosen = self.form.bill_to.trim();
        chosen.is_empty() || chosen == super::form::BILL_AS_IS
    }

    /// Whether the chosen customer has addresses to choose from.
    pub fn has_book(&self) -> bool {
        self.customer
            .as_ref()
            .is_some_and(|c| !c.addresses.is_empty())
    }

    /// Picks the customer's default (else first) address when the form names
    /// none of theirs: a fresh choice of customer starts at their default.
    /// The same for billing: their default billing address, when they have one.
    pub fn choose_default_address(&mut self) {
        self.choose_default_billing();
        let Some(c) = &self.customer else {
            return;
        };
        let chosen = self.form.ship_to.trim();
        if chosen == super::form::NEW_ADDRESS
            || c.addresses.iter().any(|a| a.id.to_string() == chosen)
        {
            return;
        }
        // A customer without a book leaves the choice open (the typed address
        // is used), so choosing another customer later still preselects theirs.
        if let Some(a) = c.default_shipping() {
            self.form.ship_to = a.id.to_string();
        }
    }

    /// Picks the customer's default billing address when `bill_to` names
    /// neither `same` (chosen: "the shipping address") nor one of theirs.
    /// (The form sends `same` only beside a book: with none to choose from,
    /// its hidden choice is blank, so a customer picked next gets theirs.)
    fn choose_default_billing(&mut self) {
        let Some(c) = &self.customer else {
            return;
        };
        let chosen = self.form.bill_to.trim();
        if chosen == super::form::BILL_AS_IS
            || c.addresses.iter().any(|a| a.id.to_string() == chosen)
        {
            return;
        }
        self.form.bill_to = c
            .addresses
            .iter()
            .find(|a| a.default_billing)
            .map_or_else(String::new, |a| a.id.to_string());
    }

    /// Builds the lines' view from the form and the products found.
    pub fn new(
        form: EntryForm,
        customer: Option<CustomerChoice>,
        products: &[ProductChoice],
        errors: FieldErrors,
    ) -> Self {
        let lines: Vec<LineView> = form
            .lines
            .iter()
            .enumerate()
            .map(|(index, l)| {
                let sku = l.sku.trim().to_uppercase();
                let product = products.iter().find(|p| p.sku == sku).cloned();
                let error = line_error(index, l, &sku, product.as_ref(), &errors, None);
                let discount_error = errors
                    .get(&format!("lines[{index}].discount"))
                    .map(str::to_owned);
                LineView {
                    index,
                    line_total_cents: None,
                    sku: l.sku.clone(),
                    quantity: l.quantity.clone(),
                    discount: l.discount.clone(),
                    product,
                    error,
                    discount_error,
                    focus: false,
                }
            })
            .collect();
        let shipping_inputs = address_inputs(&form.shipping, "shipping.", "shipping", &errors);
        let mut view = Self {
            form,
            customer,
            customer_matches: Vec::new(),
            product_matches: Vec::new(),
            lines,
            totals: None,
            tax_rates: Vec::new(),
            errors,
            notice: None,
            shipping_inputs,
            countries: countries(),
            editing: false,
            kept: Vec::new(),
            billed_to: None,
        };
        view.choose_default_address();
        view
    }
}

impl EntryView {
    /// The edit form's view: the order's own lines (`kept`, by SKU) may be
    /// of products no longer for sale, and quantity 0 removes a line.
    pub fn edit_mode(&mut self, kept: Vec<String>) {
        self.editing = true;
        for (line, form) in self.lines.iter_mut().zip(&self.form.lines) {
            let sku = form.sku.trim().to_uppercase();
            line.error = line_error(
                line.index,
                form,
                &sku,
                line.product.as_ref(),
                &self.errors,
                Some(&kept),
            );
        }
        self.kept = kept;
    }
}

/// A line's error: the one given for it, else a SKU no product has, a
/// product not for sale (unless the edited order has it: `kept`), or a
/// quantity that does not parse (0 is removal when editing).
fn line_error(
    index: usize,
    l: &LineForm,
    sku: &str,
    product: Option<&ProductChoice>,
    errors: &FieldErrors,
    kept: Option<&[String]>,
) -> Option<String> {
    // Bounded where it is parsed (1..=MAX_QUANTITY), as the command parses
    // it, so a preview can never overflow.
    let raw_qty = l.quantity.trim();
    let removal = kept.is_some() && raw_qty == "0";
    errors
        .get(&format!("lines[{index}].sku"))
        .or_else(|| errors.get(&format!("lines[{index}].quantity")))
        .map(str::to_owned)
        .or_else(|| match (product, sku.is_empty()) {
            (None, false) => Some(format!("no product has SKU {sku}")),
            (Some(p), _) if !p.active && !kept.is_some_and(|k| k.iter().any(|s| s == sku)) => {
                Some(format!("{} is not for sale", p.sku))
            }
            _ => None,
        })
        .or_else(|| match Quantity::parse(raw_qty) {
            Err(e) if !raw_qty.is_empty() && !removal => Some(e),
            _ => None,
        })
}
