//! The involvement section of an annual report (NHS Act 2006 s.14Z58(2)(a) for integrated care
//! boards, and the equivalent for trusts): what the organisation did to involve people over a
//! financial year, who took part, what they said, what changed, what was declined and why, how
//! people were told, and patient representation on its boards.
//!
//! Built only from projected records and aggregate counts: no participant is named, and the only
//! free text is what officers wrote for publication (summaries, reasons, outcomes). Every figure
//! carries the records it counts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::common::{limits, ActivityKind, FeedbackChannel};
use crate::domain::verdict::InputVerdict;
use crate::projections::docs::{ActionDoc, OrganisationDoc};
use crate::projections::reach::GroupReach;
mod records;

use crate::projections::scorecard::{
    board_measures, population_groups, scorecard, Inputs, Measure, Period, RecordKind, RecordRef,
};
use records::{examples, titles};

/// How many examples of change the report shows when the officer chooses none.
pub const DEFAULT_EXAMPLES: usize = 3;
/// How many themes "what people said" lists.
pub const TOP_THEMES: usize = 5;

/// What to report on.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub organisation: &'a OrganisationDoc,
    /// The financial year starting 1 April of this year.
    pub year: i32,
    /// Figures are as of this day, or the year's end if that came first.
    pub today: NaiveDate,
    /// Actions to show as examples of change; none means the most recent completed ones.
    pub examples: &'a [Uuid],
}

/// A counted figure: how many records, out of how many where it is a share, and which.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub count: u64,
    pub of: Option<u64>,
    pub records: Vec<RecordRef>,
}

/// An example of change: an action completed with an outcome, and the input behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub action: Uuid,
    pub title: String,
    pub completed_on: NaiveDate,
    pub outcome: String,
    /// The input items the action answers, with their summaries.
    pub you_said: Vec<(Uuid, String)>,
}

/// Input declined, with the reason given.
#[derive(Debug, Clone, PartialEq)]
pub struct Declined {
    pub item: Uuid,
    pub summary: String,
    pub reason: String,
    pub decided_on: NaiveDate,
}

/// Patient seats on one board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardSeats {
    pub board: Uuid,
    pub name: String,
    pub measures: Vec<Measure>,
}

/// The involvement section for one organisation and financial year.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualReport {
    pub organisation: String,
    pub name: String,
    pub year: Period,
    /// The days the figures cover: the year, or the year to date.
    pub covered: Period,
    pub figures: Vec<Figure>,
    /// Population groups against the baseline; empty when none was uploaded.
    pub groups: Vec<GroupReach>,
    pub margin_points: f64,
    pub examples: Vec<Example>,
    /// Every action that could be an example: completed with an outcome in the days covered,
    /// the most recent first.
    pub candidates: Vec<Example>,
    pub declined: Vec<Declined>,
    pub boards: Vec<BoardSeats>,
    /// The whole scorecard over the days covered.
    pub measures: Vec<Measure>,
    /// What the records the figures count are called, for the sources.
    pub titles: BTreeMap<Uuid, String>,
}

/// A report that cannot be made as asked: too many or unsuitable examples, or a year out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("examples: has {0} entries; the limit is {limit}", limit = limits::LIST)]
    TooManyExamples(usize),
    #[error("examples: {0} is not an action of this organisation")]
    NotAnAction(Uuid),
    #[error("examples: action {0} was not completed with an outcome within the year")]
    NotCompleted(Uuid),
    #[error("year: must be between 2000 and 2100")]
    YearOutOfRange,
}

impl AnnualReport {
    /// A figure by key.
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key == key)
    }
}

fn figure(
    key: impl Into<String>,
    label: impl Into<String>,
    count: usize,
    of: Option<usize>,
    kind: RecordKind,
    ids: impl IntoIterator<Item = Uuid>,
) -> Figure {
    Figure {
        key: key.into(),
        label: label.into(),
        count: count as u64,
        of: of.map(|n| n as u64),
        records: ids.into_iter().map(|id| RecordRef { kind, id }).collect(),
    }
}

/// A name for an enum variant serialised in SCREAMING_SNAKE_CASE: "FOCUS_GROUP" to "focus group".
pub(super) fn words<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.to_ascii_lowercase().replace('_', " ")))
        .unwrap_or_default()
}

