//! The board as a GraphQL object: its seats, appointments and meetings, and its
//! representation as of any date.

use crate::api::input_item::rollup::VerdictRollup;
use crate::projections::tally::Scope;
use async_graphql::{Context, Object, ID};
use chrono::Days;

use super::appointment::Appointment;
use super::enums::BoardKind;
use super::meeting::BoardMeeting;
use super::representation::{board_parts, representation, Representation};
use crate::api::common::context::{or_today, Views};
use crate::api::common::correction::Correction;
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::pages::{page_cost, Page, Window};
use crate::api::common::period::MAX_PERIOD_DAYS;
use crate::projections::board_read;
use crate::projections::boards::BoardDoc;
use crate::projections::representation as rep;

/// The most days ahead `termsEndingWithinDays` may look: ten years.
const MAX_WITHIN_DAYS: u32 = 3_653;

/// A board or committee.
pub struct Board(pub BoardDoc, pub Views);

#[Object]
impl Board {
    pub(crate) async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn organisation(&self) -> &str {
        self.0.organisation.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> BoardKind {
        self.0.kind.into()
    }
    async fn established_on(&self) -> Date {
        Date(self.0.established_on)
    }
    async fn dissolved_on(&self) -> Option<Date> {
        self.0.dissolved_on.map(Date)
    }
    /// Every correction of this board, oldest first, each with its reason.
    async fn corrections(&self) -> Vec<Correction> {
        self.0.corrections.iter().map(Correction::from).collect()
    }
    /// Every appointment, past and present, by term start.
    async fn appointments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Appointment>> {
        Ok(board_parts(ctx, &self.1, &self.0)
            .await?
            .0
            .into_iter()
            .map(Appointment)
            .collect())
    }
    /// Who sat on the board on a date (default today).
    async fn members(&self, ctx: &Context<'_>, on: Option<Date>) -> ApiResult<Vec<Appointment>> {
        let day = or_today(on);
        let (appointments, _) = board_parts(ctx, &self.1, &self.0).await?;
        Ok(rep::members_on(&appointments, day)
            .into_iter()
            .cloned()
            .map(Appointment)
            .collect())
    }
    /// The board's meetings by date (the day held, or else the day scheduled).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<BoardMeeting>> {
        let window = Window::new(first, after, last, before)?;
        let (_, meetings) = board_parts(ctx, &self.1, &self.0).await?;
        let items = meetings
            .into_iter()
            .map(|m| (board_read::meeting_order(&m), BoardMeeting(m)))
            .collect();
        Ok(window.page(items)?)
    }
    /// Verdicts over the input its meetings' decisions cited, as of a date (default today).
    async fn rollup(&self, ctx: &Context<'_>, as_of: Option<Date>) -> ApiResult<VerdictRollup> {
        VerdictRollup::of_scope(ctx, &self.1, &Scope::Board(self.0.id), as_of).await
    }
    /// Representation as of a date (default today); attendance and decisions over a period
    /// (default the year up to that date); terms ending within a number of days (default 90).
    async fn representation(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        from: Option<Date>,
        to: Option<Date>,
        #[graphql(default = 90)] terms_ending_within_days: u32,
    ) -> ApiResult<Representation> {
        let as_of = or_today(as_of);
        let to = to.map_or(as_of, |d| d.0);
        let from = from.map_or_else(
            || to.checked_sub_days(Days::new(364)).unwrap_or(to),
            |d| d.0,
        );
        if from > to {
            return Err(ApiError::Validation("from: must not be after to".into()).into());
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(ApiError::Validation(format!(
                "from: the period must not be longer than {MAX_PERIOD_DAYS} days (ten years)"
            ))
            .into());
        }
        if terms_ending_within_days > MAX_WITHIN_DAYS {
            return Err(ApiError::Validation(format!(
                "termsEndingWithinDays: must be between 0 and {MAX_WITHIN_DAYS}"
            ))
            .into());
        }
        let (appointments, meetings) = board_parts(ctx, &self.1, &self.0).await?;
        Ok(representation(
            &self.0,
            &appointments,
            &meetings,
            as_of,
            from,
            to,
            terms_ending_within_days,
        ))
    }
}
