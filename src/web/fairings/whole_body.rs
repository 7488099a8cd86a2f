//! Sends a response whose size is known in one piece.
//!
//! Rocket streams every body to hyper through a one-slot channel in chunks of
//! at most 4 KiB (`Body::DEFAULT_MAX_CHUNK`), and hyper writes each chunk
//! with its own `writev`: a 31 KiB orders page left in eight system calls,
//! each of which (on loopback, and on a proxy's socket alike) wakes the reader
//! once more. A page is a `String` already in memory, so chunking it buys
//! nothing. Bodies of a known size up to [`MAX_WHOLE`] go in one chunk;
//! streamed bodies (the CSV export) keep Rocket's chunking.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Request, Response};

/// The largest body sent as one chunk (larger ones go in chunks this big).
pub const MAX_WHOLE: usize = 1 << 20;

/// The fairing: sized bodies leave in one chunk.
pub struct WholeBody;

#[rocket::async_trait]
impl Fairing for WholeBody {
    fn info(&self) -> Info {
        Info {
            name: "whole bodies",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, _: &'r Request<'_>, res: &mut Response<'r>) {
        if let Some(size) = res.body().preset_size() {
            res.set_max_chunk_size(size.clamp(1, MAX_WHOLE));
        }
    }
}

#[cfg(test)]
mod tests {
    use rocket::local::asynchronous::Client;
    use rocket::response::stream::TextStream;
    use rocket::{get, routes};

    use super::{MAX_WHOLE, WholeBody};

    #[get("/page")]
    fn page() -> String {
        "x".repeat(31 * 1024)
    }

    #[get("/huge")]
    fn huge() -> String {
        "x".repeat(MAX_WHOLE + 1)
    }

    #[get("/stream")]
    fn stream() -> TextStream![&'static str] {
        TextStream! { yield "a"; yield "b"; }
    }

    async fn chunk_of(client: &Client, uri: &str) -> (usize, usize) {
        let res = client.get(uri).dispatch().await;
        let chunk = res.body().max_chunk_size();
        (chunk, res.into_bytes().await.map_or(0, |b| b.len()))
    }

    #[rocket::async_test]
    async fn a_sized_body_leaves_in_one_chunk_and_a_stream_keeps_rockets_chunks() {
        let app = rocket::build()
            .mount("/", routes![page, huge, stream])
            .attach(WholeBody);
        let client = Client::untracked(app).await.expect("a local client");
        assert_eq!(chunk_of(&client, "/page").await, (31 * 1024, 31 * 1024));
        assert_eq!(chunk_of(&client, "/huge").await, (MAX_WHOLE, MAX_WHOLE + 1));
        assert_eq!(
            chunk_of(&client, "/stream").await,
            (rocket::response::Body::DEFAULT_MAX_CHUNK, 2)
        );
    }
}
