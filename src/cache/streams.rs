//! Recently used streams' state, so that loading an aggregate reads only the events after the
//! version held, or none (see the rules in [`super`]).
//!
//! Events are never changed or removed, so a held state is never wrong, only possibly behind.
//! A command may decide on it as it is: the log refuses a commit at a version another writer
//! has moved past, and the command runs again on a fresh load. A lookup uses it as it is only
//! when [`super::SeenVersions`] says its version is the log's; otherwise it asks the log for the
//! events after it, which also brings in what other replicas wrote.

use std::sync::Mutex;

use super::{lock, Bounded, Caching};

/// Streams held per store before some are let go.
const CAPACITY: usize = 4_096;

/// One stream's state after `version` events, with the hash the next event chains to.
pub struct Held<A> {
    pub version: i64,
    pub last_hash: String,
    pub aggregate: A,
}

/// The held streams of one aggregate type.
pub struct StreamCache<A> {
    streams: Mutex<Bounded<String, Held<A>>>,
}

impl<A> StreamCache<A> {
    pub fn new(caching: Caching) -> Self {
        Self {
            streams: Mutex::new(Bounded::new(caching.room(CAPACITY))),
        }
    }

    /// Takes stream `id` out, if held; a command puts it back once it has committed.
    pub fn take(&self, id: &str) -> Option<Held<A>> {
        lock(&self.streams).remove(id)
    }

    /// What `read` reads of stream `id`'s held state, if it is held and `current` says its
    /// version is the log's; the state stays held.
    pub fn peek<T>(
        &self,
        id: &str,
        current: impl FnOnce(i64) -> bool,
        read: impl FnOnce(&A) -> T,
    ) -> Option<T> {
        let streams = lock(&self.streams);
        let held = streams.get(id).filter(|h| current(h.version))?;
        Some(read(&held.aggregate))
    }

    /// Holds stream `id`'s state, keeping the newer when two loads race.
    pub fn put(&self, id: String, held: Held<A>) {
        let mut streams = lock(&self.streams);
        match streams.get(&id) {
            Some(existing) if existing.version >= held.version => {}
            _ => {
                streams.insert(id, held);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(version: i64) -> Held<i64> {
        Held {
            version,
            last_hash: String::new(),
            aggregate: version,
        }
    }

    #[test]
    fn the_newer_state_wins_and_taking_empties() {
        let cache = StreamCache::new(Caching::On);
        cache.put("a".into(), held(3));
        cache.put("a".into(), held(2));
        let taken = cache.take("a").expect("held");
        assert_eq!(taken.version, 3);
        assert!(cache.take("a").is_none());
    }

    #[test]
    fn it_never_grows_past_its_capacity() {
        let cache = StreamCache::new(Caching::On);
        for n in 0..(CAPACITY * 3) {
            cache.put(n.to_string(), held(1));
        }
        let held = lock(&cache.streams).len();
        assert!(held <= CAPACITY, "{held}");
    }
}
