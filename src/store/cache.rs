//! Recently used streams' state, so that loading an aggregate reads only the events after the
//! version held: one round trip that returns a few rows, however long the stream.
//!
//! Events are never changed or removed, so a held state is never wrong, only possibly behind;
//! every load still asks the log for what came after it, which also brings in what other
//! replicas wrote. Sealed streams (participants) are never held: their state carries opened
//! personal data, which erasure must make unreadable.

use std::collections::HashMap;
use std::sync::Mutex;

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
    streams: Mutex<HashMap<String, Held<A>>>,
}

impl<A> Default for StreamCache<A> {
    fn default() -> Self {
        Self {
            streams: Mutex::new(HashMap::new()),
        }
    }
}

impl<A> StreamCache<A> {
    /// Takes stream `id` out, if held; a command puts it back once it has committed.
    pub fn take(&self, id: &str) -> Option<Held<A>> {
        self.streams
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
    }

    /// What `read` reads of stream `id`'s held state, if it is held and `current` says its
    /// version is the log's; the state stays held.
    pub fn peek<T>(
        &self,
        id: &str,
        current: impl FnOnce(i64) -> bool,
        read: impl FnOnce(&A) -> T,
    ) -> Option<T> {
        let streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let held = streams.get(id).filter(|h| current(h.version))?;
        Some(read(&held.aggregate))
    }

    /// Holds stream `id`'s state, keeping the newer when two loads race.
    pub fn put(&self, id: String, held: Held<A>) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if streams.len() >= CAPACITY && !streams.contains_key(&id) {
            // Let an arbitrary quarter go: cheap, and a miss costs only a full replay.
            let gone: Vec<String> = streams.keys().take(CAPACITY / 4).cloned().collect();
            for key in gone {
                streams.remove(&key);
            }
        }
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
        let cache = StreamCache::default();
        cache.put("a".into(), held(3));
        cache.put("a".into(), held(2));
        let taken = cache.take("a").expect("held");
        assert_eq!(taken.version, 3);
        assert!(cache.take("a").is_none());
    }

    #[test]
    fn it_never_grows_past_its_capacity() {
        let cache = StreamCache::default();
        for n in 0..(CAPACITY * 3) {
            cache.put(n.to_string(), held(1));
        }
        let held = cache.streams.lock().expect("lock").len();
        assert!(held <= CAPACITY, "{held}");
    }
}
