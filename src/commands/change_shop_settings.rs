//! ChangeShopSettings: the settings staff change while the shop runs (one
//! row, `shop_settings`), guarded by its version; the event records each
//! field that changed, old → new. Commands that depend on a setting read it
//! from this table in their own transaction ([`current`]); pages read the
//! read side's copy.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value, json};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, stale_version};
use crate::db::schema::{shop_settings, tax_rates};
use crate::domain::{EventType, TaxId, TaxRateId};

/// The shop's one record in the event log (`aggregate_type = 'shop'`).
pub const SHOP_ID: i64 = 1;

/// What an admin edits on the Settings page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopSettings {
    /// Prices entered (products, orders) include tax; otherwise tax is added.
    pub prices_include_tax: bool,
    /// The shop's tax identification number, printed on invoices.
    pub tax_id: Option<TaxId>,
    /// Orders may ship before they are paid.
    pub ship_on_account: bool,
    /// An invoice is issued when an order becomes paid.
    pub invoice_on_payment: bool,
    /// The rate a new product gets when none is chosen.
    pub default_tax_rate: TaxRateId,
}

/// The change: the version the admin saw and the settings as submitted.
#[derive(Debug, Clone)]
pub struct ChangeShopSettings {
    pub expected_version: i32,
    pub settings: ShopSettings,
}

type Stored = (bool, Option<String>, bool, bool, i64, i32);

/// The settings as stored now, read inside a command's transaction.
pub async fn current(conn: &mut AsyncPgConnection) -> Result<(ShopSettings, i32), CommandError> {
    let (prices_include_tax, tax_id, ship_on_account, invoice_on_payment, rate, version) =
        stored(conn, false).await?;
    let tax_id = TaxId::parse_optional(tax_id.as_deref().unwrap_or(""))
        .map_err(|e| CommandError::Invariant(format!("stored tax id: {e}")))?;
    Ok((
        ShopSettings {
            prices_include_tax,
            tax_id,
            ship_on_account,
            invoice_on_payment,
            default_tax_rate: TaxRateId(rate),
        },
        version,
    ))
}

async fn stored(conn: &mut AsyncPgConnection, lock: bool) -> Result<Stored, CommandError> {
    let q = shop_settings::table.select((
        shop_settings::prices_include_tax,
        shop_settings::tax_id,
        shop_settings::ship_on_account,
        shop_settings::invoice_on_payment,
        shop_settings::default_tax_rate_id,
        shop_settings::version,
    ));
    let row = if lock {
        q.for_update().first(conn).await
    } else {
        q.first(conn).await
    };
    Ok(row?)
}

/// Saves the settings if nobody changed them since `expected_version`; a
/// save that changes nothing writes nothing and appends no event.
pub async fn change_shop_settings(
    conn: &mut AsyncPgConnection,
    input: ChangeShopSettings,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let (old, version) = current_locked(conn).await?;
        let new = &input.settings;
        if version != input.expected_version {
            let changes = changed(&old, new)
                .into_iter()
                .map(|(field, old, _)| (field.to_owned(), display(&old)))
                .collect();
            return Err(stale_version(conn, Aggregate::Shop, SHOP_ID, version, changes).await);
        }
        if new.default_tax_rate != old.default_tax_rate {
            // Locked, so it cannot be archived while it becomes the default.
            let active: Option<bool> = tax_rates::table
                .find(new.default_tax_rate.get())
                .select(tax_rates::active)
                .for_share()
                .first(conn)
                .await
                .optional()?;
            if active != Some(true) {
                return Err(CommandError::field(
                    "default_tax_rate",
                    "choose one of the active tax rates",
                ));
            }
        }
        let changes = changed(&old, new);
        if changes.is_empty() {
            return Err(CommandError::field(
                "form",
                "nothing to save: no setting changed",
            ));
        }
        let version: i32 = diesel::update(shop_settings::table)
            .set((
                shop_settings::prices_include_tax.eq(new.prices_include_tax),
                shop_settings::tax_id.eq(new.tax_id.as_ref().map(TaxId::as_str)),
                shop_settings::ship_on_account.eq(new.ship_on_account),
                shop_settings::invoice_on_payment.eq(new.invoice_on_payment),
                shop_settings::default_tax_rate_id.eq(new.default_tax_rate.get()),
                shop_settings::version.eq(shop_settings::version + 1),
                shop_settings::updated_at.eq(diesel::dsl::now),
            ))
            .returning(shop_settings::version)
            .get_result(conn)
            .await?;
        let mut payload = Map::new();
        for (field, old, new) in changes {
            payload.insert(field.to_owned(), json!({ "old": old, "new": new }));
        }
        payload.insert("version".into(), json!(version));
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Shop,
            SHOP_ID,
            EventType::ShopSettingsChanged,
            Value::Object(payload),
        )
        .await?;
        Ok(Ack {
            id: SHOP_ID,
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}

async fn current_locked(conn: &mut AsyncPgConnection) -> Result<(ShopSettings, i32), CommandError> {
    stored(conn, true).await?;
    current(conn).await
}

/// Each field whose value differs: `(field, old, new)` as JSON values.
fn changed(old: &ShopSettings, new: &ShopSettings) -> Vec<(&'static str, Value, Value)> {
    let tax_id = |s: &ShopSettings| json!(s.tax_id.as_ref().map(TaxId::as_str));
    [
        (
            "prices_include_tax",
            json!(old.prices_include_tax),
            json!(new.prices_include_tax),
        ),
        ("tax_id", tax_id(old), tax_id(new)),
        (
            "ship_on_account",
            json!(old.ship_on_account),
            json!(new.ship_on_account),
        ),
        (
            "invoice_on_payment",
            json!(old.invoice_on_payment),
            json!(new.invoice_on_payment),
        ),
        (
            "default_tax_rate",
            json!(old.default_tax_rate.get()),
            json!(new.default_tax_rate.get()),
        ),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != new)
    .collect()
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}
