//! The input item view: a piece of input, the decisions on it and the feedback given, and the
//! joined item (with its actions, its activity's feedback and its response window) that
//! verdicts and dashboards are made from.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::activity::FeedbackDoc;
use crate::domain::common::{DecisionOutcome, InputKind, OdsCode, RaisedBy};
use crate::domain::correction::{put_right, Correction, CorrectionCategory};
use crate::domain::input_item::{Decision, InputItem, InputItemEvent};
use crate::domain::verdict::DatedDecision;
use crate::projections::view::{missing, Dep, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};

mod join;

pub use super::correction::{CorrectionAction, CorrectionDoc};

pub(crate) use join::organisations_of;
pub use join::{
    input_item, input_items, input_items_by_id, input_items_unjoined,
    name_themes_as_now,
    join_item, with_duplicates, has_words, search_words,
    ItemFilter, ItemView,
};

/// The response window used when an organisation's record cannot be found.
pub const DEFAULT_RESPONSE_WINDOW_DAYS: u32 = 60;

/// A decision on an input item, with the revision reason when it replaced an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionDoc {
    pub outcome: DecisionOutcome,
    pub reason: String,
    pub referred_to: Option<OdsCode>,
    pub decided_on: NaiveDate,
    pub decided_by: OdsCode,
    pub revision_reason: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// Why and when an item was withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawnDoc {
    pub category: CorrectionCategory,
    pub detail: String,
    /// The item this one repeats, for a duplicate.
    pub duplicate_of: Option<Uuid>,
    /// Whether its decision was withdrawn with it.
    pub decision_withdrawn: bool,
    pub recorded_at: DateTime<Utc>,
}

/// An input item as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputItemDoc {
    pub id: Uuid,
    pub activity_id: Uuid,
    pub organisation: OdsCode,
    pub kind: InputKind,
    pub summary: String,
    pub themes: Vec<String>,
    pub raised_by: RaisedBy,
    pub raised_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub decisions: Vec<DecisionDoc>,
    pub feedback: Vec<FeedbackDoc>,
    /// Every correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionDoc>,
    /// Set while the item is withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<WithdrawnDoc>,
}

impl InputItemDoc {
    /// The partner the item was last referred to, which answers and acts on it from then on
    /// (see the aggregate's `referred_to`).
    pub fn referred_to(&self) -> Option<&OdsCode> {
        self.decisions
            .iter()
            .rev()
            .find(|d| d.outcome == DecisionOutcome::Referred)
            .and_then(|d| d.referred_to.as_ref())
    }

    fn corrected(
        &mut self,
        action: CorrectionAction,
        correction: Correction,
        fields: Vec<String>,
        at: DateTime<Utc>,
    ) {
        self.corrections
            .push(CorrectionDoc::new(action, correction, fields, at));
    }

    /// The item this one repeats, while it is withdrawn as a duplicate.
    pub fn duplicate_of(&self) -> Option<Uuid> {
        self.withdrawn.as_ref().and_then(|w| w.duplicate_of)
    }

    /// Whether the item is withdrawn, and so counts in nothing.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// The decisions as the verdict needs them, with the response window of each organisation
    /// a referral names.
    pub fn dated_decisions(&self, window_of: impl Fn(&OdsCode) -> u32) -> Vec<DatedDecision> {
        self.decisions
            .iter()
            .map(|d| DatedDecision {
                outcome: d.outcome,
                decided_on: d.decided_on,
                referee_window_days: d.referred_to.as_ref().map(&window_of),
            })
            .collect()
    }

    /// The organisations whose response windows its verdict needs: the owner, and each
    /// organisation it was referred to.
    pub fn window_holders(&self) -> impl Iterator<Item = &OdsCode> {
        let referees = self.decisions.iter().filter_map(|d| d.referred_to.as_ref());
        std::iter::once(&self.organisation).chain(referees)
    }
}

