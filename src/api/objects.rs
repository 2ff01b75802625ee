//! GraphQL object types over the projected documents.

use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::context::{internal, principal, Views};
use super::enums::{
    AccessibleFormat, ActionStatus, ActivityKind, ActivityStatus, Date, DecisionOutcome,
    FeedbackChannel, InputKind, InputVerdict, OrganisationKind, Principle, RaisedBy,
    VerdictWarning,
};
use super::error::ApiResult;
use crate::domain::verdict::{self, Assessment};
use crate::projections::docs::{
    ActionDoc, ActivityDoc, DecisionDoc, FeedbackDoc, InputItemDoc, OrganisationDoc,
};
use crate::projections::read::{self, ItemFilter, ItemView};
use crate::projections::rollup::{percent, Rollup};

/// An NHS or partner organisation, identified by its ODS code.
pub struct Organisation(pub OrganisationDoc, pub Views);

#[Object]
impl Organisation {
    /// The organisation's id among all records: its ODS code.
    pub(super) async fn id(&self) -> async_graphql::ID {
        self.0.ods_code.as_str().into()
    }
    async fn ods_code(&self) -> &str {
        self.0.ods_code.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }
    /// The integrated care system, by its ICB's ODS code.
    async fn ics(&self) -> Option<&str> {
        self.0.ics.as_ref().map(|c| c.as_str())
    }
    /// Days input may wait for a decision before it is overdue.
    async fn response_window_days(&self) -> u32 {
        self.0.response_window_days
    }
    /// Patient representation across the organisation's boards, as of a date (default today);
    /// decisions over the year up to it.
    async fn representation(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> ApiResult<super::boards::OrganisationRepresentation> {
        super::boards::organisation_representation(
            ctx,
            &self.1,
            self.0.ods_code.as_str(),
            super::context::or_today(as_of),
        )
        .await
    }
    /// Verdicts over all input owned by this organisation, as of a date (default today).
    async fn rollup(&self, ctx: &Context<'_>, as_of: Option<Date>) -> ApiResult<VerdictRollup> {
        let filter = ItemFilter {
            organisation: Some(self.0.ods_code.to_string()),
            ..ItemFilter::default()
        };
        VerdictRollup::over(ctx, &self.1, &filter, as_of).await
    }
}

/// A publication of information to participants before an activity.
#[derive(SimpleObject)]
pub struct InformationPublication {
    published_on: Date,
    accessible_formats: Vec<AccessibleFormat>,
}

/// Attendance counts by role.
#[derive(SimpleObject)]
pub struct AttendanceCounts {
    patients: u32,
    carers: u32,
    public: u32,
    staff: u32,
}

/// One category's head count in a demographic snapshot.
#[derive(SimpleObject)]
pub struct CategoryCount {
    category: String,
    count: u32,
}

/// Aggregate demographic counts taken when the activity was held.
#[derive(SimpleObject)]
pub struct Demographics {
    age_band: Vec<CategoryCount>,
    sex: Vec<CategoryCount>,
    ethnic_group: Vec<CategoryCount>,
    deprivation_quintile: Vec<CategoryCount>,
    disability: Vec<CategoryCount>,
}

fn counts(map: &std::collections::BTreeMap<String, u32>) -> Vec<CategoryCount> {
    map.iter()
        .map(|(category, count)| CategoryCount {
            category: category.clone(),
            count: *count,
        })
        .collect()
}

/// A dated note (a report, a cancellation, a progress update).
#[derive(SimpleObject)]
pub struct DatedNote {
    on: Date,
    text: String,
}

/// Participants were told what happened ("you said, we did").
#[derive(SimpleObject)]
pub struct Feedback {
    given_on: Date,
    channel: FeedbackChannel,
    summary: String,
    recorded_at: DateTime<Utc>,
}

impl From<&FeedbackDoc> for Feedback {
    fn from(f: &FeedbackDoc) -> Self {
        Self {
            given_on: Date(f.given_on),
            channel: f.channel.into(),
            summary: f.summary.clone(),
            recorded_at: f.recorded_at,
        }
    }
}

/// One engagement or co-production activity.
pub struct Activity(pub ActivityDoc, pub Views);

#[Object]
impl Activity {
    pub(super) async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn kind(&self) -> ActivityKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    async fn lead_organisation(&self) -> &str {
        self.0.lead_organisation.as_str()
    }
    async fn partner_organisations(&self) -> Vec<&str> {
        self.0
            .partner_organisations
            .iter()
            .map(|c| c.as_str())
            .collect()
    }
    async fn principles(&self) -> Vec<Principle> {
        self.0.principles.iter().map(|p| (*p).into()).collect()
    }
    async fn planned_on(&self) -> Date {
        Date(self.0.planned_on)
    }
    async fn status(&self) -> ActivityStatus {
        if self.0.cancelled.is_some() {
            ActivityStatus::Cancelled
        } else if self.0.report.is_some() {
            ActivityStatus::ReportPublished
        } else if self.0.held.is_some() {
            ActivityStatus::Held
        } else {
            ActivityStatus::Planned
        }
    }
    async fn information_published(&self) -> Vec<InformationPublication> {
        self.0
            .information_published
            .iter()
            .map(|i| InformationPublication {
                published_on: Date(i.published_on),
                accessible_formats: i.accessible_formats.iter().map(|f| (*f).into()).collect(),
            })
            .collect()
    }
    async fn held_on(&self) -> Option<Date> {
        self.0.held.as_ref().map(|h| Date(h.held_on))
    }
    async fn attendance(&self) -> Option<AttendanceCounts> {
        self.0.held.as_ref().map(|h| AttendanceCounts {
            patients: h.attendance.patients,
            carers: h.attendance.carers,
            public: h.attendance.public,
            staff: h.attendance.staff,
        })
    }
    async fn demographics(&self) -> Option<Demographics> {
        self.0.held.as_ref().map(|h| Demographics {
            age_band: counts(&h.demographics.age_band),
            sex: counts(&h.demographics.sex),
            ethnic_group: counts(&h.demographics.ethnic_group),
            deprivation_quintile: counts(&h.demographics.deprivation_quintile),
            disability: counts(&h.demographics.disability),
        })
    }
    async fn report(&self) -> Option<DatedNote> {
        self.0.report.as_ref().map(|r| DatedNote {
            on: Date(r.on),
            text: r.text.clone(),
        })
    }
    async fn cancellation(&self) -> Option<DatedNote> {
        self.0.cancelled.as_ref().map(|r| DatedNote {
            on: Date(r.on),
            text: r.text.clone(),
        })
    }
    /// Feedback given to participants about the activity's input as a whole.
    async fn feedback(&self) -> Vec<Feedback> {
        self.0.feedback.iter().map(Feedback::from).collect()
    }
    /// The input items raised at this activity that the caller may see, with verdicts as of a date.
    async fn input_items(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> ApiResult<Vec<InputItem>> {
        let as_of = super::context::or_today(as_of);
        let filter = ItemFilter {
            activity: Some(self.0.id),
            ..ItemFilter::default()
        };
        let items = self
            .1
            .input_items(ctx, principal(ctx)?.read_scope(), &filter)
            .await?;
        Ok(items
            .into_iter()
            .filter(|v| v.doc.raised_on <= as_of)
            .map(|v| InputItem::new(v, as_of, self.1.clone()))
            .collect())
    }
    /// People linked to this activity (erased people appear as tombstones).
    async fn participants(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<super::participants::Participant>> {
        super::participants::linked(ctx, vec![self.0.id.to_string()]).await
    }
    /// Verdicts over this activity's input, as of a date (default today).
    async fn rollup(&self, ctx: &Context<'_>, as_of: Option<Date>) -> ApiResult<VerdictRollup> {
        let filter = ItemFilter {
            activity: Some(self.0.id),
            ..ItemFilter::default()
        };
        VerdictRollup::over(ctx, &self.1, &filter, as_of).await
    }
}

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
    views: Views,
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
            views,
        }
    }

