//! The action view: an action committed in response to input, its due dates, progress and end.
//! Its progress notes are rows of their own, and its links to input items a table of their own.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::activity::DatedText;
use super::correction::{CorrectionAction, CorrectionDoc};
use crate::domain::action::{Action, ActionChanges, ActionEvent};
use crate::domain::common::OdsCode;
use crate::domain::correction::put_right;
use crate::domain::verdict::ActionDates;
use crate::projections::select::{docs_by_ids, docs_in_scope, PushIn, Scope, CHUNK};
use crate::projections::view::{missing, Dep, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

/// A change of an action's due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueChangeDoc {
    pub changed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reason: String,
}

/// The completion of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletedDoc {
    pub completed_on: NaiveDate,
    pub outcome: String,
    pub evidence: String,
}

/// An input item linked to an action after it was proposed, and from when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkDoc {
    pub input_item: Uuid,
    pub linked_on: NaiveDate,
}

/// An action as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionDoc {
    pub id: Uuid,
    pub title: String,
    pub owner_organisation: OdsCode,
    pub owner_role: String,
    pub decision_forum: String,
    pub input_items: Vec<Uuid>,
    pub proposed_on: NaiveDate,
    pub first_due_on: NaiveDate,
    pub due_changes: Vec<DueChangeDoc>,
    pub agreed_on: Option<NaiveDate>,
    /// How many progress notes it has: the notes themselves are rows of their own, so a long
    /// action's document stays small and each note is written once.
    #[serde(default)]
    pub progress_notes: u32,
    /// Notes applied to this document and not yet written as rows.
    #[serde(skip)]
    pub unwritten_progress: Vec<DatedText>,
    pub completed: Option<CompletedDoc>,
    pub abandoned: Option<DatedText>,
    pub recorded_at: DateTime<Utc>,
    /// Input items linked after the proposal, each from its own date (those in
    /// `input_items` but not here count from `proposed_on`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkDoc>,
    /// Every correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionDoc>,
}

impl ActionDoc {
    /// The due date now in force.
    pub fn due_on(&self) -> NaiveDate {
        self.due_changes
            .last()
            .map_or(self.first_due_on, |c| c.due_on)
    }

    /// The dates the verdict of input item `item` needs.
    pub fn dates_for(&self, item: Uuid) -> ActionDates {
        ActionDates {
            proposed_on: self.proposed_on,
            linked_on: self
                .links
                .iter()
                .find(|l| l.input_item == item)
                .map(|l| l.linked_on),
            agreed_on: self.agreed_on,
            due_on: self.first_due_on,
            due_changes: self
                .due_changes
                .iter()
                .map(|c| (c.changed_on, c.due_on))
                .collect(),
            completed: self.completed.as_ref().map(|c| {
                (
                    c.completed_on,
                    !c.outcome.trim().is_empty() && !c.evidence.trim().is_empty(),
                )
            }),
            abandoned_on: self.abandoned.as_ref().map(|a| a.on),
        }
    }
}

impl ActionDoc {
    /// Takes an amendment's corrected facts in.
    fn take_in(&mut self, changes: ActionChanges) {
        let ActionChanges {
            title,
            owner_organisation,
            owner_role,
            decision_forum,
            proposed_on,
            agreed_on,
            completed_on,
            outcome,
            evidence,
        } = changes;
        put_right(&mut self.title, title);
        put_right(&mut self.owner_organisation, owner_organisation);
        put_right(&mut self.owner_role, owner_role);
        put_right(&mut self.decision_forum, decision_forum);
        put_right(&mut self.proposed_on, proposed_on);
        self.agreed_on = agreed_on.or(self.agreed_on);
        if let Some(completed) = self.completed.as_mut() {
            put_right(&mut completed.completed_on, completed_on);
            put_right(&mut completed.outcome, outcome);
            put_right(&mut completed.evidence, evidence);
        }
    }
}

const ACTIONS: Table = Table {
    name: "view_actions",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    // An amendment may hand the action to another owner.
    on_conflict: "(id) DO UPDATE SET organisation = excluded.organisation, doc = excluded.doc",
};
const ACTION_LINKS: Table = Table {
    name: "view_action_links",
    columns: &[("input_item_id", Kind::Text), ("action_id", Kind::Text)],
    on_conflict: "DO NOTHING",
};
/// An action's progress notes, numbered from 1 in the order recorded.
const ACTION_PROGRESS: Table = Table {
    name: "view_action_progress",
    columns: &[
        ("action_id", Kind::Text),
        ("seq", Kind::Int),
        ("recorded_on", Kind::Date),
        ("note", Kind::Text),
    ],
    on_conflict: "DO NOTHING",
};

