//! Joined input items kept in memory by the replica that writes the views, so that dashboards
//! read all day do not join the same items over and over again.
//!
//! An answer (the items matching one scope and filter, each joined with its actions, its
//! activity's feedback and its response window) is kept with what it was made from: the
//! organisations whose items it lists and the ids of every record it read. Each batch the
//! projector writes lets go of the answers that any of its documents touches, before the views
//! are seen to move, so an answer is never older than the views a caller could read instead.
//! Writes elsewhere in the log (another organisation's records) leave an answer kept.
//!
//! An answer read from the tables while a batch landed may mix the tables before and after it,
//! so it is kept only if no batch since the read began touches it (see [`Ticket`]).
//!
//! Only the replica running the projector keeps answers: it alone sees every write. It lets
//! everything go whenever the tables may have been written by someone else (it lost the lease,
//! a rebuild switched new tables in, its checkpoint moved elsewhere).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use super::view::Dep;
use super::views::input_item::{ItemFilter, ItemView};
use super::views::Doc;

/// Most items kept across every answer (each one a few kilobytes at most, with its actions).
const MAX_ITEMS: usize = 10_000;
/// Most answers kept.
const MAX_ANSWERS: usize = 1_000;
/// Batches remembered for answers being read meanwhile; a read that outlasts them is not kept.
const RECENT: usize = 64;

/// Which answer: a caller's scope (organisations, or all) and the filter applied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    scope: Option<Vec<String>>,
    filter: ItemFilter,
}

impl Key {
    pub fn new(scope: Option<&[String]>, filter: &ItemFilter) -> Self {
        Self {
            scope: scope.map(<[String]>::to_vec),
            filter: filter.clone(),
        }
    }

    /// What a batch must touch to change the answer to this key, given the answer.
    fn depends_on(&self, items: &[ItemView]) -> HashSet<Dep> {
        let mut deps = HashSet::new();
        // A new or changed item may come to match: of the organisation filtered on, or of any
        // organisation in scope (as owner or as the partner it is referred to), or of any.
        match (&self.filter.organisation, &self.scope) {
            (Some(code), _) => {
                deps.insert(Dep::ItemsOf(code.clone()));
            }
            (None, Some(codes)) => deps.extend(codes.iter().cloned().map(Dep::ItemsOf)),
            (None, None) => {
                deps.insert(Dep::AnyItem);
            }
        }
        // Any record an answer was joined from may change.
        for view in items {
            deps.insert(Dep::Record(view.doc.id.to_string()));
            deps.insert(Dep::Record(view.doc.activity_id.to_string()));
            deps.insert(Dep::Record(view.doc.organisation.to_string()));
            deps.extend(view.actions.iter().map(|a| Dep::Record(a.id.to_string())));
        }
        deps
    }
}

/// What one batch touched.
#[derive(Debug, Default)]
pub struct Changes {
    touched: HashSet<Dep>,
    /// Everything may have changed.
    all: bool,
}

impl Changes {
    /// What the documents a batch wrote touch, as each view says (see `View::touches`): for
    /// the joined input items, each record itself, the organisations of the input items among
    /// them, and the input items an action is linked to.
    pub fn of<'a>(docs: impl IntoIterator<Item = &'a Doc>) -> Self {
        let mut touched = HashSet::new();
        for doc in docs {
            doc.touches(&mut touched);
        }
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

    fn hits(&self, deps: &HashSet<Dep>) -> bool {
        self.all || self.touched.iter().any(|d| deps.contains(d))
    }
}

/// Taken before an answer is read from the tables, and handed back with it to keep it.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

struct Answer {
    items: Vec<ItemView>,
    deps: HashSet<Dep>,
    used: u64,
}

#[derive(Default)]
struct Inner {
    /// Moves on with every batch written (and every letting go of everything).
    generation: u64,
    /// The latest batches' changes, oldest first, each with the generation it made.
    recent: VecDeque<(u64, Changes)>,
    answers: HashMap<Key, Answer>,
    /// Which answers each dependency would let go.
    by_dep: HashMap<Dep, HashSet<Key>>,
    items: usize,
    clock: u64,
}

impl Inner {
    /// Notes a batch's changes (or a letting go of everything) for answers being read.
    fn remember(&mut self, changes: Changes) {
        self.generation += 1;
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        let generation = self.generation;
        self.recent.push_back((generation, changes));
    }

