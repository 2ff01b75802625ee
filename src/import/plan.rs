//! A checked file as the mutations that record it, in order: each with the input the API
//! takes, the happened-dates from the sheet, the id its record will have and an idempotency
//! key, both made from the organisation and the row's own reference (or, for a row without
//! one, what it says), so that importing the same file again records nothing new and a row
//! that changed is refused as different from what was imported before.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::cells::{self, Cell};
use super::choices;
use super::format::{Sheet, Takes, CHARACTERISTICS};
use super::read::{Row, Table};

mod boards;

/// One mutation of the import.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub sheet: Sheet,
    /// The row it comes from, as the spreadsheet numbers it.
    pub row: usize,
    /// The mutation, as the schema names it: `planActivity`.
    pub field: &'static str,
    pub input: Value,
    /// The id of the record it creates, if it creates one.
    pub id: Option<Uuid>,
    pub idempotency_key: String,
}

/// The id a record imported from `sheet`'s row `reference` has, for `organisation`: the same
/// on every import of the file, and unlike any other's.
pub fn record_id(organisation: &str, sheet: Sheet, reference: &str) -> Uuid {
    let digest = Sha256::digest(format!(
        "partnership-ledger import\n{organisation}\n{}\n{reference}",
        sheet.name()
    ));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// A short fingerprint of some text, for the keys of rows without a reference of their own.
fn fingerprint(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// Reading a table's rows by column name.
pub(super) struct Reader<'a> {
    pub(super) table: &'a Table,
    pub(super) row: &'a Row,
}

impl Reader<'_> {
    pub(super) fn cell(&self, column: &str) -> &Cell {
        self.table.cell(self.row, column)
    }
    pub(super) fn text(&self, column: &str) -> String {
        self.cell(column).text()
    }
    pub(super) fn day(&self, column: &str) -> Option<NaiveDate> {
        let cell = self.cell(column);
        (!cell.is_blank()).then(|| cells::day(cell).ok()).flatten()
    }
    pub(super) fn count(&self, column: &str) -> u32 {
        cells::count(self.cell(column)).unwrap_or(0)
    }
    pub(super) fn flag(&self, column: &str) -> bool {
        cells::flag(self.cell(column)).unwrap_or(false)
    }
    pub(super) fn choice(&self, column: &str) -> Option<String> {
        let takes = self.table.format.column(column)?.takes;
        let (Takes::Choice(e) | Takes::Choices(e)) = takes else {
            return None;
        };
        let text = self.text(column);
        (!text.is_empty())
            .then(|| cells::choice(&text, &choices(e)).ok())
            .flatten()
    }
    pub(super) fn choices(&self, column: &str) -> Vec<String> {
        let Some(Takes::Choices(e)) = self.table.format.column(column).map(|c| c.takes) else {
            return Vec::new();
        };
        cells::list(self.cell(column))
            .iter()
            .filter_map(|v| cells::choice(v, &choices(e)).ok())
            .collect()
    }
    pub(super) fn list(&self, column: &str) -> Vec<String> {
        cells::list(self.cell(column))
    }
}

/// The steps recording `tables` (checked, with no problem) for `organisation`.
pub fn plan(tables: &[Table], organisation: &str) -> Vec<Step> {
    let org = organisation.trim().to_ascii_uppercase();
    let mut plan = Plan {
        org,
        steps: Vec::new(),
        held_on: BTreeMap::new(),
        demographics: BTreeMap::new(),
    };
    let mut sorted: Vec<&Table> = tables.iter().collect();
    sorted.sort_by_key(|t| t.format.sheet);
    // Who took part is recorded with the activity it counts: gather it first.
    for table in sorted
        .iter()
        .filter(|t| t.format.sheet == Sheet::WhoTookPart)
    {
        for row in &table.rows {
            plan.who_took_part(&Reader { table, row });
        }
    }
    for table in sorted {
        for row in &table.rows {
            let r = Reader { table, row };
            match table.format.sheet {
                Sheet::Themes => plan.theme(&r),
                Sheet::Activities => plan.activity(&r),
                Sheet::WhoTookPart => {}
                Sheet::InputItems => plan.input(&r),
                Sheet::Actions => plan.action(&r),
                Sheet::Progress => plan.progress(&r),
                Sheet::Feedback => plan.feedback(&r),
                other => boards::row(&mut plan, other, &r),
            }
        }
    }
    closed_last(plan.steps)
}

