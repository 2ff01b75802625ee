//! The figures the pages show, as files to take away: the scorecard, reach against the
//! population, and a board's seats against their targets. Each is a [`Listed`] table, written
//! as CSV or a workbook by [`Listed::file`], the same from a page, the API and the command line.

use chrono::NaiveDate;
use uuid::Uuid;

use super::records::{to_file, RecordsFile, RecordsFormat, Table, Value};
use super::sheets::value_in_words;
use crate::domain::common::Principle;
use crate::projections::period::Period;
use crate::projections::reach::{self, Reach};
use crate::projections::representation::RoleSeats;
use crate::projections::scorecard::{Change, Unit};
use crate::projections::{board_read, read};
use crate::store::Db;

/// A list as a file would hold it: its table and the file's name without its extension.
#[derive(Debug, Clone)]
pub struct Listed {
    pub stem: String,
    pub table: Table,
}

impl Listed {
    /// The list as a file of `format`.
    pub fn file(&self, format: RecordsFormat) -> anyhow::Result<RecordsFile> {
        to_file(format, &self.stem, std::slice::from_ref(&self.table))
    }
}

fn table(name: &str, header: &[&str], rows: Vec<Vec<Option<Value>>>) -> Table {
    Table {
        name: name.to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

fn text(value: impl Into<String>) -> Option<Value> {
    Some(Value::Text(value.into()))
}

/// Letters and digits kept, anything else a dash: a name fit for a file's.
fn slug(name: &str) -> String {
    name.to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The principle's number and name, as the scorecard's page heads it.
pub fn principle_name(p: Principle) -> &'static str {
    match p {
        Principle::Equals => "1. Equals",
        Principle::Informed => "2. Informed",
        Principle::SharedDecisions => "3. Shared decisions",
        Principle::Inequalities => "4. Inequalities",
        Principle::SeekingInput => "5. Seeking input",
        Principle::JoiningServices => "6. Joining services",
    }
}

/// The scorecard of `organisations` over `period`: a measure a row, with the period's value,
/// its parts, the previous period's value and the change.
pub fn scorecard(organisations: &[String], period: &Period, changes: &[Change]) -> Listed {
    let unit = |u: Unit| match u {
        Unit::Percent => "Percent",
        Unit::Days => "Days",
        Unit::Count => "Count",
    };
    let figure = |v: Option<f64>| v.map(Value::Figure);
    let rows = changes
        .iter()
        .map(|c| {
            let m = &c.measure;
            vec![
                text(principle_name(m.principle)),
                text(m.label),
                text(unit(m.unit)),
                figure(m.value),
                Some(Value::Figure(m.numerator)),
                Some(Value::Figure(m.denominator)),
                figure(c.previous),
                figure(c.change),
                Some(Value::Day(period.from)),
                Some(Value::Day(period.to)),
            ]
        })
        .collect();
    Listed {
        stem: format!(
            "scorecard-{}-{}-{}",
            slug(&organisations.join("-")),
            period.from,
            period.to
        ),
        table: table(
            "Scorecard",
            &[
                "Principle",
                "Measure",
                "Unit",
                "Value",
                "Numerator",
                "Denominator",
                "Previous period",
                "Change",
                "From",
                "To",
            ],
            rows,
        ),
    }
}

/// A whole organisation's scorecard over `period`, every record read (as the command line
/// asks for it, without the service's tallies).
pub async fn scorecard_of(
    db: &Db,
    organisations: &[String],
    period: &Period,
    margin_points: f64,
) -> anyhow::Result<Listed> {
    let documents = super::Documents::load(db, organisations).await?;
    let inputs = documents.inputs(organisations, margin_points);
    let changes = crate::projections::scorecard::compare(&inputs, period);
    Ok(scorecard(organisations, period, &changes))
}

/// Reach of `organisation`'s activities: each group's share of those who took part against its
/// share of the population, and whether it is under-represented.
pub fn reach(organisation: &str, reach: &Reach) -> Listed {
    let share = |v: f64| Value::Figure((v * 1000.0).round() / 10.0);
    let rows = reach
        .groups
        .iter()
        .map(|g| {
            vec![
                text(value_in_words(&g.dimension)),
                text(&g.category),
                Some(Value::Number(g.participants)),
                g.participant_share.map(share),
                Some(share(g.baseline_share)),
                Some(Value::Flag(g.under_represented)),
            ]
        })
        .collect();
    Listed {
        stem: format!("reach-{}", slug(organisation)),
        table: table(
            "Reach",
            &[
                "Characteristic",
                "Group",
                "Took part",
                "Share of those who took part (%)",
                "Share of the population (%)",
                "Under-represented",
            ],
            rows,
        ),
    }
}

/// Why reach could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum ReachError {
    #[error("organisation: no population baseline has been uploaded")]
    NoBaseline,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Reach of the activities `organisation` led that were held in `period` (or of `activity`),
/// against its population baseline.
pub async fn reach_of(
    db: &Db,
    organisation: &str,
    period: Option<&Period>,
    activity: Option<Uuid>,
    margin_points: f64,
) -> Result<Reach, ReachError> {
    let baseline = crate::ledger::load_baseline(db, organisation)
        .await
        .map_err(anyhow::Error::from)?;
    let shares = baseline.shares().ok_or(ReachError::NoBaseline)?;
    let scope = [organisation.to_owned()];
    let docs: Vec<_> = read::activities(db, Some(&scope))
        .await?
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| {
            a.lead_organisation.as_str() == organisation && activity.is_none_or(|id| a.id == id)
        })
        .collect();
    let refs: Vec<_> = docs.iter().collect();
    Ok(reach::reach(&refs, period, shares, margin_points))
}

/// A board's seats by role against their targets on `as_of`, with how long the vacant seats
/// have stood vacant.
pub fn representation(board: &str, seats: &[RoleSeats], as_of: NaiveDate) -> Listed {
    let rows = seats
        .iter()
        .map(|s| {
            vec![
                text(value_in_words(&s.role)),
                Some(Value::Number(s.target)),
                Some(Value::Flag(s.voting)),
                Some(Value::Number(s.filled)),
                Some(Value::Number(s.filled_voting)),
                Some(Value::Number(s.target.saturating_sub(s.filled))),
                s.days_vacant
                    .iter()
                    .max()
                    .map(|d| Value::Number(u32::try_from(*d).unwrap_or(u32::MAX))),
                Some(Value::Day(as_of)),
            ]
        })
        .collect();
    Listed {
        stem: format!("representation-{}-{as_of}", slug(board)),
        table: table(
            "Representation",
            &[
                "Role",
                "Target",
                "Voting",
                "Filled",
                "Filled by voting members",
                "Vacant",
                "Longest vacancy (days)",
                "As of",
            ],
            rows,
        ),
    }
}

/// A board's seats on `as_of`, read from the record; `None` when no board has the id.
pub async fn representation_of(
    db: &Db,
    board: Uuid,
    as_of: NaiveDate,
) -> anyhow::Result<Option<Listed>> {
    let Some(doc) = board_read::board(db, board).await? else {
        return Ok(None);
    };
    let appointments = board_read::appointments_to(db, board).await?;
    let seats = crate::projections::representation::seats(&doc, &appointments, as_of);
    Ok(Some(representation(&doc.name, &seats, as_of)))
}
