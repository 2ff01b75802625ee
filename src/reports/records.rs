//! An organisation's records written out in the import's own format ([`super::sheets`]): a sheet
//! per kind of record, each row naming the rows it refers to by the record's id, so that the
//! workbook imports back into another ledger as the same history. Each record is written as it
//! stands now (its current title, decision and due day), with the days things happened.
//! Participants are written by reference, named (with their email and phone) only from the
//! [`Details`] the caller opened for a reader who may see them.
//!
//! [`tables`] reads them; [`xlsx`] and [`csv`] write them, and [`file`] answers a download.

mod boards;
mod write;

pub use write::{csv, file, to_file, xlsx, Asked, RecordsError, RecordsFile, RecordsFormat, XLSX};

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::sheets::{
    in_words, value_in_words as words, Sheet, CHARACTERISTICS, EXPORTED_ONLY, SHEETS,
};
use crate::domain::common::DemographicSnapshot;
use crate::domain::participant::PersonalDetails;
use crate::projections::read::{self, ItemFilter};
use crate::store::Db;

/// Participants' names and contact details, by their id, for a reader who may see them.
pub type Details = std::collections::HashMap<uuid::Uuid, PersonalDetails>;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Day(NaiveDate),
    Number(u32),
    /// A figure that may have a fraction: a percentage, a median.
    Figure(f64),
    Flag(bool),
}

impl Value {
    /// The value as a CSV file writes it: days as `2026-01-15`, flags as `Yes` or `No`.
    pub fn text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Day(d) => d.format("%Y-%m-%d").to_string(),
            Self::Number(n) => n.to_string(),
            Self::Figure(f) => f.to_string(),
            Self::Flag(f) => if *f { "Yes" } else { "No" }.to_owned(),
        }
    }
}

/// A sheet written out: its name, its header and its rows, each cell under its column (a
/// blank cell is `None`).
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Option<Value>>>,
}

/// A row being filled in by column name.
#[derive(Default)]
struct Row(BTreeMap<&'static str, Value>);

impl Row {
    fn text(mut self, column: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.0.insert(column, Value::Text(value));
        }
        self
    }
    fn day(mut self, column: &'static str, value: Option<NaiveDate>) -> Self {
        if let Some(day) = value {
            self.0.insert(column, Value::Day(day));
        }
        self
    }
    fn number(mut self, column: &'static str, value: u32) -> Self {
        self.0.insert(column, Value::Number(value));
        self
    }
    fn flag(mut self, column: &'static str, value: bool) -> Self {
        self.0.insert(column, Value::Flag(value));
        self
    }
    /// An API enum value in words: `FOCUS_GROUP` as "Focus group".
    fn choice(self, column: &'static str, value: &impl serde::Serialize) -> Self {
        self.text(column, words(value))
    }
    fn choices<T: serde::Serialize>(self, column: &'static str, values: &[T]) -> Self {
        let listed: Vec<String> = values.iter().map(words).collect();
        self.text(column, listed.join("; "))
    }
    fn list(self, column: &'static str, values: impl IntoIterator<Item = String>) -> Self {
        self.text(column, values.into_iter().collect::<Vec<_>>().join("; "))
    }
}

/// The tables being filled, a sheet each, in the format's order.
struct Book(BTreeMap<Sheet, Vec<Row>>);

impl Book {
    fn add(&mut self, sheet: Sheet, row: Row) {
        self.0.entry(sheet).or_default().push(row);
    }

    fn tables(mut self) -> Vec<Table> {
        SHEETS
            .iter()
            .map(|format| {
                let rows = self.0.remove(&format.sheet).unwrap_or_default();
                // The template's columns, then what the export adds to the sheet.
                let header: Vec<&str> = format
                    .columns
                    .iter()
                    .map(|c| c.name)
                    .chain(
                        EXPORTED_ONLY
                            .iter()
                            .filter(|(sheet, _)| *sheet == format.sheet)
                            .map(|(_, column)| *column),
                    )
                    .collect();
                Table {
                    name: format.name.to_owned(),
                    rows: rows
                        .into_iter()
                        .map(|mut row| header.iter().map(|c| row.0.remove(c)).collect())
                        .collect(),
                    header: header.into_iter().map(str::to_owned).collect(),
                }
            })
            .collect()
    }
}

