//! Mutations on activities.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use serde::Serialize;
use uuid::Uuid;

use super::enums::{AccessibleFormat, ActivityKind};
use super::record::Activity;
use crate::api::common::context::{internal, or_today, principal, Views};
use crate::api::common::enums::{Date, FeedbackChannel, Principle};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::ids::parse_id;
use crate::api::common::lists::{categories, short};
use crate::api::common::write::{
    command_context, new_record, read_back, require_officer, the_ledger, Receipt,
};
use crate::domain::activity::ActivityCommand;
use crate::domain::common::{Attendance, DemographicSnapshot};
use crate::domain::services::{ActivityFacts, Lookups};
use crate::ledger::CommandContext;
use crate::projections::read;

/// Plan an activity.
#[derive(InputObject, Serialize)]
pub struct PlanActivityInput {
    kind: ActivityKind,
    title: String,
    topic: String,
    lead_organisation: String,
    #[graphql(default, validator(custom = "short(\"partnerOrganisations\")"))]
    partner_organisations: Vec<String>,
    #[graphql(default, validator(custom = "short(\"principles\")"))]
    principles: Vec<Principle>,
    planned_on: Date,
    idempotency_key: Option<String>,
}

/// Record that information reached participants before the activity.
#[derive(InputObject, Serialize)]
pub struct RecordInformationPublishedInput {
    activity_id: ID,
    /// Defaults to today.
    published_on: Option<Date>,
    #[graphql(default, validator(custom = "short(\"accessibleFormats\")"))]
    accessible_formats: Vec<AccessibleFormat>,
    idempotency_key: Option<String>,
}

/// Attendance counts by role.
#[derive(InputObject, Serialize, Default)]
pub struct AttendanceInput {
    #[graphql(default)]
    patients: u32,
    #[graphql(default)]
    carers: u32,
    #[graphql(default)]
    public: u32,
    #[graphql(default)]
    staff: u32,
}

/// One category's head count.
#[derive(InputObject, Serialize)]
pub struct CategoryCountInput {
    category: String,
    count: u32,
}

/// Aggregate demographic counts at the time of the activity (no individual's data).
#[derive(InputObject, Serialize, Default)]
pub struct DemographicsInput {
    #[graphql(default, validator(custom = "categories(\"demographics.ageBand\")"))]
    age_band: Vec<CategoryCountInput>,
    #[graphql(default, validator(custom = "categories(\"demographics.sex\")"))]
    sex: Vec<CategoryCountInput>,
    #[graphql(
        default,
        validator(custom = "categories(\"demographics.ethnicGroup\")")
    )]
    ethnic_group: Vec<CategoryCountInput>,
    #[graphql(
        default,
        validator(custom = "categories(\"demographics.deprivationQuintile\")")
    )]
    deprivation_quintile: Vec<CategoryCountInput>,
    #[graphql(default, validator(custom = "categories(\"demographics.disability\")"))]
    disability: Vec<CategoryCountInput>,
}

impl From<AttendanceInput> for Attendance {
    fn from(a: AttendanceInput) -> Self {
        Self {
            patients: a.patients,
            carers: a.carers,
            public: a.public,
            staff: a.staff,
        }
    }
}

impl From<DemographicsInput> for DemographicSnapshot {
    fn from(d: DemographicsInput) -> Self {
        Self {
            age_band: to_map(d.age_band),
            sex: to_map(d.sex),
            ethnic_group: to_map(d.ethnic_group),
            deprivation_quintile: to_map(d.deprivation_quintile),
            disability: to_map(d.disability),
        }
    }
}

fn to_map(list: Vec<CategoryCountInput>) -> std::collections::BTreeMap<String, u32> {
    let mut map = std::collections::BTreeMap::new();
    for c in list {
        // Saturating: the domain refuses any count over its limit, so a sum that would overflow
        // is refused rather than wrapped or panicked on.
        let count = map.entry(c.category.trim().to_owned()).or_insert(0_u32);
        *count = count.saturating_add(c.count);
    }
    map
}

/// Record that the activity was held.
#[derive(InputObject, Serialize)]
pub struct RecordActivityHeldInput {
    activity_id: ID,
    /// Defaults to today.
    held_on: Option<Date>,
    #[graphql(default)]
    attendance: AttendanceInput,
    #[graphql(default)]
    demographics: DemographicsInput,
    /// Confirms an activity held before its planned date.
    #[graphql(default)]
    before_planned_date: bool,
    idempotency_key: Option<String>,
}

/// Publish the activity's report.
#[derive(InputObject, Serialize)]
pub struct PublishActivityReportInput {
    activity_id: ID,
    /// Defaults to today.
    published_on: Option<Date>,
    summary: String,
    idempotency_key: Option<String>,
}

/// Move an activity that has not been held to a later date.
#[derive(InputObject, Serialize)]
pub struct PostponeActivityInput {
    activity_id: ID,
    /// The new date, after the one it is planned for now.
    planned_on: Date,
    /// The day the postponement was decided (default today).
    postponed_on: Option<Date>,
    reason: String,
    idempotency_key: Option<String>,
}

