//! The projected records kept as JSON documents in the view tables, and how each event changes
//! them. Every event changes only the document of its own aggregate, which keeps the projector
//! simple to batch and to rebuild.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::action::ActionEvent;
use crate::domain::activity::ActivityEvent;
use crate::domain::common::{
    AccessibleFormat, ActivityKind, Attendance, DecisionOutcome, DemographicSnapshot,
    FeedbackChannel, InputKind, OdsCode, OrganisationKind, Principle, RaisedBy,
};
use crate::domain::input_item::{Decision, InputItemEvent};
use crate::domain::organisation::OrganisationEvent;
use crate::domain::verdict::{ActionDates, DatedDecision};

/// An organisation as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationDoc {
    pub ods_code: OdsCode,
    pub name: String,
    pub kind: OrganisationKind,
    pub ics: Option<OdsCode>,
    pub response_window_days: u32,
    pub registered_at: DateTime<Utc>,
}

/// Feedback given to participants, on an item or on a whole activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackDoc {
    pub given_on: NaiveDate,
    pub channel: FeedbackChannel,
    pub summary: String,
    pub recorded_at: DateTime<Utc>,
}

/// One publication of information before an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InformationDoc {
    pub published_on: NaiveDate,
    pub accessible_formats: Vec<AccessibleFormat>,
}

/// The record of an activity having been held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldDoc {
    pub held_on: NaiveDate,
    pub attendance: Attendance,
    pub demographics: DemographicSnapshot,
}

/// A dated note: a published report, a cancellation, a progress update, an abandonment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatedText {
    pub on: NaiveDate,
    pub text: String,
}

/// An activity as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDoc {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub title: String,
    pub topic: String,
    pub lead_organisation: OdsCode,
    pub partner_organisations: Vec<OdsCode>,
    pub principles: Vec<Principle>,
    pub planned_on: NaiveDate,
    pub information_published: Vec<InformationDoc>,
    pub held: Option<HeldDoc>,
    pub report: Option<DatedText>,
    pub cancelled: Option<DatedText>,
    pub feedback: Vec<FeedbackDoc>,
    pub recorded_at: DateTime<Utc>,
}

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
}

impl InputItemDoc {
    /// The partner the item is referred to, when its latest decision is a referral.
    pub fn referred_to(&self) -> Option<&OdsCode> {
        self.decisions
            .last()
            .filter(|d| d.outcome == DecisionOutcome::Referred)
            .and_then(|d| d.referred_to.as_ref())
    }

    /// The decisions as the verdict needs them.
    pub fn dated_decisions(&self) -> Vec<DatedDecision> {
        self.decisions
            .iter()
            .map(|d| DatedDecision {
                outcome: d.outcome,
                decided_on: d.decided_on,
            })
            .collect()
    }
}

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
}

impl ActionDoc {
    /// The due date now in force.
    pub fn due_on(&self) -> NaiveDate {
        self.due_changes
            .last()
            .map_or(self.first_due_on, |c| c.due_on)
    }

    /// The dates the verdict needs.
    pub fn dates(&self) -> ActionDates {
        ActionDates {
            proposed_on: self.proposed_on,
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

/// An event applied to a document that does not exist yet (or the wrong way round) means the
/// log and the projection disagree: the projector stops rather than guess.
#[derive(Debug, thiserror::Error)]
#[error("{event} for {aggregate} {id} arrived before the record was created")]
pub struct OutOfOrder {
    pub event: &'static str,
    pub aggregate: &'static str,
    pub id: String,
}

fn missing<T>(event: &'static str, aggregate: &'static str, id: &str) -> Result<T, OutOfOrder> {
    Err(OutOfOrder {
        event,
        aggregate,
        id: id.to_owned(),
    })
}

/// Applies an organisation event.
pub fn apply_organisation(
    doc: Option<OrganisationDoc>,
    id: &str,
    event: OrganisationEvent,
    at: DateTime<Utc>,
) -> Result<OrganisationDoc, OutOfOrder> {
    match (doc, event) {
        (
            _,
            OrganisationEvent::OrganisationRegistered {
                ods_code,
                name,
                kind,
                ics,
                response_window_days,
            },
        ) => Ok(OrganisationDoc {
            ods_code,
            name,
            kind,
            ics,
            response_window_days,
            registered_at: at,
        }),
        (Some(mut doc), OrganisationEvent::ResponseWindowSet { days }) => {
            doc.response_window_days = days;
            Ok(doc)
        }
        (None, _) => missing("ResponseWindowSet", "organisation", id),
    }
}

/// Applies an activity event.
pub fn apply_activity(
    doc: Option<ActivityDoc>,
    id: &str,
    event: ActivityEvent,
    at: DateTime<Utc>,
) -> Result<ActivityDoc, OutOfOrder> {
    if let ActivityEvent::ActivityPlanned {
        activity_id,
        kind,
        title,
        topic,
        lead_organisation,
        partner_organisations,
        principles,
        planned_on,
    } = event
    {
        return Ok(ActivityDoc {
            id: activity_id,
            kind,
            title,
            topic,
            lead_organisation,
            partner_organisations,
            principles,
            planned_on,
            information_published: vec![],
            held: None,
            report: None,
            cancelled: None,
            feedback: vec![],
            recorded_at: at,
        });
    }
    let Some(mut doc) = doc else {
        return missing("activity event", "activity", id);
    };
    match event {
        ActivityEvent::ActivityPlanned { .. } => {}
        ActivityEvent::InformationPublished {
            published_on,
            accessible_formats,
        } => {
            doc.information_published.push(InformationDoc {
                published_on,
                accessible_formats,
            });
        }
        ActivityEvent::ActivityHeld {
            held_on,
            attendance,
            demographics,
        } => {
            doc.held = Some(HeldDoc {
                held_on,
                attendance,
                demographics,
            });
        }
        ActivityEvent::ReportPublished {
            published_on,
            summary,
        } => {
            doc.report = Some(DatedText {
                on: published_on,
                text: summary,
            });
        }
        ActivityEvent::ActivityCancelled {
            cancelled_on,
            reason,
        } => {
            doc.cancelled = Some(DatedText {
                on: cancelled_on,
                text: reason,
            });
        }
        ActivityEvent::ActivityFeedbackGiven {
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
    }
    Ok(doc)
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
    }
    Ok(doc)
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
    }
    Ok(doc)
}
