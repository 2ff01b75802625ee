//! Which joined input-item answers the replica running the projector keeps, and what each
//! depends on; the keeping itself, and the rules it keeps, are [`crate::cache::KeptAnswers`].

use std::collections::HashSet;
use std::sync::Arc;

use super::view::Dep;
use super::views::input_item::{ItemFilter, ItemView};
use super::views::Doc;
use crate::cache;

/// The kept answers: input items joined with their actions, feedback and window.
pub type KeptItems = cache::KeptAnswers<Key, ItemView, Dep>;

/// A page anyone may read (the public "you said, we did"), as rendered, with its entity tag.
#[derive(Debug)]
pub struct Rendered {
    pub etag: String,
    pub body: String,
}

/// The kept public pages, by address (and day: a verdict turns overdue with the date).
pub type KeptPages = cache::KeptAnswers<String, Arc<Rendered>, Dep>;

/// Everything the replica running the projector keeps of what is read from the views: let go
/// together as batches are written.
pub struct Kept {
    pub items: KeptItems,
    pub pages: KeptPages,
}

impl Kept {
    pub fn new(caching: cache::Caching) -> Self {
        Self {
            items: KeptItems::new(caching),
            pages: KeptPages::new(caching),
        }
    }

    /// Lets go of every answer and page a written batch touched.
    pub fn written(&self, changes: Changes) {
        self.items.written(changes.clone());
        self.pages.written(changes);
    }

    /// Lets everything go: the tables may have been written by someone else.
    pub fn clear(&self) {
        self.items.clear();
        self.pages.clear();
    }
}
/// What one batch of documents touched.
pub type Changes = cache::Changes<Dep>;

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
    pub fn depends_on(&self, items: &[ItemView]) -> HashSet<Dep> {
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
            // The owner's response window, and each partner's it was referred to.
            deps.extend(
                view.doc
                    .window_holders()
                    .map(|c| Dep::Record(c.to_string())),
            );
            deps.extend(view.actions.iter().map(|a| Dep::Record(a.id.to_string())));
        }
        deps
    }
}

/// What the documents a batch wrote touch, as each view says (see `View::touches`): for the
/// joined input items, each record itself, the organisations of the input items among them,
/// and the input items an action is linked to.
pub fn changes_of<'a>(docs: impl IntoIterator<Item = &'a Doc>) -> Changes {
    let mut touched = HashSet::new();
    for doc in docs {
        doc.touches(&mut touched);
    }
    Changes::of(touched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Caching;
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
            referee_windows: Default::default(),
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

    /// Keeps `items` as the answer for `key`, as a reader does.
    fn keep(kept: &KeptItems, key: Key, items: &[ItemView]) {
        let deps = key.depends_on(items);
        kept.keep(key, kept.ticket(), items, deps);
    }

    #[test]
    fn another_organisations_item_leaves_an_answer_kept() {
        let kept = KeptItems::new(Caching::On);
        keep(&kept, of_org("QMJ"), &[view(item("QMJ"))]);
        kept.written(changes_of([&Doc::InputItem(item("RRV"))]));
        assert_eq!(kept.get(&of_org("QMJ")).map(|v| v.len()), Some(1));

        // A new item of the organisation itself lets it go.
        kept.written(changes_of([&Doc::InputItem(item("QMJ"))]));
        assert!(kept.get(&of_org("QMJ")).is_none());
    }

    #[test]
    fn an_item_referred_to_the_organisation_lets_its_answer_go() {
        let kept = KeptItems::new(Caching::On);
        let key = Key::new(Some(&["RRV".to_owned()]), &ItemFilter::default());
        keep(&kept, key.clone(), &[]);
        let mut referred = item("QMJ");
        referred.decisions = serde_json::from_value(serde_json::json!([{
            "outcome": "REFERRED", "reason": "Theirs to answer", "referred_to": "RRV",
            "decided_on": "2026-02-01", "decided_by": "QMJ", "revision_reason": null,
            "recorded_at": "2026-02-01T10:00:00Z"
        }]))
        .expect("a referral");
        kept.written(changes_of([&Doc::InputItem(referred)]));
        assert!(kept.get(&key).is_none());
    }

    #[test]
    fn a_new_link_lets_the_linked_items_answer_go() {
        let kept = KeptItems::new(Caching::On);
        let doc = item("QMJ");
        let id = doc.id;
        keep(&kept, of_org("QMJ"), &[view(doc.clone())]);
        // An action of another organisation, linked to the item: the item's answer changes.
        let action = action_linking(id);
        kept.written(changes_of([&Doc::Action(action)]));
        assert!(kept.get(&of_org("QMJ")).is_none());
        assert!(kept.is_empty());
    }
}
