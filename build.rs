//! Rebuilds when migrations or the replaceable SQL change (both are embedded),
//! and exports a fingerprint of their contents so test templates are rebuilt
//! when they change.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src/read_models/schema");
    let mut files = Vec::new();
    collect(Path::new("migrations"), &mut files);
    collect(Path::new("src/read_models/schema"), &mut files);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for path in &files {
        path.hash(&mut hasher);
        std::fs::read(path).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=ORDERDESK_MIGRATIONS_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
