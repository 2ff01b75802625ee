//! Tracing input to outcome: every event connected to some input items on one timeline, in the
//! order it was recorded, each with who recorded it, its position in the log and its hash.
//!
//! From an input item: its activity, the item itself, the actions linked to it, and the board
//! decisions citing it. From an action or a board decision: the input that led there, traced the
//! same way.
//!
//! A trace shows its reader no more than the reader's reads do: every record it reaches passes
//! the rule reads follow ([`Principal::can_read_any`] over the record's organisations), and one
//! the reader may not read is left out, with its events. Left out rather than shown as a
//! redacted placeholder, because a placeholder would still tell the reader that another
//! organisation has a record there, when, and how many events it holds, which no read tells.
//! A step the reader may see keeps its actor only if the reader may read one of the
//! organisations the actor acted for: another organisation's staff are not named.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::Principal;
use crate::projections::boards::MeetingDoc;
use crate::projections::docs::{ActionDoc, ActivityDoc, InputItemDoc};
use crate::projections::views::happened_on;
use crate::projections::{board_read, read, read_stream, LoggedEvent, View};
use crate::store::{Db, LogPosition};

/// One step of a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: LogPosition,
    pub recorded_at: DateTime<Utc>,
    /// The day it happened, where the event says.
    pub occurred_on: Option<NaiveDate>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    /// What happened, in words, with the event's main fields.
    pub summary: String,
    pub actor_subject: Option<String>,
    pub actor_role: Option<String>,
    pub actor_organisations: Option<String>,
    pub hash: String,
    pub prev_hash: String,
}

/// A timeline of everything connected to some input items.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    pub input_items: Vec<Uuid>,
    pub steps: Vec<Step>,
}

/// Fields shown in a step's summary, in this order.
const SHOWN: [&str; 12] = [
    "category",
    "detail",
    "title",
    "outcome",
    "referred_to",
    "reason",
    "why",
    "channel",
    "summary",
    "due_on",
    "evidence",
    "text",
];

