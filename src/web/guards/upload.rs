//! A CSV file uploaded as `multipart/form-data` (a plain HTML form, no
//! JavaScript), read apart from the 32 KiB form limit: up to Rocket's
//! `limits.import` (20 MiB), at no less than `import_min_bytes_per_sec` on
//! average once the first `form_read_timeout_secs` have passed (and never a
//! pause that long), so a trickling upload cannot hold a connection. The
//! session's CSRF token must be the body's first field: it is checked before
//! a byte of the file is read, and the role guard in front of the route
//! runs before the body at all. The file goes to a temporary file (removed
//! when the upload is dropped), never into memory whole.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::request::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::CurrentUser;
use super::csrf::FIELD;
use crate::config::Settings;

/// The file's field in the form.
pub const FILE_FIELD: &str = "file";

/// The limit when Rocket.toml names none.
const DEFAULT_LIMIT_MIB: u64 = 20;

/// An uploaded file on disk, deleted when dropped.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    fn new() -> Self {
        let name = format!("orderdesk-upload-{}.csv", crate::security::random_token());
        Self {
            path: std::env::temp_dir().join(name),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A CSV upload from a signed-in user whose CSRF token matched.
#[derive(Debug)]
pub struct CsvUpload {
    pub user: CurrentUser,
    pub file: TempFile,
    /// As the browser named it (shown on the import's page).
    pub file_name: String,
    pub bytes: u64,
}

/// Why an upload was refused; the route answers each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefused {
    /// No session (401).
    NoSession,
    /// Not a multipart form with the session's token first (403).
    Forged,
    /// Larger than the limit, in bytes (413).
    TooLarge(u64),
    /// Slower than the minimum rate, or paused too long (408).
    TooSlow,
    /// No file in the form, or a broken body (400).
    Malformed(String),
}

/// How much of the body is read at once.
const READ_CHUNK: usize = 64 * 1024;

/// The request body as a stream of chunks that fails once the client is too slow.
///
/// Each chunk is handed on before the next is read: `multer` reads its stream
/// for as long as it has data ready, and a fast client (a large file on a
/// fast network) would otherwise have the whole body buffered in memory
/// before a byte of it reached the temporary file. Yielding after each chunk
/// lets the field's consumer write it out first, so at most a few chunks are
/// in memory at a time.
fn timed_stream(
    data: Data<'_>,
    cap: rocket::data::ByteUnit,
    grace: Duration,
    min_rate: u64,
    slow: Arc<AtomicBool>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + '_ {
    let start = Instant::now();
    let buf = vec![0_u8; READ_CHUNK];
    futures_util::stream::unfold(
        (data.open(cap), 0_u64, false, buf),
        move |(mut reader, received, ended, mut buf)| {
            let slow = Arc::clone(&slow);
            async move {
                if ended {
                    return None;
                }
                if received > 0 {
                    tokio::task::yield_now().await;
                }
                let read = tokio::time::timeout(grace, reader.read(&mut buf)).await;
                let too_slow = |received: u64| {
                    let elapsed = start.elapsed();
                    elapsed > grace
                        && u128::from(received)
                            < u128::from(min_rate) * elapsed.saturating_sub(grace).as_millis()
                                / 1000
                };
                match read {
                    Ok(Ok(0)) => None,
                    Ok(Ok(n)) if !too_slow(received) => {
                        let chunk = Bytes::copy_from_slice(&buf[..n]);
                        Some((Ok(chunk), (reader, received + n as u64, false, buf)))
                    }
                    Ok(Err(e)) => Some((Err(e), (reader, received, true, buf))),
                    _ => {
                        slow.store(true, Ordering::Relaxed);
                        let e = std::io::Error::new(std::io::ErrorKind::TimedOut, "too slow");
                        Some((Err(e), (reader, received, true, buf)))
                    }
                }
            }
        },
    )
}

