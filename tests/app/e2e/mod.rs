//! The browser test (headless Chromium; harness in support/e2e_support.rs).

mod checks;
mod edit;
mod flows;
mod imports;
mod journey;
