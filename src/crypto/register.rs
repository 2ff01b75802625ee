//! The erasure register: every erasure noted in a file kept apart from the database, so that a
//! database restored from a backup taken before an erasure does not bring the person back.
//!
//! An erasure is in the log (its event) and in the key table (the key gone); a backup holds
//! both as they stood when it was taken. Restored, it would hold the key of someone erased
//! since. The register outlives the database: at start the service destroys the key of
//! everyone it names, and records again the erasures the restored log lacks (see
//! `startup`). It names participants by id only, with the erasure's reason and the day it was
//! asked for: nothing that says who they are.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::participant::ErasureReason;

/// One erasure, as the register notes it (a line of JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Erasure {
    pub participant: Uuid,
    pub reason: ErasureReason,
    pub requested_on: NaiveDate,
}

/// The register's file.
#[derive(Debug, Clone)]
pub struct ErasureRegister {
    path: PathBuf,
}

impl ErasureRegister {
    /// The register at `path` (made, readable by its owner only, at the first erasure).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Notes `erasures`, each on a line of its own, on the disk before answering.
    pub fn note(&self, erasures: &[Erasure]) -> anyhow::Result<()> {
        if erasures.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for erasure in erasures {
            text.push_str(&serde_json::to_string(erasure)?);
            text.push('\n');
        }
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        // Replicas share the register (a volume every one mounts): the lock keeps one
        // replica's lines from being written over another's where appending alone is not
        // atomic between machines (NFS and the other shared file systems a cluster offers).
        let written = options.open(&self.path).and_then(|mut file| {
            file.lock()?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        });
        written.with_context(|| {
            format!(
                "could not write the erasure register {}",
                self.path.display()
            )
        })
    }

    /// Every erasure noted, one per participant (the first noted); none when there is no file
    /// yet. A line that is not an erasure is an error naming it: the register is never
    /// silently read in part.
    pub fn read(&self) -> anyhow::Result<Vec<Erasure>> {
        let read = std::fs::File::open(&self.path).and_then(|mut file| {
            file.lock_shared()?;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text)?;
            Ok(text)
        });
        let text = match read {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "could not read the erasure register {}",
                        self.path.display()
                    )
                })
            }
        };
        let mut found: BTreeMap<Uuid, Erasure> = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let erasure: Erasure = serde_json::from_str(line).with_context(|| {
                format!(
                    "the erasure register {}, line {}: not an erasure",
                    self.path.display(),
                    n + 1
                )
            })?;
            found.entry(erasure.participant).or_insert(erasure);
        }
        Ok(found.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasures_noted_are_read_back_once_each() {
        let dir = tempfile::tempdir().expect("a folder");
        let register = ErasureRegister::at(dir.path().join("erasures"));
        assert!(register.read().expect("read").is_empty(), "no file yet");
        let first = Erasure {
            participant: Uuid::new_v4(),
            reason: ErasureReason::DataSubjectRequest,
            requested_on: NaiveDate::from_ymd_opt(2026, 3, 1).expect("a day"),
        };
        let second = Erasure {
            participant: Uuid::new_v4(),
            reason: ErasureReason::ConsentWithdrawn,
            requested_on: NaiveDate::from_ymd_opt(2026, 4, 1).expect("a day"),
        };
        register.note(std::slice::from_ref(&first)).expect("noted");
        register
            .note(&[second.clone(), first.clone()])
            .expect("noted");
        let mut read = register.read().expect("read");
        read.sort_by_key(|e| e.requested_on);
        assert_eq!(read, vec![first, second]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(register.path())
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the owner's alone");
        }
        std::fs::write(register.path(), "{\"participant\": 1}\n").expect("spoiled");
        let refused = register.read().expect_err("a bad line is refused");
        assert!(format!("{refused:#}").contains("line 1"), "{refused:#}");
    }
}
