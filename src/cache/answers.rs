//! Joined answers kept in memory by the replica that writes the views, so that dashboards read
//! all day do not join the same records over and over again (see the rules in [`super`]).
//!
//! An answer (a list of `V` for one key `K`) is kept with what it was made from: the
//! dependencies `D` (records, and sets of records such as "the input items of an organisation")
//! that a change to would change the answer. Each batch the projector writes lets go of the
//! answers that anything it touched depends on, before the views are seen to move, so an answer
//! is never older than the views a caller could read instead. Writes elsewhere leave an answer
//! kept.
//!
//! An answer read from the tables while a batch landed may mix the tables before and after it,
//! so it is kept only if no batch since the read began touches it (see [`Ticket`]).
//!
//! Only the replica running the projector keeps answers: it alone sees every write. It lets
//! everything go whenever the tables may have been written by someone else (it lost the lease,
//! a rebuild switched new tables in, its checkpoint moved elsewhere).

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;

use super::{lock, Caching};

/// Most values kept across every answer (each one a few kilobytes at most).
const MAX_VALUES: usize = 10_000;
/// Most answers kept.
const MAX_ANSWERS: usize = 1_000;
/// Batches remembered for answers being read meanwhile; a read that outlasts them is not kept.
const RECENT: usize = 64;

/// What one batch touched.
#[derive(Debug, Clone)]
pub struct Changes<D> {
    touched: HashSet<D>,
    /// Everything may have changed.
    all: bool,
}

impl<D: Hash + Eq> Changes<D> {
    /// A batch that touched `touched`.
    pub fn of(touched: HashSet<D>) -> Self {
        Self {
            touched,
            all: false,
        }
    }

    fn everything() -> Self {
        Self {
            touched: HashSet::new(),
            all: true,
        }
    }

    fn hits(&self, deps: &HashSet<D>) -> bool {
        self.all || self.touched.iter().any(|d| deps.contains(d))
    }
}

/// Taken before an answer is read from the tables, and handed back with it to keep it.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

struct Answer<V, D> {
    values: Vec<V>,
    deps: HashSet<D>,
    used: u64,
}

struct Inner<K, V, D> {
    /// Moves on with every batch written (and every letting go of everything).
    generation: u64,
    /// The latest batches' changes, oldest first, each with the generation it made.
    recent: VecDeque<(u64, Changes<D>)>,
    answers: HashMap<K, Answer<V, D>>,
    /// Which answers each dependency would let go.
    by_dep: HashMap<D, HashSet<K>>,
    values: usize,
    clock: u64,
}

impl<K: Hash + Eq + Clone, V, D: Hash + Eq> Inner<K, V, D> {
    /// Notes a batch's changes (or a letting go of everything) for answers being read.
    fn remember(&mut self, changes: Changes<D>) {
        self.generation += 1;
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        let generation = self.generation;
        self.recent.push_back((generation, changes));
    }

    fn remove(&mut self, key: &K) {
        if let Some(answer) = self.answers.remove(key) {
            self.values -= answer.values.len();
            for dep in &answer.deps {
                if let Some(keys) = self.by_dep.get_mut(dep) {
                    keys.remove(key);
                    if keys.is_empty() {
                        self.by_dep.remove(dep);
                    }
                }
            }
        }
    }

    /// Lets the least recently used answers go until `room` more values and one more answer
    /// fit, down to three quarters so that this is not done again on the next answer.
    fn make_room(&mut self, room: usize, max_values: usize) {
        if self.values + room <= max_values && self.answers.len() < MAX_ANSWERS {
            return;
        }
        let mut by_use: Vec<(u64, K)> = self
            .answers
            .iter()
            .map(|(k, a)| (a.used, k.clone()))
            .collect();
        by_use.sort_unstable_by_key(|(used, _)| *used);
        for (_, key) in by_use {
            if self.values + room <= max_values * 3 / 4 && self.answers.len() < MAX_ANSWERS * 3 / 4
            {
                break;
            }
            self.remove(&key);
        }
    }
}

/// The answers kept; see the module's documentation.
pub struct KeptAnswers<K, V, D> {
    inner: Mutex<Inner<K, V, D>>,
    max_values: usize,
}

impl<K: Hash + Eq + Clone, V: Clone, D: Hash + Eq + Clone> KeptAnswers<K, V, D> {
    pub fn new(caching: Caching) -> Self {
        Self {
            inner: Mutex::new(Inner {
                generation: 0,
                recent: VecDeque::new(),
                answers: HashMap::new(),
                by_dep: HashMap::new(),
                values: 0,
                clock: 0,
            }),
            max_values: caching.room(MAX_VALUES),
        }
    }

    /// The kept answer for `key`, if there is one.
    pub fn get(&self, key: &K) -> Option<Vec<V>> {
        let mut inner = lock(&self.inner);
        inner.clock += 1;
        let now = inner.clock;
        let answer = inner.answers.get_mut(key)?;
        answer.used = now;
        Some(answer.values.clone())
    }

    /// To take before reading an answer from the tables.
    pub fn ticket(&self) -> Ticket {
        Ticket(lock(&self.inner).generation)
    }

