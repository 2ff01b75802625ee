//! The documents the projector last wrote, held in memory so that it need not read them back
//! from the view tables for the next event on the same record, and so that a mutation can
//! answer with its record without a read of its own.
//!
//! A held document is the one in the tables for as long as this projector is the only writer
//! of the views: every write it makes is conditional on the checkpoint it last moved, so a
//! write by anyone else makes its next write fail, and it lets everything go then (as it does
//! when it loses the lease or a rebuild switches new tables in).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::views::Doc;
use crate::store::LogPosition;

/// Documents held before some are let go (each about a kilobyte, most far less).
const CAPACITY: usize = 20_000;

/// A map keyed by record (`type/id`), with a fast hasher: a projector hashes the key of each
/// event's record several times over, and the keys are the log's own aggregate ids.
pub(super) type ByRecord<V> = HashMap<String, V, foldhash::fast::RandomState>;
/// Documents by record, each with the position that created it.
pub(super) type Docs = ByRecord<(Doc, i64)>;
/// A set of records' keys.
pub(super) type Records = HashSet<String, foldhash::fast::RandomState>;

/// One held document: the position that created it (its row's `log_position`) and the
/// position of the batch that last wrote it.
struct Entry {
    doc: Arc<Doc>,
    created: i64,
    as_of: LogPosition,
}

/// The held documents, by `type/id`.
#[derive(Default)]
pub(super) struct HeldDocs {
    docs: Mutex<ByRecord<Entry>>,
}

impl HeldDocs {
    fn lock(&self) -> std::sync::MutexGuard<'_, ByRecord<Entry>> {
        self.docs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the documents of `keys` out, each with the position that created it; those not
    /// held are left for the caller to read from the tables.
    pub fn take<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> Docs {
        let mut docs = self.lock();
        let mut taken = Docs::default();
        for key in keys {
            if let Some(entry) = docs.remove(key) {
                let doc = Arc::try_unwrap(entry.doc).unwrap_or_else(|shared| (*shared).clone());
                taken.insert(key.to_owned(), (doc, entry.created));
            }
        }
        taken
    }

    /// Holds the documents a batch ending at `as_of` wrote.
    pub fn put(&self, written: Docs, as_of: LogPosition) {
        let mut docs = self.lock();
        if docs.len() + written.len() > CAPACITY {
            // Let an arbitrary quarter go: a miss costs one read of the tables.
            let gone: Vec<String> = docs.keys().take(CAPACITY / 4).cloned().collect();
            for key in gone {
                docs.remove(&key);
            }
        }
        for (key, (doc, created)) in written.into_iter().take(CAPACITY) {
            let doc = Arc::new(doc);
            docs.insert(
                key,
                Entry {
                    doc,
                    created,
                    as_of,
                },
            );
        }
    }

    /// Lets every document go: the tables may have been written by someone else.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The document of `type/id` with the position that created it, if held and written at
    /// `at` or later.
    pub fn get(&self, key: &str, at: LogPosition) -> Option<(Arc<Doc>, i64)> {
        let docs = self.lock();
        let entry = docs.get(key).filter(|e| e.as_of >= at)?;
        Some((entry.doc.clone(), entry.created))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projections::docs::{ActivityDoc, OrganisationDoc};
    use crate::projections::views::Projected;

    fn at(position: i64) -> LogPosition {
        LogPosition { tx: 1, position }
    }

    fn organisation(code: &str) -> Doc {
        Doc::Organisation(
            serde_json::from_value(serde_json::json!({
                "ods_code": code, "name": "A Trust", "kind": "NHS_TRUST", "ics": null,
                "response_window_days": 60, "registered_at": "2026-01-01T00:00:00Z"
            }))
            .expect("an organisation document"),
        )
    }

    #[test]
    fn a_document_is_answered_only_once_written_at_the_position_asked() {
        let held = HeldDocs::default();
        let mut written = Docs::default();
        written.insert("Organisation/RX1".to_owned(), (organisation("RX1"), 3));
        held.put(written, at(7));
        assert!(held.get("Organisation/RX1", at(7)).is_some());
        assert!(
            held.get("Organisation/RX1", at(8)).is_none(),
            "not yet written there"
        );
        let (doc, created) = held.get("Organisation/RX1", at(5)).expect("held");
        assert_eq!(created, 3);
        assert!(OrganisationDoc::of(&doc).is_some_and(|d| d.ods_code.as_str() == "RX1"));
        assert!(ActivityDoc::of(&doc).is_none());
    }

    #[test]
    fn taking_a_document_lets_it_go_until_it_is_written_again() {
        let held = HeldDocs::default();
        let mut written = Docs::default();
        written.insert("Organisation/RX1".to_owned(), (organisation("RX1"), 3));
        held.put(written, at(3));
        let taken = held.take(["Organisation/RX1", "Organisation/NONE"]);
        assert_eq!(taken.len(), 1);
        assert!(held.get("Organisation/RX1", at(3)).is_none());
        held.put(taken, at(4));
        assert!(held.get("Organisation/RX1", at(4)).is_some());
        held.clear();
        assert!(held.get("Organisation/RX1", at(4)).is_none());
    }

    #[test]
    fn it_never_grows_past_its_capacity() {
        let held = HeldDocs::default();
        for n in 0..(CAPACITY * 2 + 10) {
            let mut written = Docs::default();
            written.insert(format!("Organisation/{n}"), (organisation("RX1"), 1));
            held.put(written, at(1));
        }
        assert!(held.len() <= CAPACITY, "{}", held.len());
    }
}
