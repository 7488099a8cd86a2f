//! Diesel tables for the read models in schema `read`: the live models
//! (tables only the maintainer writes) and the report views (materialized
//! views). Hand-written, as the write side's schema.rs is generated from the
//! write tables only. Keep in step with migrations/*_read_side/up.sql (a test
//! compares its relations, columns and types with a migrated database).

diesel::table! {
    read.order_summaries (id) {
        id -> Int8,
        customer_id -> Int8,
        customer_name -> Text,
        customer_email -> Text,
        /// `domain::FulfilmentStatus` as stored (`orders.fulfilment_status`).
        fulfilment_status -> Text,
        item_count -> Int8,
        line_count -> Int8,
        total_cents -> Int8,
        /// The free text of an address from before structured addresses; NULL otherwise.
        shipping_address -> Nullable<Text>,
        placed_at -> Timestamptz,
        paid_at -> Nullable<Timestamptz>,
        shipped_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        cancellation_reason -> Nullable<Text>,
        updated_at -> Timestamptz,
        version -> Int4,
        search_text -> Text,
        lines -> Jsonb,
        /// The structured shipping address (`queries::address::AddressView`); NULL
        /// when the order's address is free text (`shipping_address`).
        shipping -> Nullable<Jsonb>,
        /// The structured billing address, when the order has one.
        billing -> Nullable<Jsonb>,
        /// Net sales: Σ the lines' net (after discounts, before tax and shipping).
        net_sales_cents -> Int8,
        discount_total_cents -> Int8,
        shipping_cents -> Int8,
        tax_total_cents -> Int8,
        /// The rest of the stored money (`queries::order_detail::OrderMoney`).
        money -> Jsonb,
        /// What the order was paid (payments less voided ones) and refunded.
        paid_cents -> Int8,
        refunded_cents -> Int8,
        /// Grand total − (paid − refunded), never below 0.
        balance_due_cents -> Int8,
        /// `domain::PaymentStatus` as stored (`orders.payment_status`).
        payment_status -> Text,
        /// The payments list (`queries::order_detail::PaymentEntry`), oldest first.
        payments -> Jsonb,
    }
}

diesel::table! {
    read.order_status_counts (fulfilment_status) {
        fulfilment_status -> Text,
        orders -> Int8,
        /// The orders of the state with a balance due, and the sum due.
        due_orders -> Int8,
        due_cents -> Int8,
    }
}

diesel::table! {
    read.daily_sales (day) {
        day -> Date,
        orders -> Int8,
        revenue_cents -> Int8,
        units -> Int8,
        cancellations -> Int8,
    }
}

diesel::table! {
    read.product_sales_daily (product_id, day) {
        product_id -> Int8,
        day -> Date,
        units -> Int8,
        revenue_cents -> Int8,
    }
}

diesel::table! {
    read.inventory_status (product_id) {
        product_id -> Int8,
        sku -> Text,
        name -> Text,
        description -> Text,
        price_cents -> Int8,
        active -> Bool,
        version -> Int4,
        on_hand -> Int4,
        reserved -> Int4,
        available -> Int4,
        low_stock_threshold -> Int4,
        is_low -> Bool,
        units_sold -> Int8,
        revenue_cents -> Int8,
        search_text -> Text,
        updated_at -> Timestamptz,
        tax_rate_id -> Int8,
        tax_rate_name -> Text,
        tax_rate_ppm -> Int4,
    }
}

diesel::table! {
    read.customer_stats (customer_id) {
        customer_id -> Int8,
        name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        order_count -> Int8,
        lifetime_value_cents -> Int8,
        first_order_at -> Nullable<Timestamptz>,
        last_order_at -> Nullable<Timestamptz>,
        search_text -> Text,
        /// The address book: `[AddressView + id, label, version, defaults]`, by id.
        addresses -> Jsonb,
    }
}

diesel::table! {
    /// Sales per product over the 30 shop days ending the dashboard's day.
    read.product_sales_30d (product_id) {
        product_id -> Int8,
        units -> Int8,
        revenue_cents -> Int8,
    }
}

diesel::table! {
    /// The stock ledger: one row per stock movement (read_def.stock_ledger).
    read.stock_ledger (id) {
        id -> Int8,
        product_id -> Int8,
        kind -> Text,
        quantity -> Int4,
        reason -> Text,
        order_id -> Nullable<Int8>,
        actor -> Text,
        occurred_at -> Timestamptz,
    }
}

diesel::table! {
    /// Every tax rate (read_def.tax_rates).
    read.tax_rates (id) {
        id -> Int8,
        name -> Text,
        rate_ppm -> Int4,
        active -> Bool,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// The shop's settings, one row (read_def.shop_settings).
    read.shop_settings (id) {
        id -> Bool,
        prices_include_tax -> Bool,
        tax_id -> Nullable<Text>,
        ship_on_account -> Bool,
        invoice_on_payment -> Bool,
        default_tax_rate_id -> Int8,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// The notes on orders and customers not removed (read_def.notes).
    read.notes (id) {
        id -> Int8,
        order_id -> Nullable<Int8>,
        customer_id -> Nullable<Int8>,
        author_user_id -> Nullable<Int8>,
        author -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// The invoices and credit notes of each order, frozen copies included
    /// (read_def.order_documents).
    read.order_documents (id) {
        id -> Int8,
        order_id -> Int8,
        kind -> Text,
        number -> Text,
        credits_invoice_id -> Nullable<Int8>,
        credits_number -> Nullable<Text>,
        credited_by_number -> Nullable<Text>,
        issued_on -> Date,
        issued_at -> Timestamptz,
        issued_by -> Text,
        currency -> Text,
        net_cents -> Int8,
        tax_cents -> Int8,
        shipping_cents -> Int8,
        grand_total_cents -> Int8,
        document -> Jsonb,
    }
}

diesel::joinable!(product_sales_30d -> inventory_status (product_id));

diesel::allow_tables_to_appear_in_same_query!(
    order_summaries,
    product_sales_30d,
    order_status_counts,
    daily_sales,
    product_sales_daily,
    inventory_status,
    customer_stats,
    stock_ledger,
    tax_rates,
    shop_settings,
    notes,
    order_documents,
);

// Report views (materialized views, refreshed nightly).

diesel::table! {
    read.monthly_sales (month) {
        month -> Date,
        orders -> Int8,
        revenue_cents -> Int8,
        units -> Int8,
        cancellations -> Int8,
        customers -> Int8,
        tax_cents -> Int8,
        shipping_cents -> Int8,
        refunds_cents -> Int8,
    }
}

diesel::table! {
    read.product_sales_monthly (month, product_id) {
        product_id -> Int8,
        month -> Date,
        sku -> Text,
        name -> Text,
        units -> Int8,
        revenue_cents -> Int8,
        orders -> Int8,
        tax_cents -> Int8,
    }
}

diesel::table! {
    read.customer_cohorts (cohort, months_after) {
        cohort -> Date,
        months_after -> Int4,
        cohort_size -> Int8,
        active_customers -> Int8,
        orders -> Int8,
        revenue_cents -> Int8,
    }
}
