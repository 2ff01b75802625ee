//! The field-by-field history of a record of any kind: the query, which records it covers, the
//! check that the caller may read the one asked for (the check its own query makes), and its
//! revisions.

use async_graphql::{Context, Enum, Json, Object, SimpleObject, ID};

use super::trace::{visible_action, visible_activity, visible_item, TraceStep};
use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::correction::Reason;
use crate::api::common::error::ApiResult;
use crate::api::common::ids::{check_org, not_found, parse_id};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::api::participant::object::may_see;
use crate::audit::history::{self, Kind};
use crate::auth::Principal;
use crate::domain::common::OdsCode;
use crate::projections::{board_read, read};

/// The query reading a record's history.
#[derive(Default)]
pub struct HistoryQueries;

#[Object]
impl HistoryQueries {
    /// Every change to a record, field by field: the old and new values, the event that made
    /// it, who recorded it and when, and the reason of a correction. Oldest first. A record is
    /// found as its own query finds it (an organisation by its ODS code), and refused as not
    /// found where that query would refuse it; a participant's personal details show only as
    /// a sealed change.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)] // a GraphQL field's arguments: its own and its page's
    async fn field_history(
        &self,
        ctx: &Context<'_>,
        record: HistoryRecord,
        id: ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Revision>> {
        let window = Window::new(first, after, last, before)?;
        let (kind, id) = readable_record(ctx, record, &id).await?;
        let revisions = history::field_history(ledger(ctx).db(), kind, &id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        let items = revisions
            .into_iter()
            .map(|r| (r.step.at.position, Revision::seen_by(r, who)))
            .collect();
        Ok(window.page(items)?)
    }
}

/// Which kind of record a history is for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum HistoryRecord {
    /// Named by its ODS code.
    Organisation,
    Activity,
    InputItem,
    Action,
    Board,
    Appointment,
    BoardMeeting,
    /// Personal details show only as a sealed change, never their values.
    Participant,
}

/// One field's change: absent old means the field was set, absent new that it was cleared.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// The field's path, such as `title`, `decisions[1].outcome` or `held.attendance.patients`.
    field: String,
    old: Option<Json<serde_json::Value>>,
    new: Option<Json<serde_json::Value>>,
    /// The field holds personal data sealed with the person's key (a participant's `details`):
    /// the change says only that it was set, changed or erased; `old` and `new` are always null.
    sealed: bool,
}

/// The changes one event made to a record.
#[derive(SimpleObject)]
pub struct Revision {
    event: TraceStep,
    changes: Vec<FieldChange>,
    /// Why, when the event corrected the record (an amendment, a withdrawal, a reinstatement).
    reason: Option<Reason>,
}

impl Revision {
    /// A revision as `reader` may see it (see [`TraceStep`]).
    fn seen_by(revision: history::Revision, reader: &Principal) -> Self {
        Self {
            event: revision.step.seen_by(reader).into(),
            changes: revision
                .changes
                .into_iter()
                .map(|c| FieldChange {
                    field: c.field,
                    old: c.old.map(Json),
                    new: c.new.map(Json),
                    sealed: c.sealed,
                })
                .collect(),
            reason: revision.correction.map(Reason::from),
        }
    }
}

/// Whether the record's owner, if there is such a record, is one `who` may read.
fn readable(who: &Principal, owner: Option<&OdsCode>) -> bool {
    owner.is_some_and(|o| who.can_read(o.as_str()))
}

/// The kind and stream id of record `id`, once the caller may read it as its own query would
/// let them; refused as not found otherwise.
async fn readable_record(
    ctx: &Context<'_>,
    record: HistoryRecord,
    id: &ID,
) -> ApiResult<(Kind, String)> {
    let who = principal(ctx)?;
    let db = ledger(ctx).db();
    let uuid = || parse_id("id", id);
    let (kind, uuid, visible) = match record {
        HistoryRecord::Organisation => return readable_organisation(ctx, id).await,
        HistoryRecord::Activity => {
            let uuid = uuid()?;
            visible_activity(ctx, uuid).await?;
            (Kind::Activity, uuid, true)
        }
        HistoryRecord::InputItem => {
            let uuid = uuid()?;
            visible_item(ctx, uuid).await?;
            (Kind::InputItem, uuid, true)
        }
        HistoryRecord::Action => {
            let uuid = uuid()?;
            visible_action(ctx, uuid).await?;
            (Kind::Action, uuid, true)
        }
        HistoryRecord::Board => {
            let uuid = uuid()?;
            let found = board_read::board(db, uuid).await;
            let found = found.map_err(|e| internal(ctx, e))?;
            let owner = found.as_ref().map(|b| &b.organisation);
            (Kind::Board, uuid, readable(who, owner))
        }
        HistoryRecord::Appointment => {
            let uuid = uuid()?;
            let found = board_read::appointment(db, uuid).await;
            let found = found.map_err(|e| internal(ctx, e))?;
            let owner = found.as_ref().map(|a| &a.organisation);
            (Kind::Appointment, uuid, readable(who, owner))
        }
        HistoryRecord::BoardMeeting => {
            let uuid = uuid()?;
            let found = board_read::meeting(db, uuid).await;
            let found = found.map_err(|e| internal(ctx, e))?;
            let owner = found.as_ref().map(|m| &m.organisation);
            (Kind::BoardMeeting, uuid, readable(who, owner))
        }
        HistoryRecord::Participant => {
            let uuid = uuid()?;
            let found = read::participant(db, uuid).await;
            let found = found.map_err(|e| internal(ctx, e))?;
            let visible = found.is_some_and(|(p, _)| may_see(who, p.organisation.as_str()));
            (Kind::Participant, uuid, visible)
        }
    };
    if !visible {
        return Err(not_found(record_name(record)).into());
    }
    Ok((kind, uuid.to_string()))
}

/// An organisation by its ODS code (in any case), as the `organisation` query finds it.
async fn readable_organisation(ctx: &Context<'_>, id: &ID) -> ApiResult<(Kind, String)> {
    check_org(principal(ctx)?, id)?;
    let code = id.trim().to_ascii_uppercase();
    let found = read::organisation(ledger(ctx).db(), &code)
        .await
        .map_err(|e| internal(ctx, e))?;
    match found {
        Some(_) => Ok((Kind::Organisation, code)),
        None => Err(not_found("organisation").into()),
    }
}

/// The record's name in a refusal.
fn record_name(record: HistoryRecord) -> &'static str {
    match record {
        HistoryRecord::Organisation => "organisation",
        HistoryRecord::Activity => "activity",
        HistoryRecord::InputItem => "input item",
        HistoryRecord::Action => "action",
        HistoryRecord::Board => "board",
        HistoryRecord::Appointment => "appointment",
        HistoryRecord::BoardMeeting => "board meeting",
        HistoryRecord::Participant => "participant",
    }
}
