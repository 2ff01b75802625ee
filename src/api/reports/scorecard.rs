//! The six-principles scorecard over GraphQL: every measure with its numerator, denominator,
//! the change against the previous period of the same length, and the records it counts.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use crate::api::audit::export::{Download, RecordsFormat};
use crate::api::common::context::{internal, principal, Views};
use crate::api::common::enums::Principle;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::heavy::{replay_cost, HeavyWork};
use crate::api::common::period::{check_margin, parse_period, PeriodInput, PeriodRange};
use crate::projections::scorecard::{self, Inputs, Period};
use crate::reports::lists::{self, Listed};
use crate::reports::{organisations_covered, Documents};
use crate::store::Db;

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
#[graphql(complex)]
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
    #[graphql(skip)]
    records: Vec<scorecard::RecordRef>,
    /// Where the records are, when the figure was read from the tallies.
    #[graphql(skip)]
    listed: Option<(scorecard::Listed, Arc<Asked>)>,
}

/// What a scorecard was asked for, to list the records of its figures when they are asked for.
struct Asked {
    db: Db,
    codes: Vec<String>,
    period: Period,
    margin_points: f64,
    /// Every record of the organisations, read once for all the figures that list them.
    documents: tokio::sync::OnceCell<Documents>,
}

#[ComplexObject]
impl ScorecardMeasure {
    /// Exactly the records the figure counts.
    async fn records(&self, ctx: &Context<'_>) -> ApiResult<Vec<CountedRecord>> {
        let Some((listed, asked)) = &self.listed else {
            return Ok(self.records.iter().map(|r| (*r).into()).collect());
        };
        // Figures over many items are counted by the tallies; their records are read only when
        // a client asks for them, as heavy work (off the workers, a few at a time), since they
        // grow with the organisation.
        let (listed, asked) = (*listed, asked.clone());
        let records = ctx
            .data_unchecked::<Arc<HeavyWork>>()
            .run(async move {
                let documents = asked
                    .documents
                    .get_or_try_init(|| Documents::load(&asked.db, &asked.codes))
                    .await?;
                let inputs = documents.inputs(&asked.codes, asked.margin_points);
                Ok(inputs.records(&asked.period, listed).0)
            })
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(records.into_iter().map(Into::into).collect())
    }
}

/// The scorecard for an organisation or an integrated care system, over a period.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Scorecard {
    organisations: Vec<String>,
    period: PeriodRange,
    previous_period: PeriodRange,
    measures: Vec<ScorecardMeasure>,
    /// Principle 4 in detail: each population group of each organisation with a baseline,
    /// against participants in the activities it held in the period.
    population_groups: Vec<PopulationGroup>,
    #[graphql(skip)]
    listed: Listed,
}

#[ComplexObject]
impl Scorecard {
    /// The measures as a file to take away: a row each, with the period's value, its
    /// numerator and denominator, the previous period's value and the change.
    async fn file(&self, ctx: &Context<'_>, format: RecordsFormat) -> ApiResult<Download> {
        Download::listed(ctx, &self.listed, format)
    }
}

/// One organisation's population group, against participants.
#[derive(SimpleObject)]
pub struct PopulationGroup {
    organisation: String,
    reach: GroupReach,
}

/// Queries for the scorecard.
#[derive(Default)]
pub struct ScorecardQueries;

#[Object]
impl ScorecardQueries {
    /// The scorecard of one organisation (`organisation`) or of every organisation of an
    /// integrated care system (`ics`, the ICB's ODS code), over a period. Principle 4 names
    /// population groups more than `marginPoints` percentage points (default 5) below their
    /// share of the population. With `recordedAsOf`, the scorecard as the record stood at that
    /// moment (before later corrections).
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    async fn scorecard(
        &self,
        ctx: &Context<'_>,
        organisation: Option<String>,
        ics: Option<String>,
        period: PeriodInput,
        #[graphql(default = 5.0)] margin_points: f64,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<Scorecard> {
        let who = principal(ctx)?;
        if organisation.is_some() == ics.is_some() {
            return Err(
                ApiError::Validation("give exactly one of organisation and ics".into()).into(),
            );
        }
        check_margin(margin_points)?;
        let views = Views::at(ctx, recorded_as_of).await?;
        let db = views.db(ctx);
        let codes = organisations_covered(db, organisation.as_deref(), ics.as_deref())
            .await
            .map_err(|e| internal(ctx, e))?;
        if codes.is_empty() || !codes.iter().all(|c| who.can_read(c)) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        let period = parse_period(period)?;
        let (documents, cohorts) = match Documents::load_with_cohorts(
            views.tallies(ctx).await,
            &codes,
            &[period, period.previous()],
        )
        .await
        .map_err(|e| internal(ctx, e))?
        {
            Some(light) => light,
            // While the tallies are being made, every record is read and counted, as
            // heavy work.
            None => {
                let (db, codes) = (db.clone(), codes.clone());
                let every = ctx
                    .data_unchecked::<Arc<HeavyWork>>()
                    .run(async move { Documents::load(&db, &codes).await })
                    .await
                    .map_err(|e| internal(ctx, e))?;
                (every, Vec::new())
            }
        };
        let asked = Arc::new(Asked {
            db: db.clone(),
            codes: codes.clone(),
            period,
            margin_points,
            documents: tokio::sync::OnceCell::new(),
        });
        let inputs = Inputs {
            cohorts: &cohorts,
            ..documents.inputs(&codes, margin_points)
        };
        let changes = scorecard::compare(&inputs, &period);
        let listed = lists::scorecard(&codes, &period, &changes);
        let measures = changes
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
                records: c.measure.records,
                listed: c.measure.listed.map(|l| (l, asked.clone())),
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
            listed,
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

pub(super) fn group_reach(g: crate::projections::reach::GroupReach) -> GroupReach {
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