impl View for ActionDoc {
    type Aggregate = Action;
    type Event = ActionEvent;
    const TABLES: &'static [&'static Table] = &[&ACTIONS, &ACTION_LINKS, &ACTION_PROGRESS];

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: ActionEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_action(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &ACTIONS,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.owner_organisation.as_str().to_owned())),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        for item in &self.input_items {
            rows.link(&ACTION_LINKS, vec![item.to_string(), self.id.to_string()]);
        }
        // The notes recorded since the document was last written, each once.
        let unwritten = std::mem::take(&mut self.unwritten_progress);
        let first = i64::from(self.progress_notes) - unwritten.len() as i64 + 1;
        for (seq, note) in (first..).zip(unwritten) {
            rows.doc(
                &ACTION_PROGRESS,
                vec![
                    Value::Text(Some(self.id.to_string())),
                    Value::Int(seq),
                    Value::Date(note.on),
                    Value::Text(Some(note.text)),
                ],
            );
        }
        Ok(())
    }

    fn touches(&self, touched: &mut std::collections::HashSet<Dep>) {
        touched.insert(Dep::Record(self.id.to_string()));
        // A new link changes the items it links, which may not know the action yet.
        touched.extend(self.input_items.iter().map(|i| Dep::Record(i.to_string())));
    }
}

/// Applies an action event.
pub fn apply_action(
    doc: Option<ActionDoc>,
    id: &str,
    event: ActionEvent,
    at: DateTime<Utc>,
) -> Result<ActionDoc, OutOfOrder> {
    if let ActionEvent::ActionProposed {
        action_id,
        title,
        owner_organisation,
        owner_role,
        decision_forum,
        due_on,
        input_items,
        proposed_on,
    } = event
    {
        return Ok(ActionDoc {
            id: action_id,
            title,
            owner_organisation,
            owner_role,
            decision_forum,
            input_items,
            proposed_on,
            first_due_on: due_on,
            due_changes: vec![],
            agreed_on: None,
            progress_notes: 0,
            unwritten_progress: vec![],
            completed: None,
            abandoned: None,
            recorded_at: at,
            links: vec![],
            corrections: vec![],
        });
    }
    let Some(mut doc) = doc else {
        return missing("action event", "action", id);
    };
    match event {
        ActionEvent::ActionProposed { .. } => {}
        ActionEvent::ActionAgreed { agreed_on } => doc.agreed_on = Some(agreed_on),
        ActionEvent::ProgressRecorded { recorded_on, note } => {
            doc.progress_notes += 1;
            doc.unwritten_progress.push(DatedText {
                on: recorded_on,
                text: note,
            });
        }
        ActionEvent::ActionCompleted {
            completed_on,
            outcome,
            evidence,
        } => {
            doc.completed = Some(CompletedDoc {
                completed_on,
                outcome,
                evidence,
            });
        }
        ActionEvent::ActionAbandoned {
            abandoned_on,
            reason,
        } => {
            doc.abandoned = Some(DatedText {
                on: abandoned_on,
                text: reason,
            });
        }
        ActionEvent::DueDateChanged {
            changed_on,
            due_on,
            reason,
        } => {
            doc.due_changes.push(DueChangeDoc {
                changed_on,
                due_on,
                reason,
            });
        }
        ActionEvent::InputItemLinked {
            input_item_id,
            linked_on,
        } => {
            doc.input_items.push(input_item_id);
            doc.links.push(LinkDoc {
                input_item: input_item_id,
                linked_on,
            });
        }
        ActionEvent::InputItemUnlinked {
            input_item_id,
            correction,
        } => {
            doc.input_items.retain(|i| *i != input_item_id);
            doc.links.retain(|l| l.input_item != input_item_id);
            let fields = vec![input_item_id.to_string()];
            doc.corrections.push(CorrectionDoc::new(
                CorrectionAction::Unlinked,
                correction,
                fields,
                at,
            ));
        }
        ActionEvent::ActionAmended {
            changes,
            correction,
        } => {
            let amended = CorrectionDoc::amended(correction, &changes.fields(), at);
            doc.take_in(changes);
            doc.corrections.push(amended);
        }
    }
    Ok(doc)
}

/// One action.
pub async fn action(db: &Db, id: Uuid) -> anyhow::Result<Option<ActionDoc>> {
    Ok(docs_by_ids(
        db,
        "SELECT doc, log_position FROM view_actions",
        "id",
        &[id.to_string()],
    )
    .await?
    .pop())
}

/// An action's progress notes, first to latest.
pub async fn action_progress(db: &Db, id: Uuid) -> anyhow::Result<Vec<DatedText>> {
    const SQL: &str =
        "SELECT recorded_on, note FROM view_action_progress WHERE action_id = $1 ORDER BY seq";
    let rows: Vec<(NaiveDate, String)> = on_db!(db, pool => sqlx::query_as(SQL)
        .bind(id.to_string()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|(on, text)| DatedText { on, text })
        .collect())
}

/// Actions owned by an organisation in scope, oldest first.
pub async fn actions(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<(ActionDoc, i64)>> {
    docs_in_scope(db, "view_actions", scope).await
}

/// Those of the input items `ids` that an action owned by one of `organisations` answers.
pub async fn answered_by_actions_of(
    db: &Db,
    ids: &[String],
    organisations: &[String],
) -> anyhow::Result<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<String> = on_db!(db, pool => {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT l.input_item_id FROM view_action_links l \
                 JOIN view_actions a ON a.id = l.action_id WHERE ");
            q.push_in("l.input_item_id", chunk).push(" AND ").push_in("a.organisation", organisations);
            q.build_query_scalar().fetch_all(pool).await?
        });
        out.extend(found);
    }
    Ok(out)
}
