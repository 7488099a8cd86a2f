// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "pg_snapshot", schema = "pg_catalog"))]
    pub struct PgSnapshot;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "xid8", schema = "pg_catalog"))]
    pub struct Xid8;
}

diesel::table! {
    bulk_submissions (idempotency_key) {
        idempotency_key -> Text,
        action -> Text,
        order_ids -> Array<Nullable<Int8>>,
        done_ids -> Array<Nullable<Int8>>,
        refusals -> Jsonb,
        actor_user_id -> Nullable<Int8>,
        actor -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    customer_addresses (id) {
        id -> Int8,
        customer_id -> Int8,
        label -> Text,
        name -> Text,
        company -> Text,
        line1 -> Text,
        line2 -> Text,
        city -> Text,
        region -> Text,
        postal_code -> Text,
        country -> Text,
        phone -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customers (id) {
        id -> Int8,
        email -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        default_shipping_address_id -> Nullable<Int8>,
        default_billing_address_id -> Nullable<Int8>,
    }
}

diesel::table! {
    document_counters (series, year) {
        series -> Text,
        year -> Int4,
        last_number -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Xid8;

    events (id) {
        id -> Int8,
        aggregate_type -> Text,
        aggregate_id -> Int8,
        event_type -> Text,
        payload -> Jsonb,
        actor -> Text,
        request_id -> Nullable<Text>,
        txid -> Xid8,
        occurred_at -> Timestamptz,
        actor_user_id -> Nullable<Int8>,
    }
}

diesel::table! {
    import_jobs (id) {
        id -> Int8,
        kind -> Text,
        state -> Text,
        owner_user_id -> Nullable<Int8>,
        owner -> Text,
        file_name -> Text,
        delimiter -> Text,
        rows_total -> Int4,
        rows_checked -> Int4,
        creates -> Int4,
        updates -> Int4,
        unchanged -> Int4,
        refused -> Int4,
        applied_through -> Int4,
        rows_applied -> Int4,
        apply_refused -> Int4,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        queued_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    import_rows (job_id, seq) {
        job_id -> Int8,
        seq -> Int4,
        line -> Int4,
        key -> Nullable<Text>,
        fields -> Jsonb,
        outcome -> Nullable<Text>,
        target_id -> Nullable<Int8>,
        target_version -> Nullable<Int4>,
        changes -> Nullable<Jsonb>,
        refusals -> Nullable<Jsonb>,
        applied -> Nullable<Text>,
        apply_error -> Nullable<Text>,
    }
}

diesel::table! {
    inventory (product_id) {
        product_id -> Int8,
        on_hand -> Int4,
        reserved -> Int4,
        low_stock_threshold -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    invoices (id) {
        id -> Int8,
        order_id -> Int8,
        kind -> Text,
        series_year -> Int4,
        sequence_number -> Int4,
        number -> Text,
        credits_invoice_id -> Nullable<Int8>,
        issued_on -> Date,
        issued_at -> Timestamptz,
        issued_by -> Text,
        issued_by_user_id -> Nullable<Int8>,
        currency -> Text,
        net_cents -> Int8,
        tax_cents -> Int8,
        shipping_cents -> Int8,
        grand_total_cents -> Int8,
        document -> Jsonb,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Int8,
        username -> Text,
        ip -> Nullable<Text>,
        succeeded -> Bool,
        at -> Timestamptz,
        outcome -> Text,
        device -> Nullable<Text>,
    }
}

diesel::table! {
    notes (id) {
        id -> Int8,
        order_id -> Nullable<Int8>,
        customer_id -> Nullable<Int8>,
        body -> Text,
        author_user_id -> Nullable<Int8>,
        author -> Text,
        idempotency_key -> Text,
        created_at -> Timestamptz,
        removed_at -> Nullable<Timestamptz>,
        removed_by_user_id -> Nullable<Int8>,
        removed_by -> Nullable<Text>,
    }
}

diesel::table! {
    order_addresses (order_id, role) {
        order_id -> Int8,
        role -> Text,
        structured -> Bool,
        name -> Text,
        company -> Text,
        line1 -> Text,
        line2 -> Text,
        city -> Text,
        region -> Text,
        postal_code -> Text,
        country -> Text,
        phone -> Text,
    }
}

diesel::table! {
    order_edits (id) {
        id -> Int8,
        order_id -> Int8,
        idempotency_key -> Text,
        request_fingerprint -> Text,
        version_after -> Int4,
        event_id -> Int8,
        actor -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    order_lines (id) {
        id -> Int8,
        order_id -> Int8,
        line_no -> Int4,
        product_id -> Int8,
        quantity -> Int4,
        unit_price_cents -> Int8,
        tax_rate_id -> Int8,
        tax_rate_ppm -> Int4,
        discount_kind -> Nullable<Text>,
        discount_value -> Nullable<Int8>,
        subtotal_cents -> Int8,
        line_discount_cents -> Int8,
        order_discount_cents -> Int8,
        net_cents -> Int8,
        tax_cents -> Int8,
        total_cents -> Int8,
    }
}

diesel::table! {
    order_standing_invoices (order_id) {
        order_id -> Int8,
        invoice_id -> Int8,
    }
}

diesel::table! {
    order_taxes (order_id, rate_ppm) {
        order_id -> Int8,
        rate_ppm -> Int4,
        net_cents -> Int8,
        tax_cents -> Int8,
        gross_cents -> Int8,
    }
}

diesel::table! {
    orders (id) {
        id -> Int8,
        customer_id -> Int8,
        fulfilment_status -> Text,
        idempotency_key -> Text,
        request_fingerprint -> Text,
        placed_at -> Timestamptz,
        paid_at -> Nullable<Timestamptz>,
        shipped_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        cancellation_reason -> Nullable<Text>,
        version -> Int4,
        updated_at -> Timestamptz,
        pricing -> Text,
        discount_kind -> Nullable<Text>,
        discount_value -> Nullable<Int8>,
        subtotal_cents -> Int8,
        line_discounts_cents -> Int8,
        order_discount_cents -> Int8,
        discount_total_cents -> Int8,
        shipping_cents -> Int8,
        shipping_waived -> Bool,
        shipping_tax_rate_id -> Nullable<Int8>,
        shipping_tax_rate_ppm -> Nullable<Int4>,
        shipping_net_cents -> Int8,
        shipping_tax_cents -> Int8,
        net_total_cents -> Int8,
        tax_total_cents -> Int8,
        grand_total_cents -> Int8,
        paid_cents -> Int8,
        refunded_cents -> Int8,
        payments_version -> Int4,
        payment_status -> Text,
        shipped_on_account -> Bool,
    }
}

diesel::table! {
    payments (id) {
        id -> Int8,
        order_id -> Int8,
        kind -> Text,
        amount_cents -> Int8,
        method -> Text,
        reference -> Nullable<Text>,
        received_on -> Date,
        voids_payment_id -> Nullable<Int8>,
        overpayment_confirmed -> Bool,
        idempotency_key -> Text,
        actor -> Text,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Int8,
        sku -> Text,
        name -> Text,
        description -> Text,
        price_cents -> Int8,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        tax_rate_id -> Int8,
    }
}

diesel::table! {
    read_model_batches (id) {
        id -> Int8,
        started_at -> Timestamptz,
        duration_ms -> Float8,
        trigger -> Text,
        events -> Int8,
        orders -> Int8,
        customers -> Int8,
        products -> Int8,
        carried -> Int8,
        rows_changed -> Int8,
        outcome -> Text,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    read_model_live (name) {
        name -> Text,
        last_batch_at -> Nullable<Timestamptz>,
        last_batch_ms -> Nullable<Float8>,
        last_rows_changed -> Nullable<Int8>,
        rows_changed -> Int8,
        last_rebuild_at -> Nullable<Timestamptz>,
        last_rebuild_ms -> Nullable<Int8>,
        last_verify_at -> Nullable<Timestamptz>,
        last_verify_diffs -> Nullable<Int8>,
        last_error -> Nullable<Text>,
        generation -> Int8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Xid8;

    read_model_queue (kind, key, txid) {
        kind -> Text,
        key -> Int8,
        txid -> Xid8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::PgSnapshot;

    read_model_refreshes (id) {
        id -> Int8,
        view_name -> Text,
        trigger -> Text,
        started_at -> Timestamptz,
        duration_ms -> Int8,
        rows -> Nullable<Int8>,
        outcome -> Text,
        error -> Nullable<Text>,
        watermark -> Nullable<Int8>,
        snapshot -> Nullable<PgSnapshot>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::PgSnapshot;

    read_model_state (id) {
        id -> Bool,
        snapshot -> PgSnapshot,
        as_of -> Timestamptz,
        batches -> Int8,
        time_zone -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Int8,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    shop_settings (id) {
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
    staff_users (id) {
        id -> Int8,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
        version -> Int4,
    }
}

diesel::table! {
    stock_movements (id) {
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
    tax_rates (id) {
        id -> Int8,
        name -> Text,
        rate_ppm -> Int4,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(bulk_submissions -> staff_users (actor_user_id));
diesel::joinable!(customer_addresses -> customers (customer_id));
diesel::joinable!(events -> staff_users (actor_user_id));
diesel::joinable!(import_jobs -> staff_users (owner_user_id));
diesel::joinable!(import_rows -> import_jobs (job_id));
diesel::joinable!(inventory -> products (product_id));
diesel::joinable!(invoices -> orders (order_id));
diesel::joinable!(invoices -> staff_users (issued_by_user_id));
diesel::joinable!(notes -> customers (customer_id));
diesel::joinable!(notes -> orders (order_id));
diesel::joinable!(order_addresses -> orders (order_id));
diesel::joinable!(order_edits -> orders (order_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_lines -> products (product_id));
diesel::joinable!(order_lines -> tax_rates (tax_rate_id));
diesel::joinable!(order_standing_invoices -> orders (order_id));
diesel::joinable!(order_taxes -> orders (order_id));
diesel::joinable!(orders -> customers (customer_id));
diesel::joinable!(payments -> orders (order_id));
diesel::joinable!(products -> tax_rates (tax_rate_id));
diesel::joinable!(sessions -> staff_users (user_id));
diesel::joinable!(shop_settings -> tax_rates (default_tax_rate_id));
diesel::joinable!(stock_movements -> products (product_id));

diesel::allow_tables_to_appear_in_same_query!(
    bulk_submissions,
    customer_addresses,
    customers,
    document_counters,
    events,
    import_jobs,
    import_rows,
    inventory,
    invoices,
    login_attempts,
    notes,
    order_addresses,
    order_edits,
    order_lines,
    order_standing_invoices,
    order_taxes,
    orders,
    payments,
    products,
    read_model_batches,
    read_model_live,
    read_model_queue,
    read_model_refreshes,
    read_model_state,
    sessions,
    shop_settings,
    staff_users,
    stock_movements,
    tax_rates,
);
