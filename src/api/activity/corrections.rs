//! Putting right what an activity's record says: its planned and held facts, a publication of
//! information, a piece of feedback. Each is owner-only, like the mutations that recorded them.

use async_graphql::{Context, InputObject, Object, ID};
use serde::Serialize;

use super::enums::{AccessibleFormat, ActivityKind};
use super::mutations::{
    run, writable_activity, ActivityPayload, AttendanceInput, DemographicsInput,
};
use crate::api::common::correction::{CorrectionInput, FeedbackAmendment};
use crate::api::common::enums::{Date, Principle};
use crate::api::common::error::ApiResult;
use crate::api::common::lists::short;
use crate::api::common::write::command_context;
use crate::domain::activity::{ActivityChanges, ActivityCommand, PublicationChanges};

/// Put right what an activity's record says: give only the fields that were wrong, and why.
/// Its history keeps what they said before; as-of answers follow the corrected dates.
#[derive(InputObject, Serialize)]
pub struct AmendActivityInput {
    activity_id: ID,
    kind: Option<ActivityKind>,
    title: Option<String>,
    topic: Option<String>,
    /// The whole corrected list.
    #[graphql(validator(custom = "short(\"principles\")"))]
    principles: Option<Vec<Principle>>,
    /// The whole corrected list of partners (registered organisations, not the lead).
    #[graphql(validator(custom = "short(\"partnerOrganisations\")"))]
    partner_organisations: Option<Vec<String>>,
    planned_on: Option<Date>,
    /// Only for a held activity: not in the future, nor after its report or feedback.
    held_on: Option<Date>,
    /// Only for a held activity: the whole corrected count.
    attendance: Option<AttendanceInput>,
    /// Only for a held activity: the whole corrected snapshot.
    demographics: Option<DemographicsInput>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Put right one publication of information: which (its place in `informationPublished`,
/// from 0), the fields that were wrong, and why.
#[derive(InputObject, Serialize)]
pub struct AmendInformationPublishedInput {
    activity_id: ID,
    /// Its place in the activity's `informationPublished` list: 0 for the first.
    index: u32,
    /// Not in the future.
    published_on: Option<Date>,
    /// The whole corrected list.
    #[graphql(validator(custom = "short(\"accessibleFormats\")"))]
    accessible_formats: Option<Vec<AccessibleFormat>>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Put right feedback given on a whole activity.
#[derive(InputObject, Serialize)]
pub struct AmendActivityFeedbackInput {
    activity_id: ID,
    feedback: FeedbackAmendment,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

#[derive(Default)]
pub struct ActivityCorrections;

#[Object]
impl ActivityCorrections {
    /// Puts right what an activity's record says, with the reason; only the fields given
    /// change. A cancelled activity can be corrected too.
    async fn amend_activity(
        &self,
        ctx: &Context<'_>,
        input: AmendActivityInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(ctx, "amendActivity", &input, input.idempotency_key.as_ref())?;
        let command = ActivityCommand::Amend {
            changes: ActivityChanges {
                kind: input.kind.map(Into::into),
                title: input.title,
                topic: input.topic,
                principles: input
                    .principles
                    .map(|p| p.into_iter().map(Into::into).collect()),
                partner_organisations: None,
                planned_on: input.planned_on.map(|d| d.0),
                held_on: input.held_on.map(|d| d.0),
                attendance: input.attendance.map(Into::into),
                demographics: input.demographics.map(Into::into),
            },
            partner_organisations: input.partner_organisations,
            correction: input.reason.into(),
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Puts right one publication of information about an activity, with the reason.
    async fn amend_information_published(
        &self,
        ctx: &Context<'_>,
        input: AmendInformationPublishedInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "amendInformationPublished",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = ActivityCommand::AmendInformation {
            index: input.index as usize,
            changes: PublicationChanges {
                published_on: input.published_on.map(|d| d.0),
                accessible_formats: input
                    .accessible_formats
                    .map(|f| f.into_iter().map(Into::into).collect()),
            },
            correction: input.reason.into(),
        };
        run(ctx, cc, facts.id, command).await
    }

    /// Puts right feedback given on a whole activity, with the reason.
    async fn amend_activity_feedback(
        &self,
        ctx: &Context<'_>,
        input: AmendActivityFeedbackInput,
    ) -> ApiResult<ActivityPayload> {
        let facts = writable_activity(ctx, &input.activity_id).await?;
        let cc = command_context(
            ctx,
            "amendActivityFeedback",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let (index, changes) = input.feedback.split();
        let command = ActivityCommand::AmendFeedback {
            index,
            changes,
            correction: input.reason.into(),
        };
        run(ctx, cc, facts.id, command).await
    }
}
