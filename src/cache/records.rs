//! The view documents the projector last wrote, held so that it need not read them back from
//! the tables for the next event on the same record, and so that a mutation can answer with its
//! record without a read of its own (see the rules in [`super`]).
//!
//! A held document is the one in the tables for as long as this projector is the only writer
//! of the views: every write it makes is conditional on the checkpoint it last moved, so a
//! write by anyone else makes its next write fail, and it lets everything go then (as it does
//! when it loses the lease or a rebuild switches new tables in).

use std::sync::{Arc, Mutex};

use super::{lock, Bounded, ByKey, Caching};

/// Documents held before some are let go (each about a kilobyte, most far less).
const CAPACITY: usize = 20_000;

/// One held document `D`: the position that created it (its row's `log_position`) and the
/// position `P` of the batch that last wrote it.
struct Entry<D, P> {
    doc: Arc<D>,
    created: i64,
    as_of: P,
}

/// The held documents, by `type/id`.
pub struct HeldDocs<D, P> {
    docs: Mutex<Bounded<String, Entry<D, P>, foldhash::fast::RandomState>>,
    capacity: usize,
}

impl<D: Clone, P: Copy + Ord> HeldDocs<D, P> {
    pub fn new(caching: Caching) -> Self {
        let capacity = caching.room(CAPACITY);
        Self {
            docs: Mutex::new(Bounded::new(capacity)),
            capacity,
        }
    }

    /// Takes the documents of `keys` out, each with the position that created it; those not
    /// held are left for the caller to read from the tables.
    pub fn take<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> ByKey<(D, i64)> {
        let mut docs = lock(&self.docs);
        let mut taken = ByKey::default();
        for key in keys {
            if let Some(entry) = docs.remove(key) {
                let doc = Arc::try_unwrap(entry.doc).unwrap_or_else(|shared| (*shared).clone());
                taken.insert(key.to_owned(), (doc, entry.created));
            }
        }
        taken
    }

    /// Holds the documents a batch ending at `as_of` wrote (as many as fit).
    pub fn put(&self, written: ByKey<(D, i64)>, as_of: P) {
        let mut docs = lock(&self.docs);
        for (key, (doc, created)) in written.into_iter().take(self.capacity) {
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
        lock(&self.docs).clear();
    }

    /// The document of `type/id` with the position that created it, if held and written at
    /// `at` or later.
    pub fn get(&self, key: &str, at: P) -> Option<(Arc<D>, i64)> {
        let docs = lock(&self.docs);
        let entry = docs.get(key).filter(|e| e.as_of >= at)?;
        Some((entry.doc.clone(), entry.created))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(key: &str, doc: &str, created: i64) -> ByKey<(String, i64)> {
        let mut written = ByKey::default();
        written.insert(key.to_owned(), (doc.to_owned(), created));
        written
    }

    #[test]
    fn a_document_is_answered_only_once_written_at_the_position_asked() {
        let held = HeldDocs::new(Caching::On);
        held.put(written("Organisation/RX1", "RX1", 3), 7);
        assert!(held.get("Organisation/RX1", 7).is_some());
        assert!(
            held.get("Organisation/RX1", 8).is_none(),
            "not yet written there"
        );
        let (doc, created) = held.get("Organisation/RX1", 5).expect("held");
        assert_eq!((doc.as_str(), created), ("RX1", 3));
    }

    #[test]
    fn taking_a_document_lets_it_go_until_it_is_written_again() {
        let held = HeldDocs::new(Caching::On);
        held.put(written("Organisation/RX1", "RX1", 3), 3);
        let taken = held.take(["Organisation/RX1", "Organisation/NONE"]);
        assert_eq!(taken.len(), 1);
        assert!(held.get("Organisation/RX1", 3).is_none());
        held.put(taken, 4);
        assert!(held.get("Organisation/RX1", 4).is_some());
        held.clear();
        assert!(held.get("Organisation/RX1", 4).is_none());
    }

    #[test]
    fn it_never_grows_past_its_capacity_and_holds_nothing_when_off() {
        let held = HeldDocs::new(Caching::On);
        for n in 0..(CAPACITY * 2 + 10) {
            held.put(written(&format!("Organisation/{n}"), "RX1", 1), 1);
        }
        let len = lock(&held.docs).len();
        assert!(len <= CAPACITY, "{len}");

        let off = HeldDocs::new(Caching::Off);
        off.put(written("Organisation/RX1", "RX1", 3), 3);
        assert!(off.get("Organisation/RX1", 3).is_none());
    }
}
