//! ChangeShopSettings: the settings staff change while the shop runs (one
//! row, `shop_settings`), guarded by its version; the event records each
//! field that changed, old → new. Commands that depend on a setting read it
//! from this table in their own transaction ([`current`]); pages read the
//! read side's copy.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, stale_version};
use crate::db::schema::{shop_settings, tax_rates};
use crate::domain::event_payload::{SettingChange, SettingChanges, ShopSettingsChanged};
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
            let changes = stored_values(&changed(&old, new));
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
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Shop,
            SHOP_ID,
            EventType::ShopSettingsChanged,
            ShopSettingsChanged { changes, version }.to_payload(),
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

/// Each setting whose value differs, old → new, as the event states it.
fn changed(old: &ShopSettings, new: &ShopSettings) -> SettingChanges {
    let tax_id = |s: &ShopSettings| s.tax_id.as_ref().map(|t| t.as_str().to_owned());
    SettingChanges {
        prices_include_tax: SettingChange::between(old.prices_include_tax, new.prices_include_tax),
        tax_id: SettingChange::between(tax_id(old), tax_id(new)),
        ship_on_account: SettingChange::between(old.ship_on_account, new.ship_on_account),
        invoice_on_payment: SettingChange::between(old.invoice_on_payment, new.invoice_on_payment),
        default_tax_rate: SettingChange::between(
            old.default_tax_rate.get(),
            new.default_tax_rate.get(),
        ),
    }
}

/// `(setting, stored value)` for each changed setting, in the form's order,
/// for a conflict: the values a colleague saved.
fn stored_values(changes: &SettingChanges) -> Vec<(String, String)> {
    let flag = |c: &Option<SettingChange<bool>>| c.as_ref().map(|c| c.old.to_string());
    [
        ("prices_include_tax", flag(&changes.prices_include_tax)),
        (
            "tax_id",
            changes
                .tax_id
                .as_ref()
                .map(|c| c.old.clone().unwrap_or_else(|| "(none)".into())),
        ),
        ("ship_on_account", flag(&changes.ship_on_account)),
        ("invoice_on_payment", flag(&changes.invoice_on_payment)),
        (
            "default_tax_rate",
            changes.default_tax_rate.as_ref().map(|c| c.old.to_string()),
        ),
    ]
    .into_iter()
    .filter_map(|(field, old)| Some((field.to_owned(), old?)))
    .collect()
}