/// "InputItemDecided" as "Input item decided".
pub fn words(event_type: &str) -> String {
    let mut out = String::with_capacity(event_type.len() + 4);
    for (i, c) in event_type.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The body of a stored payload, `{"EventType": body}`.
pub(super) fn body(payload: &str) -> Value {
    let value: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
    match value {
        Value::Object(map) => map.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
        other => other,
    }
}

/// A field of the body, or of an object nested in it (a revision's `decision`, say).
fn field<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    body.get(key).or_else(|| {
        body.as_object()?
            .values()
            .filter(|v| v.is_object())
            .find_map(|v| v.get(key))
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Step {
    pub(crate) fn of(event: &LoggedEvent) -> Self {
        let body = body(&event.payload);
        let mut parts = vec![words(&event.event_type)];
        for key in SHOWN {
            if let Some(value) = field(&body, key).and_then(text) {
                parts.push(format!("{}: {value}", key.replace('_', " ")));
            }
        }
        // As the event itself says (see `Happened`).
        let occurred_on = happened_on(&event.aggregate_type, &event.payload);
        let metadata: Value = serde_json::from_str(&event.metadata).unwrap_or_default();
        let meta = |key: &str| metadata.get(key).and_then(text);
        Self {
            at: event.at,
            recorded_at: event.recorded_at,
            occurred_on,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            event_type: event.event_type.clone(),
            summary: parts.join("; "),
            actor_subject: meta("actor.subject"),
            actor_role: meta("actor.role"),
            actor_organisations: meta("actor.organisations"),
            hash: event.hash.clone(),
            prev_hash: event.prev_hash.clone(),
        }
    }

    /// The step as `reader` may see it: without its actor when the actor acted only for
    /// organisations the reader may not read. An actor naming no organisation (an admin) is
    /// kept.
    pub fn seen_by(mut self, reader: &Principal) -> Self {
        let hidden = self.actor_organisations.as_deref().is_some_and(|orgs| {
            let named: Vec<&str> = orgs
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .collect();
            !named.is_empty() && !reader.can_read_any(named)
        });
        if hidden {
            self.actor_subject = None;
            self.actor_role = None;
            self.actor_organisations = None;
        }
        self
    }
}

/// What to trace: input items, and actions and board decisions reached from them or asked for,
/// each one the reader may read.
struct Streams<'r> {
    reader: &'r Principal,
    items: BTreeSet<Uuid>,
    activities: BTreeSet<Uuid>,
    actions: BTreeSet<Uuid>,
    /// Meetings, with the decisions of each to show.
    decisions: BTreeMap<Uuid, HashSet<Uuid>>,
}

impl<'r> Streams<'r> {
    fn new(reader: &'r Principal) -> Self {
        Self {
            reader,
            items: BTreeSet::new(),
            activities: BTreeSet::new(),
            actions: BTreeSet::new(),
            decisions: BTreeMap::new(),
        }
    }

    /// Input item `id`, if the reader may read it (its owner's or its current referee's), with
    /// its activity, actions and citing board decisions that the reader may read.
    async fn add_item(&mut self, db: &Db, id: Uuid) -> anyhow::Result<()> {
        let Some(view) = read::input_item(db, id).await? else {
            return Ok(());
        };
        let referee = view.doc.referred_to().map(|r| r.as_str());
        if !self
            .reader
            .can_read_item(view.doc.organisation.as_str(), referee)
        {
            return Ok(());
        }
        self.items.insert(id);
        if let Some((activity, _)) = read::activity(db, view.doc.activity_id).await? {
            let partners = activity.partner_organisations.iter().map(|p| p.as_str());
            if self
                .reader
                .can_read_activity(activity.lead_organisation.as_str(), partners)
            {
                self.activities.insert(activity.id);
            }
        }
        let reader = self.reader;
        self.actions.extend(
            view.actions
                .iter()
                .filter(|a| reader.can_read(a.owner_organisation.as_str()))
                .map(|a| a.id),
        );
        // A duplicate's citations are answered through the item it repeats.
        let cited = read::with_duplicates(db, id).await?;
        for (meeting, decision) in board_read::decisions_citing(db, &cited).await? {
            if !reader.can_read(meeting.organisation.as_str()) {
                continue;
            }
            self.decisions
                .entry(meeting.id)
                .or_default()
                .insert(decision.decision_id);
        }
        Ok(())
    }

    /// Action `id`, if the reader may read it (its owner's); answers with it when added.
    async fn add_action(&mut self, db: &Db, id: Uuid) -> anyhow::Result<Option<ActionDoc>> {
        let found = read::action(db, id)
            .await?
            .filter(|a| self.reader.can_read(a.owner_organisation.as_str()));
        if found.is_some() {
            self.actions.insert(id);
        }
        Ok(found)
    }

    fn list(&self) -> Vec<(&'static str, Uuid)> {
        let mut streams = Vec::new();
        streams.extend(
            self.activities
                .iter()
                .map(|id| (ActivityDoc::AGGREGATE, *id)),
        );
        streams.extend(self.items.iter().map(|id| (InputItemDoc::AGGREGATE, *id)));
        streams.extend(self.actions.iter().map(|id| (ActionDoc::AGGREGATE, *id)));
        streams.extend(self.decisions.keys().map(|id| (MeetingDoc::AGGREGATE, *id)));
        streams
    }

    /// Reads every stream and lays the events out in commit order. A meeting's decisions are
    /// shown only when they are the ones traced.
    async fn timeline(self, db: &Db) -> anyhow::Result<Trace> {
        let mut steps = Vec::new();
        for (aggregate_type, id) in self.list() {
            for event in read_stream(db, aggregate_type, &id.to_string()).await? {
                if aggregate_type == MeetingDoc::AGGREGATE && event.event_type == "DecisionRecorded"
                {
                    let decision = body(&event.payload)
                        .get("decision_id")
                        .and_then(Value::as_str)
                        .and_then(|d| d.parse::<Uuid>().ok());
                    let wanted = self.decisions.get(&id);
                    if !decision.is_some_and(|d| wanted.is_some_and(|w| w.contains(&d))) {
                        continue;
                    }
                }
                steps.push(Step::of(&event).seen_by(self.reader));
            }
        }
        steps.sort_by_key(|s| s.at);
        Ok(Trace {
            input_items: self.items.into_iter().collect(),
            steps,
        })
    }
}

/// Everything connected to input item `id` that `reader` may read.
pub async fn trace_input_item(db: &Db, reader: &Principal, id: Uuid) -> anyhow::Result<Trace> {
    let mut streams = Streams::new(reader);
    streams.add_item(db, id).await?;
    streams.timeline(db).await
}

/// Action `id` and the input that led to it, as far as `reader` may read: an item no longer
/// referred to the reader's organisation is no longer followed.
pub async fn trace_action(db: &Db, reader: &Principal, id: Uuid) -> anyhow::Result<Trace> {
    let mut streams = Streams::new(reader);
    if let Some(action) = streams.add_action(db, id).await? {
        for item in &action.input_items {
            streams.add_item(db, *item).await?;
        }
    }
    streams.timeline(db).await
}

/// Board decision `decision` of meeting `meeting`, and the input and actions it cited, as far
/// as `reader` may read.
pub async fn trace_board_decision(
    db: &Db,
    reader: &Principal,
    meeting: Uuid,
    decision: Uuid,
) -> anyhow::Result<Trace> {
    let mut streams = Streams::new(reader);
    let found = board_read::meeting(db, meeting)
        .await?
        .filter(|m| reader.can_read(m.organisation.as_str()))
        .and_then(|m| m.decisions.into_iter().find(|d| d.decision_id == decision));
    if let Some(d) = found {
        streams
            .decisions
            .entry(meeting)
            .or_default()
            .insert(decision);
        for action in &d.cited_actions {
            streams.add_action(db, *action).await?;
        }
        for item in &d.cited_input_items {
            streams.add_item(db, *item).await?;
        }
    }
    streams.timeline(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_read_as_words() {
        assert_eq!(words("InputItemDecided"), "Input item decided");
        assert_eq!(words("DecisionRevised"), "Decision revised");
    }

    fn step_by(organisations: &str) -> Step {
        Step::of(&LoggedEvent {
            at: LogPosition { tx: 0, position: 1 },
            aggregate_type: "InputItem".into(),
            aggregate_id: "x".into(),
            sequence: 1,
            event_type: "InputItemRecorded".into(),
            event_version: "1".into(),
            payload: r#"{"InputItemRecorded":{}}"#.into(),
            metadata: format!(
                r#"{{"actor.subject":"officer-7","actor.role":"ENGAGEMENT_OFFICER","actor.organisations":"{organisations}"}}"#
            ),
            recorded_at: DateTime::UNIX_EPOCH,
            prev_hash: "p".into(),
            hash: "h".into(),
        })
    }

    fn reader(organisations: &[&str]) -> Principal {
        Principal {
            subject: "reader".into(),
            role: crate::auth::Role::Auditor,
            organisations: organisations.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    #[test]
    fn another_organisations_staff_are_not_named() {
        let seen = step_by("QMJ").seen_by(&reader(&["RJ1"]));
        assert_eq!(
            (
                seen.actor_subject,
                seen.actor_role,
                seen.actor_organisations
            ),
            (None, None, None)
        );
        let seen = step_by("QMJ,RJ1").seen_by(&reader(&["RJ1"]));
        assert_eq!(seen.actor_subject.as_deref(), Some("officer-7"));
        let seen = step_by("QMJ").seen_by(&reader(&["QMJ"]));
        assert_eq!(seen.actor_subject.as_deref(), Some("officer-7"));
        // An admin acts for no organisation in particular and stays named.
        let seen = step_by("").seen_by(&reader(&["RJ1"]));
        assert_eq!(seen.actor_subject.as_deref(), Some("officer-7"));
    }

    #[test]
    fn a_step_names_its_fields_day_and_actor() {
        let event = LoggedEvent {
            at: LogPosition { tx: 0, position: 9 },
            aggregate_type: "InputItem".into(),
            aggregate_id: "x".into(),
            sequence: 2,
            event_type: "InputItemDecided".into(),
            event_version: "1".into(),
            payload: r#"{"InputItemDecided":{"outcome":"DECLINED","reason":"No budget","referred_to":null,"decided_on":"2026-02-01","decided_by":"QMJ"}}"#.into(),
            metadata: r#"{"actor.subject":"officer-7","actor.role":"ENGAGEMENT_OFFICER","actor.organisations":"QMJ"}"#.into(),
            recorded_at: DateTime::UNIX_EPOCH,
            prev_hash: "p".into(),
            hash: "h".into(),
        };
        let step = Step::of(&event);
        assert_eq!(
            step.summary,
            "Input item decided; outcome: DECLINED; reason: No budget"
        );
        assert_eq!(step.occurred_on, "2026-02-01".parse().ok());
        assert_eq!(
            (step.actor_subject.as_deref(), step.actor_role.as_deref()),
            (Some("officer-7"), Some("ENGAGEMENT_OFFICER"))
        );
    }
}