const INPUT_ITEMS: Table = Table {
    name: "view_input_items",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("referred_to", Kind::Text),
        ("activity_id", Kind::Text),
        ("raised_on", Kind::Date),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
        ("duplicate_of", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET referred_to = excluded.referred_to, \
                  raised_on = excluded.raised_on, doc = excluded.doc, \
                  duplicate_of = excluded.duplicate_of",
};

impl View for InputItemDoc {
    type Aggregate = InputItem;
    type Event = InputItemEvent;
    const TABLES: &'static [&'static Table] = &[&INPUT_ITEMS];
    const OWNERS: &'static str = "organisation, referred_to";

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: InputItemEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_input_item(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &INPUT_ITEMS,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.organisation.as_str().to_owned())),
                Value::Text(self.referred_to().map(|c| c.as_str().to_owned())),
                Value::Text(Some(self.activity_id.to_string())),
                Value::Date(self.raised_on),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
                Value::Text(self.duplicate_of().map(|o| o.to_string())),
            ],
        );
        Ok(())
    }

    fn touches(&self, touched: &mut HashSet<Dep>) {
        touched.insert(Dep::AnyItem);
        touched.insert(Dep::Record(self.id.to_string()));
        touched.insert(Dep::ItemsOf(self.organisation.to_string()));
        if let Some(partner) = self.referred_to() {
            touched.insert(Dep::ItemsOf(partner.to_string()));
        }
    }
}

fn decision_doc(
    decision: Decision,
    revision_reason: Option<String>,
    at: DateTime<Utc>,
) -> DecisionDoc {
    DecisionDoc {
        outcome: decision.outcome,
        reason: decision.reason,
        referred_to: decision.referred_to,
        decided_on: decision.decided_on,
        decided_by: decision.decided_by,
        revision_reason,
        recorded_at: at,
    }
}

/// Applies an input item event.
pub fn apply_input_item(
    doc: Option<InputItemDoc>,
    id: &str,
    event: InputItemEvent,
    at: DateTime<Utc>,
) -> Result<InputItemDoc, OutOfOrder> {
    if let InputItemEvent::InputItemRecorded {
        input_item_id,
        activity_id,
        organisation,
        kind,
        summary,
        themes,
        raised_by,
        raised_on,
    } = event
    {
        return Ok(InputItemDoc {
            id: input_item_id,
            activity_id,
            organisation,
            kind,
            summary,
            themes,
            raised_by,
            raised_on,
            recorded_at: at,
            decisions: vec![],
            feedback: vec![],
            corrections: vec![],
            withdrawn: None,
        });
    }
    let Some(mut doc) = doc else {
        return missing("input item event", "input item", id);
    };
    match event {
        InputItemEvent::InputItemRecorded { .. } => {}
        InputItemEvent::InputItemDecided(decision) => {
            doc.decisions.push(decision_doc(decision, None, at))
        }
        InputItemEvent::DecisionRevised { decision, why } => {
            doc.decisions.push(decision_doc(decision, Some(why), at));
        }
        InputItemEvent::FeedbackGiven {
            given_on,
            channel,
            summary,
        } => {
            doc.feedback.push(FeedbackDoc {
                given_on,
                channel,
                summary,
                recorded_at: at,
            });
        }
        InputItemEvent::FeedbackAmended {
            index,
            changes,
            correction,
        } => {
            let amended = FeedbackDoc::amend(&mut doc.feedback, index, changes, correction, at);
            doc.corrections.push(amended);
        }
        InputItemEvent::InputItemAmended {
            changes,
            correction,
        } => {
            let fields = changes.fields().into_iter().map(str::to_owned).collect();
            put_right(&mut doc.kind, changes.kind);
            put_right(&mut doc.summary, changes.summary);
            put_right(&mut doc.themes, changes.themes);
            put_right(&mut doc.raised_by, changes.raised_by);
            put_right(&mut doc.raised_on, changes.raised_on);
            doc.corrected(CorrectionAction::Amended, correction, fields, at);
        }
        InputItemEvent::InputItemWithdrawn {
            correction,
            duplicate_of,
            decision_withdrawn,
        } => {
            doc.withdrawn = Some(WithdrawnDoc {
                category: correction.category,
                detail: correction.detail.clone(),
                duplicate_of,
                decision_withdrawn,
                recorded_at: at,
            });
            doc.corrected(CorrectionAction::Withdrawn, correction, vec![], at);
        }
        InputItemEvent::InputItemReinstated { correction } => {
            doc.withdrawn = None;
            doc.corrected(CorrectionAction::Reinstated, correction, vec![], at);
        }
    }
    Ok(doc)
}

