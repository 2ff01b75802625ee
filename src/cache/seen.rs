//! The latest version of each stream that this replica knows the log holds, so that a rule's
//! lookup can use a held stream state without reading the log again.
//!
//! The replica that runs the projector reads every event committed, by any replica or
//! process, in commit order. It notes each stream's latest sequence as it reads, before the
//! views show that event; a lookup that loads a stream from the log notes the version it
//! read. A held state at least as new as what is noted is the log as the projector last read
//! it: a write it has not read yet is one whose request is still waiting for the views, which
//! this projector writes. That is the freshness every lookup already had (a rule can miss a
//! write only while that write's own request is in flight), now without a round trip.
//!
//! While this replica does not run the projector nothing is noted and nothing is trusted, and
//! each time it takes the projector on, it starts again from nothing: another replica may
//! have written meanwhile.

use std::sync::Mutex;

use super::{lock, Bounded, Caching};

/// Streams noted before some are let go (an entry is about 60 bytes).
const CAPACITY: usize = 200_000;

struct Noted {
    /// Counts each time this replica took the projector on.
    epoch: u64,
    following: bool,
    versions: Bounded<String, i64>,
}

/// The latest known version of each stream, by `type/id`.
pub struct SeenVersions {
    noted: Mutex<Noted>,
}

impl SeenVersions {
    pub fn new(caching: Caching) -> Self {
        Self {
            noted: Mutex::new(Noted {
                epoch: 0,
                following: false,
                versions: Bounded::new(caching.room(CAPACITY)),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Noted> {
        lock(&self.noted)
    }

    /// This replica now reads every event of the log: note from nothing.
    pub fn start_following(&self) {
        let mut noted = self.lock();
        noted.epoch += 1;
        noted.following = true;
        noted.versions.clear();
    }

    /// This replica no longer reads every event: trust nothing.
    pub fn stop_following(&self) {
        let mut noted = self.lock();
        noted.following = false;
        noted.versions.clear();
    }

    /// The projector read these events, `(type/id, sequence)`.
    pub fn saw(&self, events: impl IntoIterator<Item = (String, i64)>) {
        let mut noted = self.lock();
        if !noted.following {
            return;
        }
        for (key, sequence) in events {
            note(&mut noted.versions, key, sequence);
        }
    }

    /// What to hand back to [`Self::read_from_log`] after reading a stream from the log; none
    /// while nothing is trusted.
    pub fn epoch(&self) -> Option<u64> {
        let noted = self.lock();
        noted.following.then_some(noted.epoch)
    }

    /// A lookup read stream `key` from the log at `version`, having asked [`Self::epoch`]
    /// first (a read that began before this replica took the projector on notes nothing).
    pub fn read_from_log(&self, epoch: u64, key: &str, version: i64) {
        let mut noted = self.lock();
        if noted.following && noted.epoch == epoch {
            note(&mut noted.versions, key.to_owned(), version);
        }
    }

    /// Whether a held state of stream `key` at `version` is as new as the log is known to be.
    pub fn is_current(&self, key: &str, version: i64) -> bool {
        let noted = self.lock();
        noted.following && noted.versions.get(key).is_some_and(|v| version >= *v)
    }
}

/// Notes `version` for `key`, keeping the newer. A stream let go when full is read from the
/// log again.
fn note(versions: &mut Bounded<String, i64>, key: String, version: i64) {
    match versions.get_mut(&key) {
        Some(at) => *at = (*at).max(version),
        None => versions.insert(key, version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_trusted_until_the_projector_runs_here() {
        let seen = SeenVersions::new(Caching::On);
        assert_eq!(seen.epoch(), None);
        seen.saw([("Activity/a".to_owned(), 3)]);
        assert!(!seen.is_current("Activity/a", 3));
        seen.start_following();
        assert!(!seen.is_current("Activity/a", 3), "not noted since");
        seen.saw([("Activity/a".to_owned(), 3)]);
        assert!(seen.is_current("Activity/a", 3));
        assert!(
            seen.is_current("Activity/a", 4),
            "a state ahead of the projector"
        );
        assert!(
            !seen.is_current("Activity/a", 2),
            "another writer moved it on"
        );
        seen.stop_following();
        assert!(!seen.is_current("Activity/a", 3));
    }

    #[test]
    fn a_read_from_before_taking_the_projector_on_notes_nothing() {
        let seen = SeenVersions::new(Caching::On);
        seen.start_following();
        let epoch = seen.epoch().expect("following");
        seen.start_following();
        seen.read_from_log(epoch, "Activity/a", 2);
        assert!(!seen.is_current("Activity/a", 2));
        let epoch = seen.epoch().expect("following");
        seen.read_from_log(epoch, "Activity/a", 2);
        assert!(seen.is_current("Activity/a", 2));
        // The projector reads a later event: the held state at 2 is no longer the log.
        seen.saw([("Activity/a".to_owned(), 3)]);
        assert!(!seen.is_current("Activity/a", 2));
        // A read that began before that event notes nothing older.
        seen.read_from_log(epoch, "Activity/a", 2);
        assert!(!seen.is_current("Activity/a", 2));
    }

    #[test]
    fn it_never_grows_past_its_capacity() {
        let seen = SeenVersions::new(Caching::On);
        seen.start_following();
        let ids: Vec<String> = (0..CAPACITY + 10).map(|n| n.to_string()).collect();
        seen.saw(ids.iter().map(|id| (format!("Activity/{id}"), 1)));
        assert!(seen.lock().versions.len() <= CAPACITY);
    }
}