    /// The item `doc`, created at `log_position`, whose actions, feedback and verdict are read
    /// from `views` if asked for.
    pub fn unjoined(doc: InputItemDoc, log_position: i64, as_of: NaiveDate, views: Views) -> Self {
        Self {
            doc,
            log_position,
            as_of,
            joined: tokio::sync::OnceCell::new(),
            views,
        }
    }

    /// The verdict, for filtering lists (whose items are built joined).
    pub fn verdict_value(&self) -> Option<verdict::InputVerdict> {
        self.joined.get().map(|j| j.assessment.verdict)
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
}

#[Object]
impl InputItem {
    pub(super) async fn id(&self) -> async_graphql::ID {
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
            .filter(|a| who.can_read_activity(a))
            .map(|a| Activity(a, self.views.clone())))
    }
    /// The organisation that owns the response.
    async fn organisation(&self) -> &str {
        self.doc.organisation.as_str()
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
    /// Board decisions that cited this item, so the trail from input to decision can be followed.
    async fn board_decisions(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<super::boards::BoardDecision>> {
        let found =
            crate::projections::board_read::decisions_citing(self.views.db(ctx), self.doc.id)
                .await
                .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        Ok(found
            .iter()
            .filter(|(m, _)| who.can_read(m.organisation.as_str()))
            .map(|(m, d)| super::boards::decision(m, d))
            .collect())
    }
    /// People linked to this item as having raised it (erased people appear as tombstones).
    async fn participants(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<super::participants::Participant>> {
        super::participants::linked(ctx, vec![self.doc.id.to_string()]).await
    }
    /// The date the verdict is computed as of.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }
    async fn verdict(&self, ctx: &Context<'_>) -> ApiResult<InputVerdict> {
        Ok(self.assessment(ctx).await?.verdict.into())
    }
    /// Participants were told after the decision (and after the outcome, when acted on).
    async fn loop_closed(&self, ctx: &Context<'_>) -> ApiResult<bool> {
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
    /// The last day a decision is due within the response window.
    async fn respond_by(&self, ctx: &Context<'_>) -> ApiResult<Date> {
        Ok(Date(self.assessment(ctx).await?.respond_by))
    }
}

/// A change of an action's due date.
#[derive(SimpleObject)]
pub struct DueDateChange {
    changed_on: Date,
    due_on: Date,
    reason: String,
}

/// A change committed in response to one or more input items.
pub struct Action(pub ActionDoc, pub Views);

#[Object]
impl Action {
    pub(super) async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn owner_organisation(&self) -> &str {
        self.0.owner_organisation.as_str()
    }
    async fn owner_role(&self) -> &str {
        &self.0.owner_role
    }
    async fn decision_forum(&self) -> &str {
        &self.0.decision_forum
    }
    async fn status(&self) -> ActionStatus {
        match (
            &self.0.completed,
            &self.0.abandoned,
            self.0.agreed_on,
            self.0.progress_notes == 0,
        ) {
            (Some(_), _, _, _) => ActionStatus::Completed,
            (_, Some(_), _, _) => ActionStatus::Abandoned,
            (_, _, Some(_), false) => ActionStatus::InProgress,
            (_, _, Some(_), true) => ActionStatus::Agreed,
            _ => ActionStatus::Proposed,
        }
    }
    async fn input_item_ids(&self) -> Vec<async_graphql::ID> {
        self.0.input_items.iter().map(|id| (*id).into()).collect()
    }
    async fn proposed_on(&self) -> Date {
        Date(self.0.proposed_on)
    }
    async fn agreed_on(&self) -> Option<Date> {
        self.0.agreed_on.map(Date)
    }
    /// The due date now in force.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on())
    }
    async fn due_date_changes(&self) -> Vec<DueDateChange> {
        self.0
            .due_changes
            .iter()
            .map(|c| DueDateChange {
                changed_on: Date(c.changed_on),
                due_on: Date(c.due_on),
                reason: c.reason.clone(),
            })
            .collect()
    }
    /// Progress notes, first to latest.
    async fn progress(&self, ctx: &Context<'_>) -> ApiResult<Vec<DatedNote>> {
        let notes = read::action_progress(self.1.db(ctx), self.0.id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(notes
            .into_iter()
            .map(|p| DatedNote {
                on: Date(p.on),
                text: p.text,
            })
            .collect())
    }
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed.as_ref().map(|c| Date(c.completed_on))
    }
    async fn outcome(&self) -> Option<&str> {
        self.0.completed.as_ref().map(|c| c.outcome.as_str())
    }
    async fn evidence(&self) -> Option<&str> {
        self.0.completed.as_ref().map(|c| c.evidence.as_str())
    }
    async fn abandonment(&self) -> Option<DatedNote> {
        self.0.abandoned.as_ref().map(|a| DatedNote {
            on: Date(a.on),
            text: a.text.clone(),
        })
    }
}

/// How many items have one verdict.
#[derive(SimpleObject)]
pub struct VerdictCount {
    verdict: InputVerdict,
    count: u64,
}

/// Verdicts rolled up over a set of input items, as of a date.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct VerdictRollup {
    as_of: Date,
    total: u64,
    answered_within_window: u64,
    acted_on: u64,
    loop_closed: u64,
    genuinely_acted_on: u64,
    median_days_to_decision: Option<f64>,
    median_days_to_outcome: Option<f64>,
    median_days_to_feedback: Option<f64>,
    #[graphql(skip)]
    rollup: Rollup,
}

#[ComplexObject]
impl VerdictRollup {
    /// A count for every verdict, zeros included.
    async fn counts(&self) -> Vec<VerdictCount> {
        verdict::InputVerdict::ALL
            .iter()
            .map(|v| VerdictCount {
                verdict: (*v).into(),
                count: self.rollup.count(*v),
            })
            .collect()
    }
    async fn percent_answered_within_window(&self) -> Option<f64> {
        percent(self.answered_within_window, self.total)
    }
    async fn percent_acted_on(&self) -> Option<f64> {
        percent(self.acted_on, self.total)
    }
    async fn percent_loop_closed(&self) -> Option<f64> {
        percent(self.loop_closed, self.total)
    }
}

impl VerdictRollup {
    /// Rolls up the items matching `filter` that the caller may see, raised by `as_of`.
    pub async fn over(
        ctx: &Context<'_>,
        views: &Views,
        filter: &ItemFilter,
        as_of: Option<Date>,
    ) -> ApiResult<Self> {
        let as_of = super::context::or_today(as_of);
        let filter = ItemFilter {
            raised_to: Some(filter.raised_to.map_or(as_of, |t| t.min(as_of))),
            ..filter.clone()
        };
        let items = views
            .input_items(ctx, principal(ctx)?.read_scope(), &filter)
            .await?;
        let assessed: Vec<_> = items
            .iter()
            .map(|v| (v.doc.raised_on, v.assess(as_of)))
            .collect();
        Ok(Self::from_rollup(
            Rollup::of(assessed.iter().map(|(d, a)| (*d, a))),
            as_of,
        ))
    }

    fn from_rollup(rollup: Rollup, as_of: NaiveDate) -> Self {
        Self {
            as_of: Date(as_of),
            total: rollup.total,
            answered_within_window: rollup.answered_within_window,
            acted_on: rollup.acted_on,
            loop_closed: rollup.loop_closed,
            genuinely_acted_on: rollup.genuinely_acted_on,
            median_days_to_decision: rollup.median_days_to_decision,
            median_days_to_outcome: rollup.median_days_to_outcome,
            median_days_to_feedback: rollup.median_days_to_feedback,
            rollup,
        }
    }
}
