//! Every CSV the app writes is built here, so no cell can become a live
//! spreadsheet formula (OWASP "CSV injection"): a cell that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a leading single quote,
//! which spreadsheets show as text; so does a cell that starts with a quote,
//! so the import (`domain::import::restore`) reads every cell back as it was.
//! New exports use [`CsvChunk`] too.

use rocket::http::{ContentType, Header};
use rocket::response::stream::ByteStream;
use rocket::response::{self, Responder};
use rocket::{Request, Response};

pub use crate::domain::import::neutralise;

/// A streamed CSV with its download headers: the file name, and the data's
/// "as of" time (`X-Data-As-Of`).
pub struct CsvDownload<S> {
    stream: ByteStream<S>,
    filename: String,
    as_of: String,
}

impl<S> CsvDownload<S> {
    pub fn new(stream: ByteStream<S>, filename: String, as_of: String) -> Self {
        Self {
            stream,
            filename,
            as_of,
        }
    }
}

impl<'r, S> Responder<'r, 'r> for CsvDownload<S>
where
    S: futures_util::Stream<Item = Vec<u8>> + Send + 'r,
{
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'r> {
        Response::build_from(self.stream.respond_to(req)?)
            .header(ContentType::new("text", "csv").with_params(("charset", "utf-8")))
            .header(Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.filename),
            ))
            .header(Header::new("X-Data-As-Of", self.as_of))
            .ok()
    }
}

/// A piece of a CSV file (a whole file, or one page of a streamed one).
pub struct CsvChunk {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvChunk {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvChunk {
    pub fn new() -> Self {
        Self {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Appends one record, every cell neutralised.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        // Writing into a Vec cannot fail.
        let _ = self.writer.write_record(&cells);
    }

    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_and_nothing_else_changes() {
        for (raw, out) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Ada = 1", "Ada = 1"),
            ("", ""),
            ("'quoted", "''quoted"),
        ] {
            assert_eq!(neutralise(raw), out, "{raw:?}");
        }
    }

    #[test]
    fn a_chunk_quotes_csv_and_neutralises_every_cell() {
        let mut chunk = CsvChunk::new();
        chunk.row(["a,b", "=HYPERLINK(\"x\")", "7"]);
        assert_eq!(
            String::from_utf8(chunk.into_bytes()).unwrap(),
            "\"a,b\",\"'=HYPERLINK(\"\"x\"\")\",7\n"
        );
    }
}
