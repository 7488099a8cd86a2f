//! Reading an uploaded CSV file, streaming: the first bytes say what it is
//! (UTF-8 with or without a byte-order mark; refused when binary or UTF-16),
//! the header line which separator it uses (comma or semicolon), and the
//! `csv` crate reads the records (quoted fields with newlines, CRLF) one at a
//! time, handing them on in batches. Nothing holds the whole file.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::rows::{Columns, StagedRow};
use crate::domain::{Currency, ImportKind};

/// Rows handed on at once (each staged by one INSERT). Small, so the rows
/// parsed but not yet staged stay a few megabytes whatever the file's size.
pub const BATCH: usize = 500;

/// How many bytes are looked at to tell a text file from a binary one.
const SNIFF: usize = 8 * 1024;

/// Why a file cannot be previewed at all (each message says what to do).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header line but no rows")]
    NoRows,
    #[error("this is not a CSV file (it contains binary data); export the sheet as CSV UTF-8")]
    Binary,
    #[error("the file is in UTF-16; save it as \"CSV UTF-8\" and upload it again")]
    Utf16,
    #[error(
        "line {line} is not UTF-8 text (the file may be in Windows-1252 or Latin-1); \
         save it as \"CSV UTF-8\" and upload it again"
    )]
    NotUtf8 { line: u64 },
    #[error("{0}")]
    Header(String),
    #[error("the file has more than {max} rows; split it into files of at most {max} rows")]
    TooManyRows { max: usize },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("the file could not be read: {0}")]
    Io(String),
    /// The receiver of the rows stopped (its own error says why).
    #[error("the import was interrupted")]
    Stopped,
}

/// What the first bytes said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub delimiter: u8,
    pub bom: bool,
}

impl Format {
    /// The separator as stored (`,` or `;`).
    pub fn delimiter_text(self) -> &'static str {
        if self.delimiter == b';' { ";" } else { "," }
    }
}

fn io(e: &std::io::Error) -> FileRefusal {
    FileRefusal::Io(e.to_string())
}

/// Looks at the start of the file: text or not, BOM, separator.
pub fn sniff(path: &Path) -> Result<Format, FileRefusal> {
    let mut reader = BufReader::with_capacity(64 * 1024, File::open(path).map_err(|e| io(&e))?);
    let head = reader.fill_buf().map_err(|e| io(&e))?;
    if head.is_empty() {
        return Err(FileRefusal::Empty);
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(FileRefusal::Utf16);
    }
    if head[..head.len().min(SNIFF)].contains(&0) {
        return Err(FileRefusal::Binary);
    }
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    let text = if bom { &head[3..] } else { head };
    let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = match std::str::from_utf8(line) {
        Ok(line) => line,
        // A header cut by the buffer's end is still text up to the cut.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&line[..e.valid_up_to()])
            .map_err(|_| FileRefusal::NotUtf8 { line: 1 })?,
        Err(_) => return Err(FileRefusal::NotUtf8 { line: 1 }),
    };
    let semicolons = line.matches(';').count();
    let commas = line.matches(',').count();
    Ok(Format {
        delimiter: if semicolons > commas { b';' } else { b',' },
        bom,
    })
}

/// Reads every record of `path` as `kind` rows, handing them to `send` in
/// batches of [`BATCH`] (`send` answers false to stop). Returns the number
/// of rows read.
pub fn read(
    path: &Path,
    format: Format,
    kind: ImportKind,
    currency: Currency,
    max_rows: usize,
    mut send: impl FnMut(Vec<StagedRow>) -> bool,
) -> Result<usize, FileRefusal> {
    let mut reader = BufReader::with_capacity(64 * 1024, File::open(path).map_err(|e| io(&e))?);
    if format.bom {
        reader.consume(3);
    }
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(format.delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let header = csv.byte_headers().map_err(|e| csv_error(&e))?.clone();
    let names = cells(&header, 1)?;
    let columns = Columns::from_header(kind, &names).map_err(FileRefusal::Header)?;
    let mut record = csv::ByteRecord::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut seq = 0_usize;
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(&e))?
    {
        let line = record.position().map_or(0, csv::Position::line);
        let values = cells(&record, line)?;
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        seq += 1;
        if seq > max_rows {
            return Err(FileRefusal::TooManyRows { max: max_rows });
        }
        let seq32 = i32::try_from(seq).map_err(|_| FileRefusal::TooManyRows { max: max_rows })?;
        let line32 = i32::try_from(line).unwrap_or(i32::MAX);
        batch.push(columns.parse(seq32, line32, &values, currency));
        if batch.len() == BATCH && !send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))) {
            return Err(FileRefusal::Stopped);
        }
    }
    if seq == 0 {
        return Err(FileRefusal::NoRows);
    }
    if !batch.is_empty() && !send(batch) {
        return Err(FileRefusal::Stopped);
    }
    Ok(seq)
}

/// A record's cells as text; a NUL byte is binary, invalid UTF-8 another encoding.
fn cells(record: &csv::ByteRecord, line: u64) -> Result<Vec<String>, FileRefusal> {
    record
        .iter()
        .map(|cell| {
            if cell.contains(&0) {
                return Err(FileRefusal::Binary);
            }
            std::str::from_utf8(cell)
                .map(str::to_owned)
                .map_err(|_| FileRefusal::NotUtf8 { line })
        })
        .collect()
}

fn csv_error(e: &csv::Error) -> FileRefusal {
    let line = e.position().map_or(0, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Io(e) => io(e),
        _ => FileRefusal::Csv {
            line,
            message: e.to_string(),
        },
    }
}
