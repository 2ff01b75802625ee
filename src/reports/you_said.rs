//! "You said, we did" for an organisation or one activity: each input item, the decision on it,
//! what was done, the outcome, and when the people who raised it were told. As CSV, and as a
//! page that prints well.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::annual::words;
use super::page::{Block, Inline, Page};
use super::spreadsheet;
use super::Documents;
use crate::projections::scorecard::{RecordKind, RecordRef};

/// One input item and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub activity_id: Uuid,
    pub activity: String,
    pub held_on: Option<NaiveDate>,
    pub input_item_id: Uuid,
    pub raised_on: NaiveDate,
    pub you_said: String,
    pub themes: String,
    pub decision: String,
    pub reason: String,
    pub decided_on: Option<NaiveDate>,
    pub we_did: String,
    pub outcome: String,
    pub completed_on: Option<NaiveDate>,
    /// When the people who raised it were told the outcome (the loop closed).
    pub told_on: Option<NaiveDate>,
    pub verdict: String,
}

/// The days input was raised on that a "you said, we did" covers: from one day, to one day,
/// both (each included), or every day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Raised {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Raised {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }

    /// The days in words, for a title: "raised 1 April 2026 to 30 June 2026"; empty for every day.
    pub fn said(&self) -> String {
        let long = |d: NaiveDate| d.format("%-d %B %Y").to_string();
        match (self.from, self.to) {
            (Some(from), Some(to)) => format!("raised {} to {}", long(from), long(to)),
            (Some(from), None) => format!("raised from {}", long(from)),
            (None, Some(to)) => format!("raised up to {}", long(to)),
            (None, None) => String::new(),
        }
    }
}

/// The rows for `organisation`'s input (at `activity` only, when given) raised on the days
/// `raised` covers, as of `today`, oldest first.
pub fn rows(
    docs: &Documents,
    organisation: &str,
    activity: Option<Uuid>,
    raised: Raised,
    today: NaiveDate,
) -> Vec<Row> {
    let mut rows: Vec<Row> = docs
        .items
        .iter()
        .filter(|i| i.doc.organisation.as_str() == organisation)
        .filter(|i| activity.is_none_or(|a| i.doc.activity_id == a))
        .filter(|i| raised.contains(i.doc.raised_on))
        .map(|i| {
            let a = i.assess(today);
            let found = docs.activities.iter().find(|x| x.id == i.doc.activity_id);
            let decision = i.doc.decisions.iter().rfind(|d| d.decided_on <= today);
            let done: Vec<_> = i
                .actions
                .iter()
                .filter_map(|x| x.completed.as_ref().map(|c| (x, c)))
                .filter(|(_, c)| c.completed_on <= today)
                .collect();
            Row {
                activity_id: i.doc.activity_id,
                activity: found.map(|x| x.title.clone()).unwrap_or_default(),
                held_on: found.and_then(|x| x.held.as_ref().map(|h| h.held_on)),
                input_item_id: i.doc.id,
                raised_on: i.doc.raised_on,
                you_said: i.doc.summary.clone(),
                themes: i.doc.themes.join("; "),
                decision: decision.map(|d| words(&d.outcome)).unwrap_or_default(),
                reason: decision.map(|d| d.reason.clone()).unwrap_or_default(),
                decided_on: decision.map(|d| d.decided_on),
                we_did: i
                    .actions
                    .iter()
                    .map(|x| x.title.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                outcome: done
                    .iter()
                    .map(|(_, c)| c.outcome.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                completed_on: done.iter().map(|(_, c)| c.completed_on).max(),
                told_on: a.loop_closed_on,
                verdict: words(&a.verdict),
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.raised_on, r.input_item_id));
    rows
}

/// The rows as CSV, with a header, safe to open in a spreadsheet.
pub fn csv(rows: &[Row]) -> anyhow::Result<String> {
    spreadsheet::csv_file(
        &[
            "activity_id",
            "activity",
            "held_on",
            "input_item_id",
            "raised_on",
            "you_said",
            "themes",
            "decision",
            "reason",
            "decided_on",
            "we_did",
            "outcome",
            "completed_on",
            "told_on",
            "verdict",
        ],
        rows,
    )
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_default()
}

/// The rows as a page: one table, each item opening to its record.
pub fn page(title: &str, rows: &[Row]) -> Page {
    let mut page = Page {
        title: format!("You said, we did: {title}"),
        ..Page::default()
    };
    if rows.is_empty() {
        page.push(Block::Paragraph(vec![Inline::Text(
            "No input has been recorded.".into(),
        )]));
        return page;
    }
    let body = rows
        .iter()
        .map(|r| {
            let said = page.figure(
                r.you_said.clone(),
                &[RecordRef {
                    kind: RecordKind::InputItem,
                    id: r.input_item_id,
                }],
            );
            vec![
                vec![Inline::Text(format!("{} ({})", r.activity, day(r.held_on)))],
                vec![said],
                vec![Inline::Text(if r.reason.is_empty() {
                    r.decision.clone()
                } else {
                    format!("{}: {}", r.decision, r.reason)
                })],
                vec![Inline::Text(r.we_did.clone())],
                vec![Inline::Text(if r.outcome.is_empty() {
                    String::new()
                } else {
                    format!("{} ({})", r.outcome, day(r.completed_on))
                })],
                vec![Inline::Text(day(r.told_on))],
            ]
        })
        .collect();
    page.push(Block::Table {
        header: [
            "Where",
            "You said",
            "We decided",
            "We did",
            "Outcome",
            "You were told",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: body,
    });
    page
}
