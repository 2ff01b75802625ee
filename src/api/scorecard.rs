//! The six-principles scorecard over GraphQL: every measure with its numerator, denominator,
//! the change against the previous period of the same length, and the records it counts.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};

use super::context::{internal, ledger, principal};
use super::enums::{Date, Principle};
use super::error::{ApiError, ApiResult};
use crate::projections::read;
use crate::projections::scorecard::{self, Period};
use crate::reports::{organisations_covered, Documents};

/// Which kind of record a figure counts.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "scorecard::RecordKind")]
pub enum RecordKind {
    InputItem,
    Activity,
    Action,
    Appointment,
    BoardDecision,
    Seat,
}

/// What a measure's value is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "scorecard::Unit")]
pub enum Unit {
    /// A share of the denominator, in percent.
    Percent,
    /// A number of days.
    Days,
    /// A count.
    Count,
}

/// A record a figure counts, to open it.
#[derive(SimpleObject)]
pub struct CountedRecord {
    kind: RecordKind,
    id: ID,
}

impl From<scorecard::RecordRef> for CountedRecord {
    fn from(r: scorecard::RecordRef) -> Self {
        Self {
            kind: r.kind.into(),
            id: r.id.into(),
        }
    }
}

/// One measure of the scorecard.
#[derive(SimpleObject)]
pub struct ScorecardMeasure {
    principle: Principle,
    key: String,
    label: String,
    unit: Unit,
    value: Option<f64>,
    numerator: f64,
    denominator: f64,
    /// The value over the previous period of the same length.
    previous: Option<f64>,
    change: Option<f64>,
    /// Exactly the records the figure counts.
    records: Vec<CountedRecord>,
}

/// A period, inclusive.
#[derive(SimpleObject)]
pub struct PeriodRange {
    from: Date,
    to: Date,
}

/// The scorecard for an organisation or an integrated care system, over a period.
#[derive(SimpleObject)]
pub struct Scorecard {
    organisations: Vec<String>,
    period: PeriodRange,
    previous_period: PeriodRange,
    measures: Vec<ScorecardMeasure>,
    /// Principle 4 in detail: each population group of each organisation with a baseline,
    /// against participants in the activities it held in the period.
    population_groups: Vec<PopulationGroup>,
}

/// One organisation's population group, against participants.
#[derive(SimpleObject)]
pub struct PopulationGroup {
    organisation: String,
    reach: GroupReach,
}

/// Which period: a date range, a calendar quarter, or a financial year (April to March).
#[derive(InputObject, Default)]
pub struct PeriodInput {
    from: Option<Date>,
    to: Option<Date>,
    quarter: Option<QuarterInput>,
    /// The year the financial year starts in: 2026 means 1 April 2026 to 31 March 2027.
    financial_year: Option<i32>,
}

/// A calendar quarter.
#[derive(InputObject)]
pub struct QuarterInput {
    year: i32,
    quarter: u8,
}

/// The longest period a client may ask about, in days: ten years.
pub(crate) const MAX_PERIOD_DAYS: i64 = 3_653;

/// The years a quarter or financial year may be named by: those whose days are all dates a
/// client may give ([`Date::EARLIEST`] to [`Date::LATEST`]).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

fn parse_period(input: PeriodInput) -> Result<Period, ApiError> {
    let year_in_range = |field: &str, year: i32| {
        if YEARS.contains(&year) {
            Ok(year)
        } else {
            Err(ApiError::Validation(format!(
                "{field}: must be between {} and {}",
                YEARS.start(),
                YEARS.end()
            )))
        }
    };
    let period = match (input.from, input.to, input.quarter, input.financial_year) {
        (Some(from), Some(to), None, None) if from.0 <= to.0 => Period {
            from: from.0,
            to: to.0,
        },
        (Some(_), Some(_), None, None) => {
            return Err(ApiError::Validation(
                "period.from: must not be after period.to".into(),
            ))
        }
        (None, None, Some(q), None) => {
            Period::quarter(year_in_range("period.quarter.year", q.year)?, q.quarter).ok_or_else(
                || ApiError::Validation("period.quarter.quarter: must be 1 to 4".into()),
            )?
        }
        (None, None, None, Some(year)) => {
            Period::financial_year(year_in_range("period.financialYear", year)?).ok_or_else(
                || ApiError::Validation("period.financialYear: is not a year we can count".into()),
            )?
        }
        _ => {
            return Err(ApiError::Validation(
                "period: give either from and to, or a quarter, or a financialYear".into(),
            ))
        }
    };
    if period.days() > MAX_PERIOD_DAYS {
        return Err(ApiError::Validation(format!(
            "period: must not be longer than {MAX_PERIOD_DAYS} days (ten years)"
        )));
    }
    Ok(period)
}

/// Refuses a margin that is not a number of percentage points.
pub(crate) fn check_margin(margin_points: f64) -> Result<(), ApiError> {
    if (0.0..=100.0).contains(&margin_points) {
        Ok(())
    } else {
        Err(ApiError::Validation(
            "marginPoints: must be between 0 and 100".into(),
        ))
    }
}

