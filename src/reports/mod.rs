//! Reports computed from the ledger: the documents a report reads, and the annual-report
//! involvement section rendered as Markdown and as a printable HTML page.

use std::collections::{BTreeSet, HashSet};

use anyhow::Context;
use uuid::Uuid;

use crate::domain::baseline::Shares;
use crate::domain::common::OdsCode;
use crate::ledger::load_baseline;
use crate::projections::board_read;
use crate::projections::read;
use crate::projections::scorecard::{Cohort, Period};
use crate::projections::tally;
use crate::store::Db;

pub mod annual;
mod annual_page;
pub mod lists;
mod page;
pub mod records;
pub mod sheets;
pub mod spreadsheet;
pub mod you_said;

pub use crate::projections::Documents;
pub use page::Page;

/// Reading the documents a report is computed from (the type lives with the views, which
/// the scorecard's tests build it from as well).
impl Documents {
    /// Reads the records of `organisations` (ODS codes) from the views, and their baselines
    /// from the log.
    pub async fn load(db: &Db, organisations: &[String]) -> anyhow::Result<Self> {
        let scope = Some(organisations);
        let activities = read::activities(db, scope).await?;
        let mut items = read::input_items(db, scope, &read::ItemFilter::default()).await?;
        // A withdrawn item counts in no measure or report.
        items.retain(|i| !i.doc.is_withdrawn());
        let actions = read::actions(db, scope).await?;
        // The input an organisation's actions answer may be a partner's, no longer referred to
        // it once answered: partnership measures still need it.
        let known: HashSet<Uuid> = items.iter().map(|i| i.doc.id).collect();
        let answered: BTreeSet<Uuid> = actions
            .iter()
            .flat_map(|(a, _)| a.input_items.iter().copied())
            .filter(|id| !known.contains(id))
            .collect();
        for id in answered {
            items.extend(
                read::input_item(db, id)
                    .await?
                    .filter(|i| !i.doc.is_withdrawn()),
            );
        }
        let (boards, appointments, meetings) =
            board_read::boards_with_their_records(db, organisations).await?;
        let baselines = baselines(db, organisations).await?;
        Ok(Self {
            activities: activities.into_iter().map(|(a, _)| a).collect(),
            items,
            actions: actions.into_iter().map(|(a, _)| a).collect(),
            boards,
            appointments,
            meetings,
            baselines,
        })
    }
}

impl Documents {
    /// What a scorecard over `period` needs beside the cohorts the tallies keep (see
    /// [`crate::projections::tally::cohorts`]): the boards of `organisations` and their
    /// population baselines, and of the items only those the boards' decisions cite, which the
    /// measures time; their input items, actions and activities, which may be too many to
    /// hold, are counted in the cohorts. Answers `None` while the tallies are being made, when
    /// the caller loads everything instead.
    pub async fn load_with_cohorts(
        db: &Db,
        organisations: &[String],
        periods: &[Period],
    ) -> anyhow::Result<Option<(Self, Vec<(Period, Cohort)>)>> {
        let Some(cohorts) = tally::cohorts(db, organisations, periods).await? else {
            return Ok(None);
        };
        let cohorts = periods.iter().copied().zip(cohorts).collect();
        let (boards, appointments, meetings) =
            board_read::boards_with_their_records(db, organisations).await?;
        let cited: BTreeSet<String> = meetings
            .iter()
            .flat_map(|m| &m.decisions)
            .flat_map(|d| d.cited_input_items.iter().map(|id| id.to_string()))
            .collect();
        let cited: Vec<String> = cited.into_iter().collect();
        // As `load` would have them: not withdrawn, and the organisations' own, referred to
        // them, or answered by their actions (asked only of the others, which are few).
        let ours = |code: &OdsCode| organisations.iter().any(|o| o == code.as_str());
        let (mut items, others): (Vec<_>, Vec<_>) = read::input_items_unjoined(db, &cited)
            .await?
            .into_iter()
            .filter(|i| !i.doc.is_withdrawn())
            .partition(|i| ours(&i.doc.organisation) || i.doc.referred_to().is_some_and(ours));
        let other_ids: Vec<String> = others.iter().map(|i| i.doc.id.to_string()).collect();
        let answered = read::answered_by_actions_of(db, &other_ids, organisations).await?;
        items.extend(
            others
                .into_iter()
                .filter(|i| answered.contains(&i.doc.id.to_string())),
        );
        Ok(Some((
            Self {
                activities: Vec::new(),
                items,
                actions: Vec::new(),
                boards,
                appointments,
                meetings,
                baselines: baselines(db, organisations).await?,
            },
            cohorts,
        )))
    }
}

/// The population baselines of those of `organisations` that have uploaded one.
async fn baselines(db: &Db, organisations: &[String]) -> anyhow::Result<Vec<(String, Shares)>> {
    let mut baselines = Vec::new();
    for code in organisations {
        let baseline = load_baseline(db, code)
            .await
            .with_context(|| format!("could not read the population baseline of {code}"))?;
        if let Some(shares) = baseline.shares() {
            baselines.push((code.clone(), shares.clone()));
        }
    }
    Ok(baselines)
}

/// The ODS codes a scorecard covers: `organisation` alone, or every organisation whose ICS is
/// `ics` (and the ICB itself). Codes are trimmed and upper-cased; unknown codes give none.
pub async fn organisations_covered(
    db: &Db,
    organisation: Option<&str>,
    ics: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let wanted = |code: Option<&str>| code.map(|c| c.trim().to_ascii_uppercase());
    // Read by key: the cost does not grow with the organisations recorded.
    let mut found = Vec::new();
    if let Some(code) = wanted(organisation) {
        found.extend(read::organisations(db, Some(&[code])).await?);
    }
    if let Some(ics) = wanted(ics) {
        found.extend(read::organisations_of_ics(db, &ics).await?);
    }
    let mut codes: Vec<String> = found.into_iter().map(|o| o.ods_code.to_string()).collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// Why an annual report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportFailure {
    #[error("organisation: no organisation has that ODS code")]
    UnknownOrganisation,
    #[error(transparent)]
    Invalid(#[from] annual::ReportError),
    #[error("could not read the ledger")]
    Internal(#[from] anyhow::Error),
}

/// The annual-report involvement section of `organisation` for the financial year starting in
/// April of `year`, as of `today`.
pub async fn annual_report(
    db: &Db,
    organisation: &str,
    year: i32,
    today: chrono::NaiveDate,
    examples: &[uuid::Uuid],
    margin_points: f64,
) -> Result<annual::AnnualReport, ReportFailure> {
    let code = organisation.trim().to_ascii_uppercase();
    let doc = read::organisation(db, &code)
        .await?
        .ok_or(ReportFailure::UnknownOrganisation)?;
    let codes = [code];
    let documents = Documents::load(db, &codes).await?;
    let request = annual::Request {
        organisation: &doc,
        year,
        today,
        examples,
    };
    Ok(annual::build(
        &documents.inputs(&codes, margin_points),
        &request,
    )?)
}
