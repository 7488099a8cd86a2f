//! SECURITY DEFINER functions run as their owner, so each fixes its
//! `search_path` with `pg_temp` last: otherwise a caller's temporary table or
//! function (TEMP is a right any role may have) could stand in for one the
//! function names and run with the owner's rights.

use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;

use crate::support::helpers::TestApp;

#[derive(diesel::QueryableByName)]
struct Definer {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    search_path: String,
}

#[tokio::test]
async fn every_security_definer_function_puts_pg_temp_last_on_its_search_path() {
    let app = TestApp::spawn().await;
    let definers: Vec<Definer> = diesel::sql_query(
        "SELECT p.oid::regprocedure::text AS name, \
                coalesce((SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'), '') \
                  AS search_path \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
         ORDER BY 1",
    )
    .load(&mut *app.conn().await)
    .await
    .unwrap();

    assert!(
        definers
            .iter()
            .any(|d| d.name.starts_with("read.session_lookup")),
        "the session look-up is one of them"
    );
    let wrong: Vec<String> = definers
        .iter()
        .filter(|d| !d.search_path.ends_with(", pg_temp"))
        .map(|d| format!("{}: {:?}", d.name, d.search_path))
        .collect();
    assert_eq!(wrong, Vec::<String>::new());
}