/// Writes the file's field to a temporary file, at most `limit` bytes.
async fn save(
    field: &mut multer::Field<'_>,
    limit: u64,
    slow: &AtomicBool,
) -> Result<(TempFile, u64), (rocket::http::Status, UploadRefused)> {
    use rocket::http::Status;
    let failed = |e: &dyn std::fmt::Display| {
        (
            Status::InternalServerError,
            UploadRefused::Malformed(e.to_string()),
        )
    };
    let temp = TempFile::new();
    let mut out = tokio::fs::File::create(temp.path())
        .await
        .map_err(|e| failed(&e))?;
    let mut bytes = 0_u64;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                bytes += chunk.len() as u64;
                if bytes > limit {
                    return Err((Status::PayloadTooLarge, UploadRefused::TooLarge(limit)));
                }
                out.write_all(&chunk).await.map_err(|e| failed(&e))?;
            }
            Ok(None) => break,
            // The stream stops at the cap: a file past the limit ends in a
            // broken body.
            Err(_) if slow.load(Ordering::Relaxed) => {
                return Err((Status::RequestTimeout, UploadRefused::TooSlow));
            }
            Err(_) if bytes + 64 * 1024 >= limit => {
                return Err((Status::PayloadTooLarge, UploadRefused::TooLarge(limit)));
            }
            Err(e) => return Err((Status::BadRequest, UploadRefused::Malformed(e.to_string()))),
        }
    }
    out.flush().await.map_err(|e| failed(&e))?;
    Ok((temp, bytes))
}

#[rocket::async_trait]
impl<'r> FromData<'r> for CsvUpload {
    type Error = UploadRefused;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        use rocket::http::Status;
        let fail = |status: Status, why: UploadRefused| data::Outcome::Error((status, why));
        let rocket::outcome::Outcome::Success(user) = req.guard::<CurrentUser>().await else {
            return fail(Status::Unauthorized, UploadRefused::NoSession);
        };
        let boundary = req
            .content_type()
            .filter(|ct| ct.is_form_data())
            .and_then(|ct| ct.param("boundary"))
            .map(str::to_owned);
        let Some(boundary) = boundary else {
            return fail(Status::Forbidden, UploadRefused::Forged);
        };
        let limit = req
            .limits()
            .get("import")
            .unwrap_or_else(|| DEFAULT_LIMIT_MIB.mebibytes());
        let settings = req.rocket().state::<Settings>();
        let grace = Duration::from_secs(settings.map_or(10, |s| s.form_read_timeout_secs));
        let min_rate = settings.map_or(32 * 1024, |s| s.import_min_bytes_per_sec);
        let slow = Arc::new(AtomicBool::new(false));
        // Room for the multipart framing and the token beside the file.
        let cap = limit + 64.kibibytes();
        let stream = timed_stream(data, cap, grace, min_rate, Arc::clone(&slow));
        let mut form = multer::Multipart::new(stream, boundary);
        let refused = |e: multer::Error| {
            if slow.load(Ordering::Relaxed) {
                (Status::RequestTimeout, UploadRefused::TooSlow)
            } else {
                (Status::BadRequest, UploadRefused::Malformed(e.to_string()))
            }
        };
        // The token first: nothing of the file is read for a forged request.
        let token = match form.next_field().await {
            Ok(Some(field)) if field.name() == Some(FIELD) => match field.text().await {
                Ok(t) if t.len() <= 256 => t,
                Ok(_) => return fail(Status::Forbidden, UploadRefused::Forged),
                Err(e) => return data::Outcome::Error(refused(e)),
            },
            Err(e) if slow.load(Ordering::Relaxed) => return data::Outcome::Error(refused(e)),
            Ok(_) | Err(_) => return fail(Status::Forbidden, UploadRefused::Forged),
        };
        if !user.csrf_matches(&token) {
            tracing::warn!(user = %user.username, uri = %req.uri(), "CSRF token missing or wrong");
            return fail(Status::Forbidden, UploadRefused::Forged);
        }
        let mut field = match form.next_field().await {
            Ok(Some(field)) if field.name() == Some(FILE_FIELD) => field,
            Ok(_) => {
                let why = UploadRefused::Malformed("choose a CSV file to upload".into());
                return fail(Status::BadRequest, why);
            }
            Err(e) => return data::Outcome::Error(refused(e)),
        };
        let file_name = field.file_name().unwrap_or("upload.csv").to_owned();
        let (temp, bytes) = match save(&mut field, limit.as_u64(), &slow).await {
            Ok(saved) => saved,
            Err(refusal) => return data::Outcome::Error(refusal),
        };
        data::Outcome::Success(CsvUpload {
            user,
            file: temp,
            file_name,
            bytes,
        })
    }
}