    /// Keeps `values`, read from the tables after `ticket` was taken and made from `deps`, as
    /// the answer for `key`, unless a batch written since then touches it (or so many batches
    /// came that it cannot tell). An answer of more than a quarter of the room is not kept.
    pub fn keep(&self, key: K, ticket: Ticket, values: &[V], deps: HashSet<D>) {
        if self.max_values == 0 || values.len() > self.max_values / 4 {
            return;
        }
        let mut inner = lock(&self.inner);
        if inner.generation != ticket.0 {
            let remembered = inner
                .recent
                .front()
                .is_some_and(|(g, _)| *g <= ticket.0 + 1);
            if !remembered
                || inner
                    .recent
                    .iter()
                    .any(|(g, changes)| *g > ticket.0 && changes.hits(&deps))
            {
                return;
            }
        }
        inner.remove(&key);
        inner.make_room(values.len(), self.max_values);
        inner.clock += 1;
        for dep in &deps {
            inner
                .by_dep
                .entry(dep.clone())
                .or_default()
                .insert(key.clone());
        }
        inner.values += values.len();
        let used = inner.clock;
        inner.answers.insert(
            key,
            Answer {
                values: values.to_vec(),
                deps,
                used,
            },
        );
    }

    /// Lets go of every answer a written batch touched; called after the batch is committed
    /// and before the views are seen to move.
    pub fn written(&self, changes: Changes<D>) {
        let mut inner = lock(&self.inner);
        let gone: HashSet<K> = changes
            .touched
            .iter()
            .filter_map(|dep| inner.by_dep.get(dep))
            .flatten()
            .cloned()
            .collect();
        for key in &gone {
            inner.remove(key);
        }
        inner.remember(changes);
    }

    /// Lets every answer go: the tables may have been written by someone else.
    pub fn clear(&self) {
        let mut inner = lock(&self.inner);
        inner.answers.clear();
        inner.by_dep.clear();
        inner.values = 0;
        inner.remember(Changes::everything());
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        lock(&self.inner).answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Kept = KeptAnswers<&'static str, u32, &'static str>;

    fn deps(of: &[&'static str]) -> HashSet<&'static str> {
        of.iter().copied().collect()
    }

    fn touched(of: &[&'static str]) -> Changes<&'static str> {
        Changes::of(deps(of))
    }

    #[test]
    fn a_batch_lets_go_only_the_answers_it_touches() {
        let kept = Kept::new(Caching::On);
        kept.keep(
            "qmj",
            kept.ticket(),
            &[1],
            deps(&["items of QMJ", "item 1"]),
        );
        kept.keep("rrv", kept.ticket(), &[2], deps(&["items of RRV"]));
        kept.written(touched(&["item 1"]));
        assert!(kept.get(&"qmj").is_none());
        assert_eq!(kept.get(&"rrv"), Some(vec![2]));
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn an_answer_read_while_a_batch_touching_it_landed_is_not_kept() {
        let kept = Kept::new(Caching::On);
        let ticket = kept.ticket();
        kept.written(touched(&["items of QMJ"]));
        kept.keep("qmj", ticket, &[1], deps(&["items of QMJ"]));
        assert!(kept.get(&"qmj").is_none());

        // One that touched something else does not stop it.
        let ticket = kept.ticket();
        kept.written(touched(&["items of RRV"]));
        kept.keep("qmj", ticket, &[1], deps(&["items of QMJ"]));
        assert!(kept.get(&"qmj").is_some());

        // Nor is one read across more batches than are remembered, or across a clear.
        let ticket = kept.ticket();
        for _ in 0..=RECENT {
            kept.written(touched(&["items of RRV"]));
        }
        kept.keep("a81001", ticket, &[], deps(&["items of A81001"]));
        assert!(kept.get(&"a81001").is_none());
        let ticket = kept.ticket();
        kept.clear();
        kept.keep("a81001", ticket, &[], deps(&["items of A81001"]));
        assert!(kept.get(&"a81001").is_none());
        assert!(kept.get(&"qmj").is_none(), "cleared");
    }

    #[test]
    fn the_least_recently_used_answers_go_first_when_full() {
        let kept = Kept::new(Caching::On);
        let many: Vec<u32> = (0..MAX_VALUES as u32 / 4).collect();
        for key in ["a", "b", "c", "d"] {
            kept.keep(key, kept.ticket(), &many, deps(&[key]));
        }
        assert!(kept.get(&"a").is_some(), "a used last");
        kept.keep("e", kept.ticket(), &many[..1], deps(&["e"]));
        assert!(kept.get(&"e").is_some());
        assert!(kept.get(&"a").is_some());
        assert!(kept.get(&"b").is_none(), "b used least recently");
        // Too large an answer is not kept at all.
        let huge: Vec<u32> = (0..=MAX_VALUES as u32 / 4).collect();
        kept.keep("f", kept.ticket(), &huge, deps(&["f"]));
        assert!(kept.get(&"f").is_none());
    }

    #[test]
    fn nothing_is_kept_when_caching_is_off() {
        let kept = Kept::new(Caching::Off);
        kept.keep("qmj", kept.ticket(), &[], deps(&["items of QMJ"]));
        assert!(kept.get(&"qmj").is_none());
    }
}
