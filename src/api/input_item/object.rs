//! The input item as a GraphQL object: what was raised, the decisions on it, the actions and
//! board decisions it led to, and its verdict as of a date.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};

use super::enums::{DecisionOutcome, InputKind, RaisedBy, VerdictWarning};
use crate::api::action::object::Action;
use crate::api::activity::record::Activity;
use crate::api::board::meeting::{decision, BoardDecision};
use crate::api::common::access::can_read_activity;
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::correction::{Correction, Withdrawal};
use crate::api::common::enums::{Date, InputVerdict};
use crate::api::common::error::ApiResult;
use crate::api::common::notes::Feedback;
use crate::api::participant::linked::linked;
use crate::api::participant::object::Participant;
use crate::domain::verdict::{self, Assessment};
use crate::projections::docs::{ActionDoc, DecisionDoc, InputItemDoc};
use crate::projections::read::{self, ItemView};
use crate::projections::tally;

/// A decision on an input item; revisions are kept, never overwritten.
#[derive(SimpleObject)]
pub struct Decision {
    outcome: DecisionOutcome,
    /// The reason, explanation or note given with the decision.
    reason: String,
    referred_to: Option<String>,
    decided_on: Date,
    decided_by: String,
    /// Why this decision replaced the one before, for revisions.
    revision_reason: Option<String>,
    recorded_at: DateTime<Utc>,
}

impl From<&DecisionDoc> for Decision {
    fn from(d: &DecisionDoc) -> Self {
        Self {
            outcome: d.outcome.into(),
            reason: d.reason.clone(),
            referred_to: d.referred_to.as_ref().map(|c| c.to_string()),
            decided_on: Date(d.decided_on),
            decided_by: d.decided_by.to_string(),
            revision_reason: d.revision_reason.clone(),
            recorded_at: d.recorded_at,
        }
    }
}

/// One piece of input raised at an activity, with its verdict as of a date.
pub struct InputItem {
    doc: InputItemDoc,
    log_position: i64,
    as_of: NaiveDate,
    /// What its actions, feedback and response window give: read with the item in lists, and
    /// for a single item only when a field asks for them.
    joined: tokio::sync::OnceCell<Joined>,
    /// Its id and its duplicates', read once if a field asks for them.
    with_duplicates: tokio::sync::OnceCell<Vec<String>>,
    /// Where it stands on the day asked, as a list's marks said: its verdict without joining.
    marked: Option<Marked>,
    views: Views,
}

/// What a list's marks say of an item on the day asked.
#[derive(Debug, Clone, Copy)]
struct Marked {
    verdict: verdict::InputVerdict,
    loop_closed: bool,
    respond_by: NaiveDate,
}

/// An input item's linked actions, and its verdict with them.
struct Joined {
    actions: Vec<ActionDoc>,
    assessment: Assessment,
}

impl Joined {
    fn of(view: ItemView, as_of: NaiveDate) -> (InputItemDoc, Self) {
        let assessment = view.assess(as_of);
        let joined = Self {
            actions: view.actions,
            assessment,
        };
        (view.doc, joined)
    }
}

impl InputItem {
    /// Assesses `view` as of `as_of`; related records are read from `views`.
    pub fn new(view: ItemView, as_of: NaiveDate, views: Views) -> Self {
        let log_position = view.log_position;
        let (doc, joined) = Joined::of(view, as_of);
        Self {
            doc,
            log_position,
            as_of,
            joined: tokio::sync::OnceCell::new_with(Some(joined)),
            with_duplicates: tokio::sync::OnceCell::new(),
            marked: None,
            views,
        }
    }