/// `organisation`'s records as the import's sheets, with each input item's verdict as of
/// `as_of` beside it.
pub async fn tables(
    db: &Db,
    organisation: &str,
    as_of: NaiveDate,
    details: &Details,
) -> anyhow::Result<Vec<Table>> {
    let codes = [organisation.to_owned()];
    let mut book = Book(BTreeMap::new());
    if let Some(doc) = read::organisation(db, organisation).await? {
        for theme in doc.themes.themes {
            book.add(Sheet::Themes, Row::default().text("Theme", theme));
        }
    }
    for (activity, _) in read::activities(db, Some(&codes)).await? {
        if activity.lead_organisation.as_str() != organisation {
            continue;
        }
        let id = activity.id.to_string();
        let published = activity.information_published.last();
        let mut row = Row::default()
            .text("Activity ref", &id)
            .text("Title", &activity.title)
            .choice("Kind", &activity.kind)
            .text("Topic", &activity.topic)
            .choices("Principles", &activity.principles)
            .list(
                "Partner organisations",
                activity
                    .partner_organisations
                    .iter()
                    .map(|c| c.as_str().to_owned()),
            )
            .day("Planned on", Some(activity.planned_on))
            .day(
                "Information published on",
                published.map(|p| p.published_on),
            )
            .choices(
                "Accessible formats",
                published.map_or(&[][..], |p| &p.accessible_formats),
            );
        if let Some(held) = &activity.held {
            let a = &held.attendance;
            row = row
                .day("Held on", Some(held.held_on))
                .number("Patients", a.patients)
                .number("Carers", a.carers)
                .number("Public", a.public)
                .number("Staff", a.staff);
            for (characteristic, group, count) in demographics(&held.demographics) {
                book.add(
                    Sheet::WhoTookPart,
                    Row::default()
                        .text("Activity ref", &id)
                        .text("Characteristic", in_words(characteristic))
                        .text("Group", group)
                        .number("Count", count),
                );
            }
        }
        if let Some(cancelled) = &activity.cancelled {
            row = row
                .day("Cancelled on", Some(cancelled.on))
                .text("Cancellation reason", &cancelled.text);
        }
        book.add(Sheet::Activities, row);
        for feedback in &activity.feedback {
            book.add(
                Sheet::Feedback,
                Row::default()
                    .text("Activity ref", &id)
                    .day("Given on", Some(feedback.given_on))
                    .choice("Channel", &feedback.channel)
                    .text("Summary", &feedback.summary),
            );
        }
    }
    let filter = ItemFilter {
        organisation: Some(organisation.to_owned()),
        ..ItemFilter::default()
    };
    for item in read::input_items(db, Some(&codes), &filter).await? {
        let doc = &item.doc;
        if doc.organisation.as_str() != organisation || doc.withdrawn.is_some() {
            continue;
        }
        let id = doc.id.to_string();
        let mut row = Row::default()
            .text("Input ref", &id)
            .text("Activity ref", doc.activity_id.to_string())
            .choice("Kind", &doc.kind)
            .text("Summary", &doc.summary)
            .list("Themes", doc.themes.iter().cloned())
            .choice("Raised by", &doc.raised_by)
            .day("Raised on", Some(doc.raised_on));
        if let Some(decision) = doc
            .decisions
            .iter()
            .rfind(|d| d.decided_by == doc.organisation)
        {
            row = row
                .choice("Decision", &decision.outcome)
                .day("Decided on", Some(decision.decided_on))
                .text("Reason", &decision.reason)
                .text(
                    "Referred to",
                    decision
                        .referred_to
                        .as_ref()
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default(),
                );
        }
        let verdict = item.dates().assess(as_of).verdict;
        row = row
            .choice("Verdict", &verdict)
            .day("Verdict as of", Some(as_of));
        book.add(Sheet::InputItems, row);
        for feedback in &doc.feedback {
            book.add(
                Sheet::Feedback,
                Row::default()
                    .text("Input ref", &id)
                    .day("Given on", Some(feedback.given_on))
                    .choice("Channel", &feedback.channel)
                    .text("Summary", &feedback.summary),
            );
        }
    }
    for (action, _) in read::actions(db, Some(&codes)).await? {
        if action.owner_organisation.as_str() != organisation {
            continue;
        }
        let id = action.id.to_string();
        let due = action
            .due_changes
            .last()
            .map_or(action.first_due_on, |c| c.due_on);
        let mut row = Row::default()
            .text("Action ref", &id)
            .text("Title", &action.title)
            .text("Owner role", &action.owner_role)
            .text("Decision forum", &action.decision_forum)
            .list(
                "Input refs",
                action.input_items.iter().map(ToString::to_string),
            )
            .day("Proposed on", Some(action.proposed_on))
            .day("Due on", Some(due))
            .day("Agreed on", action.agreed_on);
        if let Some(completed) = &action.completed {
            row = row
                .day("Completed on", Some(completed.completed_on))
                .text("Outcome", &completed.outcome)
                .text("Evidence", &completed.evidence);
        }
        if let Some(abandoned) = &action.abandoned {
            row = row
                .day("Abandoned on", Some(abandoned.on))
                .text("Abandon reason", &abandoned.text);
        }
        book.add(Sheet::Actions, row);
        for note in read::action_progress(db, action.id).await? {
            book.add(
                Sheet::Progress,
                Row::default()
                    .text("Action ref", &id)
                    .day("Recorded on", Some(note.on))
                    .text("Note", note.text),
            );
        }
    }
    boards::boards(db, &codes, &mut book, details).await?;
    Ok(book.tables())
}

/// Each characteristic's groups and counts, as the "Who took part" sheet has them.
fn demographics(snapshot: &DemographicSnapshot) -> Vec<(&'static str, String, u32)> {
    let by_field = [
        ("ageBand", &snapshot.age_band),
        ("sex", &snapshot.sex),
        ("ethnicGroup", &snapshot.ethnic_group),
        ("deprivationQuintile", &snapshot.deprivation_quintile),
        ("disability", &snapshot.disability),
    ];
    let mut rows = Vec::new();
    for (characteristic, field) in CHARACTERISTICS {
        if let Some((_, counts)) = by_field.iter().find(|(f, _)| *f == field) {
            for (group, count) in counts.iter() {
                rows.push((characteristic, group.clone(), *count));
            }
        }
    }
    rows
}