fn snake<T: serde::Serialize>(value: &T) -> String {
    words(value).replace(' ', "_")
}

fn completed_with_outcome(action: &ActionDoc, covered: &Period) -> Option<NaiveDate> {
    action
        .completed
        .as_ref()
        .filter(|c| covered.contains(c.completed_on) && !c.outcome.trim().is_empty())
        .map(|c| c.completed_on)
}

/// Builds the report from `inputs`, which must be scoped to the one organisation.
pub fn build(inputs: &Inputs, request: &Request) -> Result<AnnualReport, ReportError> {
    if !(2000..=2100).contains(&request.year) {
        return Err(ReportError::YearOutOfRange);
    }
    let code = request.organisation.ods_code.as_str();
    let year = Period::financial_year(request.year).ok_or(ReportError::YearOutOfRange)?;
    let covered = Period {
        from: year.from,
        to: year.to.min(request.today).max(year.from),
    };
    let mut figures = what_we_did(inputs, code, &covered);
    let groups = who_took_part(inputs, code, &covered);
    let (said, declined) = what_people_said(inputs, code, &covered);
    figures.extend(said);
    figures.extend(how_people_were_told(inputs, code, &covered));
    let (examples, candidates) = examples(inputs, request, &covered)?;
    Ok(AnnualReport {
        organisation: code.to_owned(),
        name: request.organisation.name.clone(),
        year,
        figures,
        groups,
        margin_points: inputs.margin_points,
        examples,
        candidates,
        declined,
        boards: boards(inputs, code, &covered),
        measures: scorecard(inputs, &covered),
        titles: titles(inputs),
        covered,
    })
}

/// `text` with its first letter a capital.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// What we did: the activities `code` led and held in the days covered, by kind, and the places
/// taken at them.
fn what_we_did(inputs: &Inputs, code: &str, covered: &Period) -> Vec<Figure> {
    let held: Vec<_> = inputs
        .activities
        .iter()
        .filter(|a| a.lead_organisation.as_str() == code)
        .filter_map(|a| a.held.as_ref().map(|h| (a, h)))
        .filter(|(_, h)| covered.contains(h.held_on))
        .collect();
    let mut figures = vec![figure(
        "activities_held",
        "Activities held",
        held.len(),
        None,
        RecordKind::Activity,
        held.iter().map(|(a, _)| a.id),
    )];
    let mut by_kind: BTreeMap<ActivityKind, Vec<Uuid>> = BTreeMap::new();
    for (a, _) in &held {
        by_kind.entry(a.kind).or_default().push(a.id);
    }
    for (kind, ids) in &by_kind {
        figures.push(figure(
            format!("activities.{}", snake(kind)),
            words(kind),
            ids.len(),
            None,
            RecordKind::Activity,
            ids.iter().copied(),
        ));
    }
    let people = held
        .iter()
        .flat_map(|(_, h)| {
            [
                h.attendance.patients,
                h.attendance.carers,
                h.attendance.public,
            ]
        })
        .fold(0_u64, |sum, n| sum.saturating_add(u64::from(n)));
    figures.push(figure(
        "people_taking_part",
        "Places taken by patients, carers and the public",
        usize::try_from(people).unwrap_or(usize::MAX),
        None,
        RecordKind::Activity,
        held.iter().map(|(a, _)| a.id),
    ));
    figures
}

/// Who took part: `code`'s population groups against its baseline.
fn who_took_part(inputs: &Inputs, code: &str, covered: &Period) -> Vec<GroupReach> {
    population_groups(inputs, covered)
        .into_iter()
        .filter(|(org, _)| org == code)
        .map(|(_, g)| g)
        .collect()
}