/// Steps that close a record, and the sheet whose rows, dated while it was open, come first:
/// an action's progress notes before it is completed or abandoned, the meetings a member
/// attended before their appointment ended.
const CLOSING: [(&str, Sheet); 3] = [
    ("completeAction", Sheet::Progress),
    ("abandonAction", Sheet::Progress),
    ("endAppointment", Sheet::Meetings),
];

/// `steps` with each closing step moved after the sheet that must come before it.
fn closed_last(steps: Vec<Step>) -> Vec<Step> {
    let (mut closing, mut steps): (Vec<Step>, Vec<Step>) = steps
        .into_iter()
        .partition(|s| CLOSING.iter().any(|(field, _)| *field == s.field));
    for (field, after) in CLOSING.iter().rev() {
        let these: Vec<Step> = closing.extract_if(.., |s| s.field == *field).collect();
        let at = steps
            .iter()
            .position(|s| s.sheet > *after)
            .unwrap_or(steps.len());
        steps.splice(at..at, these);
    }
    steps
}

/// The steps so far, and what later rows need of earlier ones.
pub(super) struct Plan {
    pub(super) org: String,
    pub(super) steps: Vec<Step>,
    /// Each activity's held day, the day its input was raised when the sheet gives none.
    held_on: BTreeMap<String, NaiveDate>,
    /// Each activity's counts by characteristic: the API's field name, then group and count.
    demographics: BTreeMap<String, BTreeMap<&'static str, Vec<Value>>>,
}

impl Plan {
    /// A step of `r`'s row; `what` names it within the row for its key, and `creates` is the
    /// reference of the record it creates, if any.
    pub(super) fn step(
        &mut self,
        r: &Reader<'_>,
        field: &'static str,
        what: &str,
        creates: Option<&str>,
        input: Value,
    ) {
        let sheet = r.table.format.sheet;
        let own = r
            .table
            .format
            .columns
            .iter()
            .find(|c| c.takes == Takes::Own)
            .map(|c| r.text(c.name));
        // A row without a reference of its own is known by what it says.
        let reference = own.unwrap_or_else(|| fingerprint(&input.to_string()));
        self.steps.push(Step {
            sheet,
            row: r.row.number,
            field,
            id: creates.map(|reference| record_id(&self.org, sheet, reference)),
            idempotency_key: format!("import:{}:{}:{reference}:{what}", self.org, sheet.name()),
            input,
        });
    }

    /// The id of the record `sheet`'s row `reference` created.
    pub(super) fn id(&self, sheet: Sheet, reference: &str) -> String {
        record_id(&self.org, sheet, reference).to_string()
    }

    pub(super) fn ids(&self, sheet: Sheet, references: &[String]) -> Vec<String> {
        references.iter().map(|r| self.id(sheet, r)).collect()
    }

    fn theme(&mut self, r: &Reader<'_>) {
        let input = json!({ "odsCode": self.org, "name": r.text("Theme") });
        self.step(r, "addTheme", "add", None, input);
    }

    fn who_took_part(&mut self, r: &Reader<'_>) {
        let Some(characteristic) = r.choice("Characteristic") else {
            return;
        };
        let field = CHARACTERISTICS
            .iter()
            .find(|(c, _)| *c == characteristic)
            .map_or("ageBand", |(_, f)| *f);
        self.demographics
            .entry(r.text("Activity ref"))
            .or_default()
            .entry(field)
            .or_default()
            .push(json!({ "category": r.text("Group"), "count": r.count("Count") }));
    }

