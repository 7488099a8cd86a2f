//! docs/SECURITY.md stays exactly true: the routes it calls public are the
//! ones that answer without a session, and the templates it says use `|safe`
//! are the only ones that do.

use rocket::http::{ContentType, Method, Status};

use crate::support::helpers::TestApp;

const SECURITY_MD: &str = include_str!("../../../docs/SECURITY.md");

/// The backticked paths of the sentence "… except `/healthz`, … needs a session".
fn documented_public_routes() -> Vec<String> {
    let text = SECURITY_MD.replace('\n', " ");
    let start = text
        .find("action except ")
        .expect("the public-routes sentence");
    let end = start + text[start..].find("needs a session").unwrap();
    text[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_routes_security_md_calls_public_are_exactly_those_that_need_no_session() {
    let app = TestApp::spawn().await;
    let client = app.client().await;
    let mut public = Vec::new();

    // The "changes are paused" answers (src/web/pages/paused.rs) are reached only
    // by forwarding from a command's route while the primary is away, and
    // need a session then; otherwise they forward on to the 404.
    let routes: Vec<(Method, String)> = client
        .rocket()
        .routes()
        .filter(|r| !r.name.as_deref().is_some_and(|n| n.starts_with("paused_")))
        .map(|r| (r.method, r.uri.path().to_string()))
        .collect();
    for (method, path) in routes {
        let concrete = path
            .split('/')
            .map(|s| match s {
                s if s.ends_with("..>") => "app.css",
                s if s.starts_with('<') => "1",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let response = match method {
            Method::Get => client.get(concrete).dispatch().await,
            _ => {
                client
                    .req(method, concrete)
                    .header(ContentType::Form)
                    .body("")
                    .dispatch()
                    .await
            }
        };
        let needs_session = match response.status() {
            Status::SeeOther => response
                .headers()
                .get_one("Location")
                .is_some_and(|l| l.starts_with("/login?next=")),
            Status::Unauthorized => true,
            _ => false,
        };
        if !needs_session {
            let shown = if path.starts_with("/static/") {
                "/static/*".to_owned()
            } else {
                path
            };
            public.push(shown);
        }
    }
    public.sort();
    public.dedup();

    let mut documented = documented_public_routes();
    documented.sort();
    assert_eq!(public, documented);
}

#[test]
fn only_the_server_rendered_charts_and_figures_are_inserted_unescaped() {
    let mut unescaped = Vec::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for expr in text.split("{{").skip(1) {
                let expr = expr.split("}}").next().unwrap_or_default().trim();
                if expr.contains("|safe") {
                    let name = path.strip_prefix(root).unwrap().display();
                    unescaped.push(format!("{name}: {expr}"));
                }
            }
        }
    }
    unescaped.sort();

    assert_eq!(
        unescaped,
        [
            "dashboard/figures.html: revenue_chart|safe",
            "dashboard/figures.html: status_chart|safe",
            "dashboard/index.html: figures.html|safe",
            "reports/index.html: monthly_chart|safe",
        ]
    );
    assert!(SECURITY_MD.contains(
        "The dashboard's two SVG charts and the Reports page's monthly chart are the only values inserted with `|safe`"
    ));
}