/// What people said, and what came of it: the input `code` owns raised in the days covered, its
/// top themes, how much was acted on, declined and fed back, and what was declined and why.
fn what_people_said(inputs: &Inputs, code: &str, covered: &Period) -> (Vec<Figure>, Vec<Declined>) {
    let items: Vec<_> = inputs
        .items
        .iter()
        .filter(|i| i.doc.organisation.as_str() == code && covered.contains(i.doc.raised_on))
        .map(|i| (i, i.assess(covered.to)))
        .collect();
    let raised = items.len();
    let mut figures = vec![figure(
        "items_raised",
        "Input items raised",
        raised,
        None,
        RecordKind::InputItem,
        items.iter().map(|(i, _)| i.doc.id),
    )];
    let mut themes: BTreeMap<&str, Vec<Uuid>> = BTreeMap::new();
    for (i, _) in &items {
        for theme in &i.doc.themes {
            themes.entry(theme.as_str()).or_default().push(i.doc.id);
        }
    }
    let mut themes: Vec<_> = themes.into_iter().collect();
    themes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (theme, ids) in themes.into_iter().take(TOP_THEMES) {
        figures.push(figure(
            format!("theme.{theme}"),
            theme,
            ids.len(),
            Some(raised),
            RecordKind::InputItem,
            ids,
        ));
    }
    let count_items =
        |key: &str, label: &str, keep: &dyn Fn(&crate::domain::verdict::Assessment) -> bool| {
            let ids: Vec<Uuid> = items
                .iter()
                .filter(|(_, a)| keep(a))
                .map(|(i, _)| i.doc.id)
                .collect();
            figure(
                key,
                label,
                ids.len(),
                Some(raised),
                RecordKind::InputItem,
                ids,
            )
        };
    figures.push(count_items("acted_on", "Input items acted on", &|a| {
        a.verdict == InputVerdict::ActedOn
    }));
    figures.push(count_items(
        "genuinely_acted_on",
        "Input items genuinely acted on (acted on, people told, and not decided before they were raised)",
        &|a| a.genuinely_acted_on,
    ));
    figures.push(count_items("declined", "Input items declined", &|a| {
        a.verdict == InputVerdict::Declined
    }));
    figures.push(count_items(
        "items_fed_back",
        "Input items on which people were told the outcome",
        &|a| a.loop_closed,
    ));

    let declined = items
        .iter()
        .filter(|(_, a)| a.verdict == InputVerdict::Declined)
        .filter_map(|(i, _)| {
            let decision = i
                .doc
                .decisions
                .iter()
                .rfind(|d| d.decided_on <= covered.to)?;
            Some(Declined {
                item: i.doc.id,
                summary: i.doc.summary.clone(),
                reason: decision.reason.clone(),
                decided_on: decision.decided_on,
            })
        })
        .collect();
    (figures, declined)
}

/// How people were told: feedback given in the days covered, on `code`'s items and on the
/// activities it led, by channel.
fn how_people_were_told(inputs: &Inputs, code: &str, covered: &Period) -> Vec<Figure> {
    let mut channels: BTreeMap<FeedbackChannel, Vec<RecordRef>> = BTreeMap::new();
    for i in inputs
        .items
        .iter()
        .filter(|i| i.doc.organisation.as_str() == code)
    {
        for f in i
            .doc
            .feedback
            .iter()
            .filter(|f| covered.contains(f.given_on))
        {
            channels.entry(f.channel).or_default().push(RecordRef {
                kind: RecordKind::InputItem,
                id: i.doc.id,
            });
        }
    }
    for a in inputs
        .activities
        .iter()
        .filter(|a| a.lead_organisation.as_str() == code)
    {
        for f in a.feedback.iter().filter(|f| covered.contains(f.given_on)) {
            channels.entry(f.channel).or_default().push(RecordRef {
                kind: RecordKind::Activity,
                id: a.id,
            });
        }
    }
    channels
        .into_iter()
        .map(|(channel, mut records)| {
            let count = records.len() as u64;
            records.sort_unstable();
            records.dedup();
            Figure {
                key: format!("feedback.{}", snake(&channel)),
                label: words(&channel),
                count,
                of: None,
                records,
            }
        })
        .collect()
}

/// Patient representation on `code`'s boards in being at the end of the days covered.
fn boards(inputs: &Inputs, code: &str, covered: &Period) -> Vec<BoardSeats> {
    inputs
        .boards
        .iter()
        .filter(|b| {
            b.organisation.as_str() == code
                && b.established_on <= covered.to
                && b.dissolved_on.is_none_or(|d| d > covered.to)
        })
        .map(|b| BoardSeats {
            board: b.id,
            name: b.name.clone(),
            measures: board_measures(
                &Inputs {
                    boards: std::slice::from_ref(b),
                    ..*inputs
                },
                covered,
            ),
        })
        .collect()
}