    /// The item `doc`, created at `log_position`, on a list whose marks said where it stands
    /// (`listed`, as of `as_of`): the rest of its verdict is read from `views` if asked for.
    /// The marks are read once the tallies reach the views (see [`Views::tallies`]); should
    /// they still be behind after that wait, a change of the last moments may show in the
    /// item's decisions before its verdict.
    pub fn listed(
        doc: InputItemDoc,
        listed: &tally::Listed,
        as_of: NaiveDate,
        views: Views,
    ) -> Self {
        let mut item = Self::unjoined(doc, listed.log_position, as_of, views);
        item.marked = Some(Marked {
            verdict: listed.verdict,
            loop_closed: listed.loop_closed,
            respond_by: listed.respond_by,
        });
        item
    }

    /// The item `doc`, created at `log_position`, whose actions, feedback and verdict are read
    /// from `views` if asked for.
    pub fn unjoined(doc: InputItemDoc, log_position: i64, as_of: NaiveDate, views: Views) -> Self {
        Self {
            doc,
            log_position,
            as_of,
            joined: tokio::sync::OnceCell::new(),
            with_duplicates: tokio::sync::OnceCell::new(),
            marked: None,
            views,
        }
    }

    /// The verdict, for filtering lists (whose items are built joined).
    pub fn verdict_value(&self) -> Option<verdict::InputVerdict> {
        match self.marked {
            Some(marked) => Some(marked.verdict),
            None => self.joined.get().map(|j| j.assessment.verdict),
        }
    }

    /// Its position in the log, for cursors.
    pub fn log_position(&self) -> i64 {
        self.log_position
    }

    async fn joined(&self, ctx: &Context<'_>) -> ApiResult<&Joined> {
        self.joined
            .get_or_try_init(|| async {
                let view = read::join_item(self.views.db(ctx), self.doc.clone(), self.log_position)
                    .await
                    .map_err(|e| internal(ctx, e))?;
                Ok(Joined::of(view, self.as_of).1)
            })
            .await
    }

    async fn assessment(&self, ctx: &Context<'_>) -> ApiResult<&Assessment> {
        Ok(&self.joined(ctx).await?.assessment)
    }

    /// This item's id and those of the items withdrawn as its duplicates.
    async fn with_duplicates(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let ids = self
            .with_duplicates
            .get_or_try_init(|| async {
                read::with_duplicates(self.views.db(ctx), self.doc.id)
                    .await
                    .map_err(|e| internal(ctx, e))
            })
            .await?;
        Ok(ids.clone())
    }
}

