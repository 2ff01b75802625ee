//! Relay's global object identification: every record with an id of its own is a [`Node`],
//! and `node(id:)` finds it by that id alone, so a client can refetch any record it holds
//! without knowing its kind. Ids are the records' own (UUIDs, and ODS codes for
//! organisations), the same ids every other field and argument uses.

use async_graphql::{Context, Interface, Object, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::action::object::Action;
use crate::api::action::queries::ActionQueries;
use crate::api::activity::queries::ActivityQueries;
use crate::api::activity::record::Activity;
use crate::api::board::appointment::Appointment;
use crate::api::board::meeting::{decision as decision_of, BoardDecision, BoardMeeting};
use crate::api::board::object::Board;
use crate::api::board::queries::BoardQueries;
use crate::api::common::context::{internal, principal, reads, Views};
use crate::api::common::error::ApiResult;
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::not_found;
use crate::api::input_item::object::InputItem;
use crate::api::input_item::queries::InputItemQueries;
use crate::api::organisation::object::Organisation;
use crate::api::organisation::queries::OrganisationQueries;
use crate::api::participant::object::Participant;
use crate::api::participant::queries::ParticipantQueries;
use crate::projections::board_read;
use crate::projections::read::{self, RecordKind};

/// A record with an id of its own, which `node(id:)` finds again.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The record's id, unique among every record."
))]
pub enum Node {
    Organisation(Organisation),
    Activity(Activity),
    InputItem(InputItem),
    Action(Action),
    Participant(Participant),
    Board(Board),
    Appointment(Appointment),
    BoardMeeting(BoardMeeting),
    BoardDecision(BoardDecision),
}

/// The `node` query.
#[derive(Default)]
pub struct NodeQueries;

#[Object]
impl NodeQueries {
    /// Any record by its id, of whatever kind; null when there is none the caller may read.
    /// With `recordedAsOf`, as the record stood at that moment (participants are always shown
    /// as they are now: an erased person stays erased).
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    async fn node(
        &self,
        ctx: &Context<'_>,
        id: ID,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<Option<Node>> {
        let Ok(uuid) = Uuid::parse_str(&id) else {
            if !is_ods_code(&id) {
                return Ok(None);
            }
            let found = OrganisationQueries
                .organisation(ctx, recorded_as_of, id.0)
                .await;
            return found_or_none(found.and_then(|r| r).map(Node::Organisation));
        };
        let kind = read::kind_of(reads(ctx).db(), uuid)
            .await
            .map_err(|e| internal(ctx, e))?;
        let found = match kind {
            Some(RecordKind::Activity) => ActivityQueries
                .activity(ctx, recorded_as_of, id)
                .await
                .and_then(|r| r)
                .map(Node::Activity),
            Some(RecordKind::InputItem) => InputItemQueries
                .input_item(ctx, recorded_as_of, id, None)
                .await
                .and_then(|r| r)
                .map(Node::InputItem),
            Some(RecordKind::Action) => ActionQueries
                .action(ctx, recorded_as_of, id)
                .await
                .and_then(|r| r)
                .map(Node::Action),
            Some(RecordKind::Participant) => ParticipantQueries
                .participant(ctx, id)
                .await
                .and_then(|r| r)
                .map(Node::Participant),
            Some(RecordKind::Board) => BoardQueries
                .board(ctx, id, recorded_as_of)
                .await
                .and_then(|r| r)
                .map(Node::Board),
            Some(RecordKind::Appointment) => appointment(ctx, uuid, recorded_as_of)
                .await
                .map(Node::Appointment),
            Some(RecordKind::BoardMeeting) => BoardQueries
                .board_meeting(ctx, id, recorded_as_of)
                .await
                .and_then(|r| r)
                .map(Node::BoardMeeting),
            None => board_decision(ctx, uuid, recorded_as_of)
                .await
                .map(Node::BoardDecision),
        };
        found_or_none(found)
    }
}

/// A record the caller may not read, or that does not exist, is `null`, the same either way.
fn found_or_none(found: ApiResult<Node>) -> ApiResult<Option<Node>> {
    match found {
        Ok(node) => Ok(Some(node)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn is_not_found(error: &async_graphql::Error) -> bool {
    error
        .extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .is_some_and(|code| *code == async_graphql::Value::from("NOT_FOUND"))
}

/// Whether `id` could be an ODS code: a few letters and digits.
fn is_ods_code(id: &str) -> bool {
    (3..=10).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

async fn appointment(
    ctx: &Context<'_>,
    id: Uuid,
    recorded_as_of: Option<DateTime<Utc>>,
) -> ApiResult<Appointment> {
    let who = principal(ctx)?;
    let live = reads(ctx).db();
    let visible_now = async {
        let found = board_read::appointment(live, id).await?;
        Ok(found.is_some_and(|a| who.can_read(a.organisation.as_str())))
    };
    let views = Views::at_visible(ctx, recorded_as_of, visible_now, "appointment").await?;
    let found = board_read::appointment(views.db(ctx), id)
        .await
        .map_err(|e| internal(ctx, e))?;
    match found.filter(|a| who.can_read(a.organisation.as_str())) {
        Some(doc) => Ok(Appointment(doc)),
        None => Err(not_found("appointment").into()),
    }
}

/// A board decision, found through the meeting that recorded it.
async fn board_decision(
    ctx: &Context<'_>,
    id: Uuid,
    recorded_as_of: Option<DateTime<Utc>>,
) -> ApiResult<BoardDecision> {
    let meeting = board_read::meeting_with_decision(reads(ctx).db(), id)
        .await
        .map_err(|e| internal(ctx, e))?
        .ok_or_else(|| not_found("board decision"))?;
    let meeting = BoardQueries
        .board_meeting(ctx, meeting.id.into(), recorded_as_of)
        .await??
        .0;
    let decision = meeting.decisions.iter().find(|d| d.decision_id == id);
    match decision {
        Some(d) => Ok(decision_of(&meeting, d)),
        None => Err(not_found("board decision").into()),
    }
}
