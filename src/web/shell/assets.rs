//! Static files under fingerprinted names: `app.css` is linked as
//! `/static/app.3f9a2c1d0b7e.css`, a name that changes whenever the file's
//! content does, so browsers may keep it for a year without asking again
//! (`Cache-Control: public, max-age=31536000, immutable`). Plain names still
//! work (for bookmarks and old pages) but are revalidated every time.
//!
//! The fingerprints are taken once, when the server starts, from the files it
//! will serve; templates link them with the `asset` filter.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rocket::fs::NamedFile;
use rocket::http::Header;
use rocket::{Responder, get, routes};
use sha2::{Digest, Sha256};

/// Hex digits of the content hash in a fingerprinted name.
const HASH_LEN: usize = 12;

/// The static files by plain name, with their fingerprinted names.
#[derive(Debug, Default)]
pub struct Assets {
    dir: PathBuf,
    /// `app.css` → `app.3f9a2c1d0b7e.css`
    fingerprinted: HashMap<String, String>,
    /// `app.3f9a2c1d0b7e.css` → `app.css`
    plain: HashMap<String, String>,
}

static ASSETS: OnceLock<Assets> = OnceLock::new();

impl Assets {
    /// Fingerprints every file directly in `dir`.
    pub fn scan(dir: &Path) -> std::io::Result<Self> {
        let mut fingerprinted = HashMap::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                continue;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let digest = hex::encode(Sha256::digest(std::fs::read(entry.path())?));
            fingerprinted.insert(name.clone(), fingerprint(&name, &digest[..HASH_LEN]));
        }
        let plain = fingerprinted
            .iter()
            .map(|(name, f)| (f.clone(), name.clone()))
            .collect();
        Ok(Self {
            dir: dir.to_owned(),
            fingerprinted,
            plain,
        })
    }

    /// Makes these the server's assets (the first call wins: one static
    /// directory per process).
    pub fn install(self) {
        let _ = ASSETS.set(self);
    }

    /// The plain name a requested name stands for, and whether the request
    /// used the current fingerprinted name.
    fn resolve<'a>(&'a self, requested: &'a str) -> Option<(&'a str, bool)> {
        if self.fingerprinted.contains_key(requested) {
            return Some((requested, false));
        }
        self.plain.get(requested).map(|name| (name.as_str(), true))
    }
}

/// `app.css` + hash → `app.<hash>.css`; a name without extension gets the
/// hash at its end.
fn fingerprint(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
        _ => format!("{name}.{hash}"),
    }
}

/// The URL templates link for the static file `name`.
pub fn url(name: &str) -> String {
    match ASSETS.get().and_then(|a| a.fingerprinted.get(name)) {
        Some(f) => format!("/static/{f}"),
        None => format!("/static/{name}"),
    }
}

/// A static file with how long it may be cached.
#[derive(Responder)]
pub struct Asset {
    file: NamedFile,
    cache: Header<'static>,
}

pub fn routes() -> Vec<rocket::Route> {
    routes![file]
}

#[get("/static/<name>")]
async fn file(name: &str) -> Option<Asset> {
    let assets = ASSETS.get()?;
    let (plain, immutable) = assets.resolve(name)?;
    let file = NamedFile::open(assets.dir.join(plain)).await.ok()?;
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(Asset {
        file,
        cache: Header::new("Cache-Control", cache),
    })
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn the_hash_goes_before_the_extension() {
        assert_eq!(fingerprint("app.css", "abc"), "app.abc.css");
        assert_eq!(fingerprint("order-entry.js", "abc"), "order-entry.abc.js");
        assert_eq!(fingerprint("LICENSE", "abc"), "LICENSE.abc");
        assert_eq!(fingerprint(".hidden", "abc"), ".hidden.abc");
    }
}