#[Object]
impl InputItem {
    pub(crate) async fn id(&self) -> async_graphql::ID {
        self.doc.id.into()
    }
    async fn activity_id(&self) -> async_graphql::ID {
        self.doc.activity_id.into()
    }
    /// The activity it was raised at, if the caller may see it.
    async fn activity(&self, ctx: &Context<'_>) -> ApiResult<Option<Activity>> {
        let found = read::activity(self.views.db(ctx), self.doc.activity_id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        Ok(found
            .map(|(a, _)| a)
            .filter(|a| can_read_activity(who, a))
            .map(|a| Activity(a, self.views.clone())))
    }
    /// The organisation that owns the response.
    async fn organisation(&self) -> &str {
        self.doc.organisation.as_str()
    }
    /// The partner organisation the item was last referred to, as of the date asked: it
    /// answers the item (its first decision) and acts on it. Still shown once it has answered,
    /// or once its answer is overdue.
    async fn referred_to(&self) -> Option<&str> {
        self.doc
            .decisions
            .iter()
            .filter(|d| d.decided_on <= self.as_of)
            .rev()
            .find_map(|d| d.referred_to.as_ref())
            .map(|c| c.as_str())
    }
    async fn kind(&self) -> InputKind {
        self.doc.kind.into()
    }
    async fn summary(&self) -> &str {
        &self.doc.summary
    }
    async fn themes(&self) -> &[String] {
        &self.doc.themes
    }
    async fn raised_by(&self) -> RaisedBy {
        self.doc.raised_by.into()
    }
    async fn raised_on(&self) -> Date {
        Date(self.doc.raised_on)
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.doc.recorded_at
    }
    /// The decision in force as of the date asked, if any.
    async fn decision(&self) -> Option<Decision> {
        self.doc
            .decisions
            .iter()
            .rfind(|d| d.decided_on <= self.as_of)
            .map(Decision::from)
    }
    /// Every decision, first to latest.
    async fn decisions(&self) -> Vec<Decision> {
        self.doc.decisions.iter().map(Decision::from).collect()
    }
    /// Every correction of this item, oldest first, each with its reason.
    async fn corrections(&self) -> Vec<Correction> {
        self.doc.corrections.iter().map(Correction::from).collect()
    }
    /// Why the item was withdrawn, while it is; its verdict is then `WITHDRAWN`.
    async fn withdrawal(&self) -> Option<Withdrawal> {
        self.doc.withdrawn.as_ref().map(Withdrawal::from)
    }
    /// Feedback given on this item alone (see also the activity's feedback).
    async fn feedback(&self) -> Vec<Feedback> {
        self.doc.feedback.iter().map(Feedback::from).collect()
    }
    /// Actions committed in response to this item that the caller may see (its organisations'
    /// own).
    async fn actions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Action>> {
        let who = principal(ctx)?;
        Ok(self
            .joined(ctx)
            .await?
            .actions
            .iter()
            .filter(|a| who.can_read(a.owner_organisation.as_str()))
            .map(|a| Action(a.clone(), self.views.clone()))
            .collect())
    }
    /// Items withdrawn as duplicates of this one: it answers for their links (the people who
    /// raised them, the board decisions citing them).
    async fn duplicates(&self, ctx: &Context<'_>) -> ApiResult<Vec<ID>> {
        let ids = self.with_duplicates(ctx).await?;
        Ok(ids.into_iter().skip(1).map(ID).collect())
    }
    /// Board decisions that cited this item (or an item withdrawn as its duplicate), so the
    /// trail from input to decision can be followed.
    async fn board_decisions(&self, ctx: &Context<'_>) -> ApiResult<Vec<BoardDecision>> {
        let cited = self.with_duplicates(ctx).await?;
        let found = crate::projections::board_read::decisions_citing(self.views.db(ctx), &cited)
            .await
            .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        Ok(found
            .iter()
            .filter(|(m, _)| who.can_read(m.organisation.as_str()))
            .map(|(m, d)| decision(m, d))
            .collect())
    }
    /// People linked to this item (or to an item withdrawn as its duplicate) as having raised
    /// it; erased people appear as tombstones.
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participant>> {
        let raised = self.with_duplicates(ctx).await?;
        linked(ctx, raised).await
    }
    /// The date the verdict is computed as of.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    async fn verdict(&self, ctx: &Context<'_>) -> ApiResult<InputVerdict> {
        if let Some(marked) = self.marked {
            return Ok(marked.verdict.into());
        }
        Ok(self.assessment(ctx).await?.verdict.into())
    }
    /// Participants were told after the decision (and after the outcome, when acted on).
    async fn loop_closed(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        if let Some(marked) = self.marked {
            return Ok(marked.loop_closed);
        }
        Ok(self.assessment(ctx).await?.loop_closed)
    }
    async fn warnings(&self, ctx: &Context<'_>) -> ApiResult<Vec<VerdictWarning>> {
        Ok(self
            .assessment(ctx)
            .await?
            .warnings
            .iter()
            .map(|w| (*w).into())
            .collect())
    }
    /// Acted on, loop closed, and not decided before the input was raised.
    async fn genuinely_acted_on(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(self.assessment(ctx).await?.genuinely_acted_on)
    }
    /// The last day a decision is due within the response window: for an item referred and
    /// not yet answered, the partner's window counted from the referral.
    async fn respond_by(&self, ctx: &Context<'_>) -> ApiResult<Date> {
        if let Some(marked) = self.marked {
            return Ok(Date(marked.respond_by));
        }
        Ok(Date(self.assessment(ctx).await?.respond_by))
    }
}
