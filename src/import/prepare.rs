//! A file brought in (from the command line or the upload page) read and checked as a whole,
//! and planned when it holds no problem, with the SHA-256 its events will carry.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::format::Sheet;
use super::plan::{self, Step};
use super::{check, read, Problem};

/// The most a file (or a folder's files together) may hold: a decade of a large trust's
/// history is a few megabytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// A file read, checked and planned.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The SHA-256 of the file, or of a folder's files in name order.
    pub sha256: String,
    /// Each sheet's rows.
    pub rows: BTreeMap<Sheet, usize>,
    /// Every problem found, in sheet and row order; when there is any, no step is planned.
    pub problems: Vec<Problem>,
    pub steps: Vec<Step>,
}

/// Reads and checks `files` (each by its name: workbooks and CSV files named by their sheet)
/// for `organisation`; a file that cannot be read at all is an error naming it.
pub fn prepare(files: &[(String, Vec<u8>)], organisation: &str) -> Result<Prepared, String> {
    let size: usize = files.iter().map(|(_, bytes)| bytes.len()).sum();
    if size > MAX_BYTES {
        return Err(format!(
            "the file holds {} MB; at most {} MB is taken at once: split it by year",
            size.div_ceil(1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let mut hash = Sha256::new();
    for (_, bytes) in files {
        hash.update(bytes);
    }
    let mut problems = Vec::new();
    let tables = read::sheets_to_tables(read::raw_sheets(files)?, &mut problems);
    let mut checked = check::check(&tables);
    problems.append(&mut checked.problems);
    problems.sort();
    let steps = if problems.is_empty() {
        plan::plan(&tables, organisation)
    } else {
        Vec::new()
    };
    Ok(Prepared {
        sha256: hex::encode(hash.finalize()),
        rows: checked.rows,
        problems,
        steps,
    })
}