    fn activity(&mut self, r: &Reader<'_>) {
        let reference = r.text("Activity ref");
        let id = self.id(Sheet::Activities, &reference);
        let planned = r.day("Planned on");
        let input = json!({
            "kind": r.choice("Kind"), "title": r.text("Title"), "topic": r.text("Topic"),
            "leadOrganisation": self.org,
            "partnerOrganisations": r.list("Partner organisations")
                .iter().map(|c| c.to_ascii_uppercase()).collect::<Vec<_>>(),
            "principles": r.choices("Principles"), "plannedOn": planned,
        });
        self.step(r, "planActivity", "plan", Some(&reference), input);
        if let Some(published) = r.day("Information published on") {
            let input = json!({ "activityId": id, "publishedOn": published,
                                "accessibleFormats": r.choices("Accessible formats") });
            self.step(r, "recordInformationPublished", "published", None, input);
        }
        if let Some(held) = r.day("Held on") {
            self.held_on.insert(reference.clone(), held);
            let mut demographics = Map::new();
            for (_, field) in CHARACTERISTICS {
                let counted = self
                    .demographics
                    .get(&reference)
                    .and_then(|d| d.get(field))
                    .cloned()
                    .unwrap_or_default();
                demographics.insert(field.to_owned(), Value::Array(counted));
            }
            let input = json!({
                "activityId": id, "heldOn": held,
                "attendance": { "patients": r.count("Patients"), "carers": r.count("Carers"),
                                "public": r.count("Public"), "staff": r.count("Staff") },
                "demographics": demographics,
                "beforePlannedDate": planned.is_some_and(|p| held < p),
            });
            self.step(r, "recordActivityHeld", "held", None, input);
        }
        if let Some(cancelled) = r.day("Cancelled on") {
            let input = json!({ "activityId": id, "cancelledOn": cancelled,
                                "reason": r.text("Cancellation reason") });
            self.step(r, "cancelActivity", "cancel", None, input);
        }
    }

    fn input(&mut self, r: &Reader<'_>) {
        let reference = r.text("Input ref");
        let activity = r.text("Activity ref");
        let raised = r
            .day("Raised on")
            .or_else(|| self.held_on.get(&activity).copied());
        let input = json!({
            "activityId": self.id(Sheet::Activities, &activity), "kind": r.choice("Kind"),
            "summary": r.text("Summary"), "themes": r.list("Themes"),
            "raisedBy": r.choice("Raised by"), "raisedOn": raised,
        });
        self.step(r, "recordInputItem", "record", Some(&reference), input);
        if let Some(outcome) = r.choice("Decision") {
            let referred = r.text("Referred to").to_ascii_uppercase();
            let input = json!({
                "inputItemId": self.id(Sheet::InputItems, &reference), "outcome": outcome,
                "reason": r.text("Reason"), "decidedOn": r.day("Decided on"),
                "referredTo": (!referred.is_empty()).then_some(referred),
            });
            self.step(r, "decideInputItem", "decide", None, input);
        }
    }

    fn action(&mut self, r: &Reader<'_>) {
        let reference = r.text("Action ref");
        let id = self.id(Sheet::Actions, &reference);
        let input = json!({
            "title": r.text("Title"), "ownerOrganisation": self.org,
            "ownerRole": r.text("Owner role"), "decisionForum": r.text("Decision forum"),
            "dueOn": r.day("Due on"), "proposedOn": r.day("Proposed on"),
            "inputItemIds": self.ids(Sheet::InputItems, &r.list("Input refs")),
        });
        self.step(r, "proposeAction", "propose", Some(&reference), input);
        if let Some(agreed) = r.day("Agreed on") {
            let input = json!({ "actionId": id, "agreedOn": agreed });
            self.step(r, "agreeAction", "agree", None, input);
        }
        if let Some(completed) = r.day("Completed on") {
            let input = json!({ "actionId": id, "completedOn": completed,
                                "outcome": r.text("Outcome"), "evidence": r.text("Evidence") });
            self.step(r, "completeAction", "complete", None, input);
        }
        if let Some(abandoned) = r.day("Abandoned on") {
            let input = json!({ "actionId": id, "abandonedOn": abandoned,
                                "reason": r.text("Abandon reason") });
            self.step(r, "abandonAction", "abandon", None, input);
        }
    }

    fn progress(&mut self, r: &Reader<'_>) {
        let input = json!({ "actionId": self.id(Sheet::Actions, &r.text("Action ref")),
                            "recordedOn": r.day("Recorded on"), "note": r.text("Note") });
        self.step(r, "recordActionProgress", "progress", None, input);
    }

    fn feedback(&mut self, r: &Reader<'_>) {
        let given = json!({ "givenOn": r.day("Given on"), "channel": r.choice("Channel"),
                            "summary": r.text("Summary") });
        let (field, key, id) = match r.text("Input ref") {
            item if !item.is_empty() => (
                "recordInputFeedback",
                "inputItemId",
                self.id(Sheet::InputItems, &item),
            ),
            _ => (
                "recordActivityFeedback",
                "activityId",
                self.id(Sheet::Activities, &r.text("Activity ref")),
            ),
        };
        let mut input = given;
        input[key] = json!(id);
        self.step(r, field, "feedback", None, input);
    }
}
