//! Every cache the service keeps, and the rules they all keep.
//!
//! A cache only ever saves work. Each answer it gives is one the caller could have read from
//! the log or the view tables at that moment; with `PL_CACHES=off` every cache has room for
//! nothing and the service reads them every time instead (`tests/api/caches.rs` answers a
//! random mix of mutations and dashboard queries both ways, on both backends, and requires the
//! same answers).
//!
//! # The caches
//!
//! | Cache | Holds | Filled by | Goes stale when |
//! |---|---|---|---|
//! | [`StreamCache`] (one per aggregate type, in `store`) | a stream's state after version `v`, with the hash the next event chains to | the write path, after it loads or commits the stream | never wrong, only behind: a later event in the log. A command may decide on it (the log's unique (stream, sequence) refuses a commit on a state moved past, and the command runs again on a fresh load); a lookup uses it only when [`SeenVersions`] says `v` is the log's, else reads what came after `v` |
//! | [`SeenVersions`] (in `store`) | the latest version of each stream this replica knows the log holds | the projector, for every event it reads, and lookups that read a stream from the log, only on the replica running the projector | this replica stops running the projector (everything is forgotten, and noting starts again from nothing when it takes the projector on) |
//! | [`HeldDocs`] (in `projections`) | the view document the projector last wrote for a record, with the position of that batch | the projector only, after committing a batch | anyone else writes the views: every write is conditional on the checkpoint the projector last moved, so it fails, and the projector lets everything go (as when it loses the lease or a rebuild switches new tables in) |
//! | [`KeptAnswers`] (in `projections`) | joined answers (input items with their actions, feedback and window), each with the records and organisations it was made from | readers on the replica running the projector reading the primary (never a hot standby, which may not yet hold a change that let an answer go), with a [`Ticket`] taken before reading the tables | a batch touches anything it was made from: the projector lets those answers go after committing the batch and before the views are seen to move. An answer read while such a batch landed is never kept |
//! | [`KeptAnswers`] of public pages (in `projections`) | a public page as rendered, with its entity tag, by address and day | the public pages, on the replica running the projector, read from the primary, with a [`Ticket`] taken before reading | as for the joined answers: a batch touches anything the page was read from (the organisation, its activities, the items and actions shown); the day is part of the key, as verdicts turn overdue with it |
//!
//! Two more keep entries that cannot go stale: parsed query documents by query text
//! (`api::transport::parsed`, a [`Bounded`] map: the checks they passed depend on the text
//! alone), and views replayed as recorded at a moment at least a minute past
//! (`api::common::heavy`: the log before a settled moment never changes).
//!
//! # Rules every cache keeps
//!
//! 1. **Bounded.** Each has a fixed capacity and lets entries go when full ([`Bounded`] lets an
//!    arbitrary quarter go: a miss costs one read). Memory does not grow with the organisation.
//! 2. **Filled only by who can tell it is current.** Stream states and documents are put by the
//!    writer that just made or read them; answers only by the replica that sees every write.
//! 3. **Let go before anyone can see the change.** Invalidation runs after a batch commits and
//!    before the views' position moves, so no reader that waited for a position is answered
//!    from before it.
//! 4. **No personal data.** Sealed streams (participants) are never held: their state carries
//!    opened personal data, which erasure must make unreadable.
//! 5. **Short locks.** A `std` mutex, never held across an `.await`; a poisoned lock is taken
//!    over, as every update leaves the map whole.

mod answers;
mod records;
mod seen;
mod streams;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::{Mutex, MutexGuard};

pub use answers::{Changes, KeptAnswers, Ticket};
pub use records::HeldDocs;
pub use seen::SeenVersions;
pub use streams::{Held, StreamCache};

/// Whether the service keeps caches (`PL_CACHES`, on unless `off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Caching {
    #[default]
    On,
    /// Every cache has room for nothing: each answer is read from the log or the tables.
    Off,
}

impl Caching {
    /// `capacity` when on, none when off.
    pub fn room(self, capacity: usize) -> usize {
        match self {
            Self::On => capacity,
            Self::Off => 0,
        }
    }
}

/// A map keyed by record (`type/id`) with a fast hasher: the keys are the log's own ids.
pub type ByKey<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// A map of at most `capacity` entries that lets an arbitrary quarter go when full; with no
/// capacity it holds nothing.
pub struct Bounded<K, V, S = std::collections::hash_map::RandomState> {
    map: HashMap<K, V, S>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V, S: BuildHasher + Default> Bounded<K, V, S> {
    pub fn new(capacity: usize) -> Self {
        Self {
            map: HashMap::default(),
            capacity,
        }
    }

    pub fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.map.get(key)
    }

    pub fn get_mut<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.map.get_mut(key)
    }

    pub fn remove<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.map.remove(key)
    }

    /// Holds `value` under `key`, first letting a quarter go if a new key would not fit.
    pub fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        if self.map.len() >= self.capacity && !self.map.contains_key(&key) {
            let gone: Vec<K> = self
                .map
                .keys()
                .take(self.capacity.div_ceil(4))
                .cloned()
                .collect();
            for key in gone {
                self.map.remove(&key);
            }
        }
        self.map.insert(key, value);
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A cache's lock (rule 5): taken over if a holder panicked.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_map_never_grows_past_its_capacity() {
        let mut map: Bounded<usize, ()> = Bounded::new(8);
        for n in 0..100 {
            map.insert(n, ());
            assert!(map.len() <= 8, "{}", map.len());
        }
        assert!(map.get(&99).is_some(), "the newest is held");
        map.insert(99, ());
        assert!(map.len() <= 8);
    }

    #[test]
    fn with_caching_off_nothing_is_held() {
        let mut map: Bounded<usize, ()> = Bounded::new(Caching::Off.room(8));
        map.insert(1, ());
        assert!(map.is_empty());
        assert_eq!(Caching::On.room(8), 8);
    }
}