/// Cancel a planned activity.
#[derive(InputObject, Serialize)]
pub struct CancelActivityInput {
    activity_id: ID,
    /// Defaults to today.
    cancelled_on: Option<Date>,
    reason: String,
    idempotency_key: Option<String>,
}

/// Record feedback to participants covering all of an activity's input.
#[derive(InputObject, Serialize)]
pub struct RecordActivityFeedbackInput {
    activity_id: ID,
    /// Defaults to today.
    given_on: Option<Date>,
    channel: FeedbackChannel,
    summary: String,
    idempotency_key: Option<String>,
}

/// An activity after a mutation.
#[derive(SimpleObject)]
pub struct ActivityPayload {
    activity: Activity,
    receipt: Receipt,
}

/// The activity `id`, if the caller may change it.
pub(crate) async fn writable_activity(
    ctx: &Context<'_>,
    id: &ID,
) -> Result<ActivityFacts, ApiError> {
    let who = principal(ctx)?;
    require_officer(who)?;
    let id = parse_id("activityId", id)?;
    let facts = the_ledger(ctx)
        .lookups()
        .activity(id)
        .await
        .map_err(|e| internal(ctx, e.into()))?;
    match facts {
        Some(f) if who.can_write(f.lead_organisation.as_str()) => Ok(f),
        Some(f)
            if f.partner_organisations
                .iter()
                .any(|p| who.can_read(p.as_str())) =>
        {
            Err(ApiError::Forbidden(
                "activityId: only the lead organisation may change this activity".into(),
            ))
        }
        _ => Err(ApiError::NotFound("activityId: activity not found".into())),
    }
}

pub(super) async fn run(
    ctx: &Context<'_>,
    cc: CommandContext,
    id: Uuid,
    command: ActivityCommand,
) -> ApiResult<ActivityPayload> {
    let ledger = the_ledger(ctx);
    let outcome = ledger.activity(&id.to_string(), command, &cc).await;
    let load = |id| async move { Ok(read::activity(ledger.db(), id).await?.map(|(doc, _)| doc)) };
    let (doc, receipt) = read_back(ctx, "activity", outcome, load).await?;
    Ok(ActivityPayload {
        activity: Activity(doc, Views::Live),
        receipt,
    })
}

#[derive(Default)]
pub struct ActivityMutations;

#[Object]
impl ActivityMutations {
    /// Plans an activity led by one of the caller's organisations.
    async fn plan_activity(
        &self,
        ctx: &Context<'_>,
        input: PlanActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let who = principal(ctx)?;
        require_officer(who)?;
        if !who.can_write(&input.lead_organisation.trim().to_ascii_uppercase()) {
            return Err(ApiError::Forbidden(
                "leadOrganisation: not one of your organisations".into(),
            )
            .into());
        }
        let mut cc = command_context(ctx, "planActivity", &input, input.idempotency_key.as_ref())?;
        let id = new_record(ctx, &mut cc);
        let command = ActivityCommand::Plan {
            activity_id: id,
            kind: input.kind.into(),
            title: input.title,
            topic: input.topic,
            lead_organisation: input.lead_organisation,
            partner_organisations: input.partner_organisations,
            principles: input.principles.into_iter().map(Into::into).collect(),
            planned_on: input.planned_on.0,
        };
        run(ctx, cc, id, command).await
    }

    /// Records that information about the activity was published to participants.
    async fn record_information_published(
        &self,
        ctx: &Context<'_>,
        input: RecordInformationPublishedInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "recordInformationPublished",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::RecordInformationPublished {
            published_on: or_today(input.published_on),
            accessible_formats: input
                .accessible_formats
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Records that the activity was held, with attendance and a demographic snapshot.
    async fn record_activity_held(
        &self,
        ctx: &Context<'_>,
        input: RecordActivityHeldInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "recordActivityHeld",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::RecordHeld {
            held_on: or_today(input.held_on),
            attendance: input.attendance.into(),
            demographics: input.demographics.into(),
            before_planned_date: input.before_planned_date,
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Publishes the activity's report.
    async fn publish_activity_report(
        &self,
        ctx: &Context<'_>,
        input: PublishActivityReportInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "publishActivityReport",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::PublishReport {
            published_on: or_today(input.published_on),
            summary: input.summary,
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Moves an activity that has not been held to a later date, with the reason; the
    /// activity keeps every earlier date in `postponements`.
    async fn postpone_activity(
        &self,
        ctx: &Context<'_>,
        input: PostponeActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "postponeActivity",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::Postpone {
            planned_on: input.planned_on.0,
            postponed_on: or_today(input.postponed_on),
            reason: input.reason,
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Cancels a planned activity.
    async fn cancel_activity(
        &self,
        ctx: &Context<'_>,
        input: CancelActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "cancelActivity",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::Cancel {
            cancelled_on: or_today(input.cancelled_on),
            reason: input.reason,
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Records feedback to participants covering all the activity's input items.
    async fn record_activity_feedback(
        &self,
        ctx: &Context<'_>,
        input: RecordActivityFeedbackInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "recordActivityFeedback",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::GiveFeedback {
            given_on: or_today(input.given_on),
            channel: input.channel.into(),
            summary: input.summary,
        };
        run(ctx, cc, facts.id, command).await
    }
}
