//! A board meeting and the decisions taken at it, as GraphQL objects.

use async_graphql::{Object, SimpleObject, ID};

use crate::api::common::correction::Correction;
use crate::api::common::enums::Date;
use crate::api::common::notes::{DatedNote, Postponement};
use crate::projections::boards::MeetingDoc;

/// A decision taken at a board meeting.
#[derive(SimpleObject)]
pub struct BoardDecision {
    #[graphql(owned)]
    pub(crate) id: ID,
    meeting_id: ID,
    board_id: ID,
    held_on: Option<Date>,
    title: String,
    summary: String,
    cited_input_item_ids: Vec<ID>,
    cited_action_ids: Vec<ID>,
    cites_patient_input: bool,
    patient_members_present: bool,
    patient_members_voted: bool,
}

/// The decision `d` of meeting `m`.
pub fn decision(m: &MeetingDoc, d: &crate::domain::board_meeting::BoardDecision) -> BoardDecision {
    BoardDecision {
        id: d.decision_id.into(),
        meeting_id: m.id.into(),
        board_id: m.board_id.into(),
        held_on: m.held.as_ref().map(|h| Date(h.0)),
        title: d.title.clone(),
        summary: d.summary.clone(),
        cited_input_item_ids: d.cited_input_items.iter().map(|i| (*i).into()).collect(),
        cited_action_ids: d.cited_actions.iter().map(|i| (*i).into()).collect(),
        cites_patient_input: !d.cited_input_items.is_empty(),
        patient_members_present: d.patient_members_present,
        patient_members_voted: d.patient_members_voted,
    }
}

/// A board meeting.
pub struct BoardMeeting(pub MeetingDoc);

#[Object]
impl BoardMeeting {
    pub(crate) async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn board_id(&self) -> ID {
        self.0.board_id.into()
    }
    async fn scheduled_for(&self) -> Date {
        Date(self.0.scheduled_for)
    }
    async fn papers_issued_on(&self) -> Option<Date> {
        self.0.papers_issued_on.map(Date)
    }
    async fn held_on(&self) -> Option<Date> {
        self.0.held.as_ref().map(|h| Date(h.0))
    }
    async fn quorate(&self) -> Option<bool> {
        self.0.held.as_ref().map(|h| h.2)
    }
    /// The appointments whose holders attended.
    async fn attended_appointment_ids(&self) -> Vec<ID> {
        self.0
            .held
            .as_ref()
            .map(|h| h.1.iter().map(|a| (*a).into()).collect())
            .unwrap_or_default()
    }
    /// Every move to a later day, oldest first.
    async fn postponements(&self) -> Vec<Postponement> {
        self.0
            .postponements
            .iter()
            .map(Postponement::from)
            .collect()
    }
    /// When the meeting was called off, and why.
    async fn cancellation(&self) -> Option<DatedNote> {
        self.0.cancelled.as_ref().map(DatedNote::from)
    }
    /// Every correction of this meeting, oldest first, each with its reason.
    async fn corrections(&self) -> Vec<Correction> {
        self.0.corrections.iter().map(Correction::from).collect()
    }
    async fn decisions(&self) -> Vec<BoardDecision> {
        self.0
            .decisions
            .iter()
            .map(|d| decision(&self.0, d))
            .collect()
    }
}