    fn remove(&mut self, key: &Key) {
        if let Some(answer) = self.answers.remove(key) {
            self.items -= answer.items.len();
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

    /// Lets the least recently used answers go until `room` more items and one more answer fit.
    fn make_room(&mut self, room: usize) {
        if self.items + room <= MAX_ITEMS && self.answers.len() < MAX_ANSWERS {
            return;
        }
        let mut by_use: Vec<(u64, Key)> = self
            .answers
            .iter()
            .map(|(k, a)| (a.used, k.clone()))
            .collect();
        by_use.sort_unstable_by_key(|(used, _)| *used);
        for (_, key) in by_use {
            // Down to three quarters, so that this is not done again on the next answer.
            if self.items + room <= MAX_ITEMS * 3 / 4 && self.answers.len() < MAX_ANSWERS * 3 / 4 {
                break;
            }
            self.remove(&key);
        }
    }
}

/// The answers kept; see the module's documentation.
#[derive(Default)]
pub struct KeptItems {
    inner: Mutex<Inner>,
}

impl KeptItems {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kept answer for `key`, if there is one.
    pub fn get(&self, key: &Key) -> Option<Vec<ItemView>> {
        let mut inner = self.lock();
        inner.clock += 1;
        let now = inner.clock;
        let answer = inner.answers.get_mut(key)?;
        answer.used = now;
        Some(answer.items.clone())
    }

    /// To take before reading an answer from the tables.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.lock().generation)
    }

    /// Keeps `items`, read from the tables after `ticket` was taken, as the answer for `key`,
    /// unless a batch written since then touches it (or so many batches came that it cannot
    /// tell).
    pub fn keep(&self, key: Key, ticket: Ticket, items: &[ItemView]) {
        if items.len() > MAX_ITEMS / 4 {
            return;
        }
        let deps = key.depends_on(items);
        let mut inner = self.lock();
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
        inner.make_room(items.len());
        inner.clock += 1;
        for dep in &deps {
            inner
                .by_dep
                .entry(dep.clone())
                .or_default()
                .insert(key.clone());
        }
        inner.items += items.len();
        let used = inner.clock;
        inner.answers.insert(
            key,
            Answer {
                items: items.to_vec(),
                deps,
                used,
            },
        );
    }

    /// Lets go of every answer a written batch touched; called after the batch is committed
    /// and before the views are seen to move.
    pub fn written(&self, changes: Changes) {
        let mut inner = self.lock();
        let gone: HashSet<Key> = changes
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
        let mut inner = self.lock();
        inner.answers.clear();
        inner.by_dep.clear();
        inner.items = 0;
        inner.remember(Changes::everything());
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().answers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projections::docs::{ActionDoc, InputItemDoc};

    fn item(organisation: &str) -> InputItemDoc {
        serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::new_v4(),
            "activity_id": uuid::Uuid::new_v4(),
            "organisation": organisation,
            "kind": "IDEA",
            "summary": "Longer opening hours",
            "themes": [],
            "raised_by": "PATIENT",
            "raised_on": "2026-01-20",
            "recorded_at": "2026-01-20T10:00:00Z",
            "decisions": [],
            "feedback": []
        }))
        .expect("an input item document")
    }

    fn view(doc: InputItemDoc) -> ItemView {
        ItemView {
            doc,
            log_position: 1,
            actions: vec![],
            activity_feedback: vec![],
            response_window_days: 60,
        }
    }

    fn of_org(code: &str) -> Key {
        Key::new(
            Some(&[code.to_owned()]),
            &ItemFilter {
                organisation: Some(code.to_owned()),
                ..ItemFilter::default()
            },
        )
    }

    fn action_linking(item: uuid::Uuid) -> ActionDoc {
        serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::new_v4(),
            "title": "Open on Saturdays",
            "owner_organisation": "QMJ",
            "owner_role": "Head of Patient Experience",
            "decision_forum": "Quality Committee",
            "input_items": [item],
            "proposed_on": "2026-02-01",
            "first_due_on": "2026-06-30",
            "due_changes": [],
            "agreed_on": null,
            "progress_notes": 0,
            "completed": null,
            "abandoned": null,
            "recorded_at": "2026-02-01T10:00:00Z"
        }))
        .expect("an action document")
    }

    #[test]
    fn another_organisations_item_leaves_an_answer_kept() {
        let kept = KeptItems::default();
        let qmj = view(item("QMJ"));
        kept.keep(of_org("QMJ"), kept.ticket(), std::slice::from_ref(&qmj));
        kept.written(Changes::of([&Doc::InputItem(item("RRV"))]));
        assert_eq!(kept.get(&of_org("QMJ")).map(|v| v.len()), Some(1));

        // A new item of the organisation itself lets it go.
        kept.written(Changes::of([&Doc::InputItem(item("QMJ"))]));
        assert!(kept.get(&of_org("QMJ")).is_none());
    }

    #[test]
    fn an_item_referred_to_the_organisation_lets_its_answer_go() {
        let kept = KeptItems::default();
        let key = Key::new(Some(&["RRV".to_owned()]), &ItemFilter::default());
        kept.keep(key.clone(), kept.ticket(), &[]);
        let mut referred = item("QMJ");
        referred.decisions = serde_json::from_value(serde_json::json!([{
            "outcome": "REFERRED", "reason": "Theirs to answer", "referred_to": "RRV",
            "decided_on": "2026-02-01", "decided_by": "QMJ", "revision_reason": null,
            "recorded_at": "2026-02-01T10:00:00Z"
        }]))
        .expect("a referral");
        kept.written(Changes::of([&Doc::InputItem(referred)]));
        assert!(kept.get(&key).is_none());
    }

    #[test]
    fn a_new_link_lets_the_linked_items_answer_go() {
        let kept = KeptItems::default();
        let doc = item("QMJ");
        let id = doc.id;
        kept.keep(of_org("QMJ"), kept.ticket(), &[view(doc.clone())]);
        // An action of another organisation, linked to the item: the item's answer changes.
        let action = action_linking(id);
        kept.written(Changes::of([&Doc::Action(action)]));
        assert!(kept.get(&of_org("QMJ")).is_none());
        assert_eq!(kept.len(), 0);
    }

    #[test]
    fn an_answer_read_while_a_batch_touching_it_landed_is_not_kept() {
        let kept = KeptItems::default();
        let ticket = kept.ticket();
        // The batch lands while the answer is being read.
        kept.written(Changes::of([&Doc::InputItem(item("QMJ"))]));
        kept.keep(of_org("QMJ"), ticket, &[view(item("QMJ"))]);
        assert!(kept.get(&of_org("QMJ")).is_none());

        // One that touched something else does not stop it.
        let ticket = kept.ticket();
        kept.written(Changes::of([&Doc::InputItem(item("RRV"))]));
        kept.keep(of_org("QMJ"), ticket, &[view(item("QMJ"))]);
        assert!(kept.get(&of_org("QMJ")).is_some());

        // Nor is one read across more batches than are remembered, or across a clear.
        let ticket = kept.ticket();
        for _ in 0..=RECENT {
            kept.written(Changes::of([&Doc::InputItem(item("RRV"))]));
        }
        kept.keep(of_org("A81001"), ticket, &[]);
        assert!(kept.get(&of_org("A81001")).is_none());
        let ticket = kept.ticket();
        kept.clear();
        kept.keep(of_org("A81001"), ticket, &[]);
        assert!(kept.get(&of_org("A81001")).is_none());
        assert!(kept.get(&of_org("QMJ")).is_none(), "cleared");
    }

    #[test]
    fn the_least_recently_used_answers_go_first_when_full() {
        let kept = KeptItems::default();
        let many: Vec<ItemView> = (0..MAX_ITEMS / 4).map(|_| view(item("QMJ"))).collect();
        for code in ["A", "B", "C", "D"] {
            kept.keep(of_org(code), kept.ticket(), &many);
        }
        assert!(kept.get(&of_org("A")).is_some(), "A used last");
        kept.keep(of_org("E"), kept.ticket(), &many[..1]);
        assert!(kept.get(&of_org("E")).is_some());
        assert!(kept.get(&of_org("A")).is_some());
        assert!(kept.get(&of_org("B")).is_none(), "B used least recently");
        // Too large an answer is not kept at all.
        let huge: Vec<ItemView> = (0..=MAX_ITEMS / 4).map(|_| view(item("QMJ"))).collect();
        kept.keep(of_org("F"), kept.ticket(), &huge);
        assert!(kept.get(&of_org("F")).is_none());
    }
}