impl From<Period> for PeriodRange {
    fn from(p: Period) -> Self {
        Self {
            from: Date(p.from),
            to: Date(p.to),
        }
    }
}

/// Queries for the scorecard.
#[derive(Default)]
pub struct ScorecardQueries;

#[Object]
impl ScorecardQueries {
    /// The scorecard of one organisation (`organisation`) or of every organisation of an
    /// integrated care system (`ics`, the ICB's ODS code), over a period. Principle 4 names
    /// population groups more than `marginPoints` percentage points (default 5) below their
    /// share of the population.
    async fn scorecard(
        &self,
        ctx: &Context<'_>,
        organisation: Option<String>,
        ics: Option<String>,
        period: PeriodInput,
        #[graphql(default = 5.0)] margin_points: f64,
    ) -> ApiResult<Scorecard> {
        let who = principal(ctx)?;
        let db = ledger(ctx).db();
        if organisation.is_some() == ics.is_some() {
            return Err(
                ApiError::Validation("give exactly one of organisation and ics".into()).into(),
            );
        }
        check_margin(margin_points)?;
        let codes = organisations_covered(db, organisation.as_deref(), ics.as_deref())
            .await
            .map_err(|e| internal(ctx, e))?;
        if codes.is_empty() || !codes.iter().all(|c| who.can_read(c)) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        let period = parse_period(period)?;
        let documents = Documents::load(db, &codes)
            .await
            .map_err(|e| internal(ctx, e))?;
        let inputs = documents.inputs(&codes, margin_points);
        let measures = scorecard::compare(&inputs, &period)
            .into_iter()
            .map(|c| ScorecardMeasure {
                principle: c.measure.principle.into(),
                key: c.measure.key.to_owned(),
                label: c.measure.label.to_owned(),
                unit: c.measure.unit.into(),
                value: c.measure.value,
                numerator: c.measure.numerator,
                denominator: c.measure.denominator,
                previous: c.previous,
                change: c.change,
                records: c.measure.records.iter().map(|r| (*r).into()).collect(),
            })
            .collect();
        let population_groups = scorecard::population_groups(&inputs, &period)
            .into_iter()
            .map(|(organisation, g)| PopulationGroup {
                organisation,
                reach: group_reach(g),
            })
            .collect();
        Ok(Scorecard {
            population_groups,
            organisations: codes,
            previous_period: period.previous().into(),
            period: period.into(),
            measures,
        })
    }
}

/// One group's reach against the population.
#[derive(SimpleObject)]
pub struct GroupReach {
    dimension: String,
    category: String,
    baseline_share: f64,
    participants: u32,
    participant_share: Option<f64>,
    /// More than the margin below the group's share of the population.
    under_represented: bool,
}

fn group_reach(g: crate::projections::reach::GroupReach) -> GroupReach {
    GroupReach {
        dimension: serde_json::to_value(g.dimension)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        category: g.category,
        baseline_share: g.baseline_share,
        participants: g.participants,
        participant_share: g.participant_share,
        under_represented: g.under_represented,
    }
}

/// Who took part against the population served (principle 4).
#[derive(SimpleObject)]
pub struct Reach {
    /// The activities counted (held in the period).
    activity_ids: Vec<ID>,
    margin_points: f64,
    groups: Vec<GroupReach>,
}

/// Queries for reach against the population baseline.
#[derive(Default)]
pub struct ReachQueries;

#[Object]
impl ReachQueries {
    /// Participants' demographic mix against the organisation's population baseline, for the
    /// activities it led that were held in the period (or for one activity), naming groups
    /// under-represented by more than `marginPoints` percentage points (default 5).
    async fn reach(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        period: Option<PeriodInput>,
        activity_id: Option<ID>,
        #[graphql(default = 5.0)] margin_points: f64,
    ) -> ApiResult<Reach> {
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        check_margin(margin_points)?;
        let period = period.map(parse_period).transpose()?;
        let activity = activity_id
            .as_ref()
            .map(|id| super::query::parse_id("activityId", id))
            .transpose()?;
        let ledger = ledger(ctx);
        let baseline = ledger
            .load_baseline(&code)
            .await
            .map_err(|e| ApiError::from_ledger(super::context::correlation_id(ctx), e))?;
        let Some(shares) = baseline.shares() else {
            return Err(ApiError::NotFound(
                "organisation: no population baseline has been uploaded".into(),
            )
            .into());
        };
        let scope = [code.clone()];
        let docs: Vec<_> = read::activities(ledger.db(), Some(&scope))
            .await
            .map_err(|e| internal(ctx, e))?
            .into_iter()
            .map(|(a, _)| a)
            .filter(|a| {
                a.lead_organisation.as_str() == code && activity.is_none_or(|id| a.id == id)
            })
            .collect();
        let refs: Vec<_> = docs.iter().collect();
        let result =
            crate::projections::reach::reach(&refs, period.as_ref(), shares, margin_points);
        Ok(Reach {
            activity_ids: result.activities.iter().map(|id| (*id).into()).collect(),
            margin_points,
            groups: result.groups.into_iter().map(group_reach).collect(),
        })
    }
}
