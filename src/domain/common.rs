//! Value types shared by every aggregate: identifiers, vocabularies and bounded text.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Rules on the shape of an input's fields were broken: each field at fault and what is wrong
/// with it, in the order of the input's fields. Names fields, never their values.
///
/// Shown as `field: problem`, several joined by `; `, so that one answer names every fault of
/// an input and a client can fix them all before sending it again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct FieldError {
    /// Each field at fault (as the API names it, for example `summary`) and what is wrong with
    /// it; never empty.
    faults: Vec<(&'static str, String)>,
}

impl FieldError {
    /// A fault in one field.
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        Self {
            faults: vec![(field, problem.into())],
        }
    }

    /// These faults followed by `later`'s (a field further on in the input).
    pub fn and(mut self, later: FieldError) -> Self {
        self.faults.extend(later.faults);
        self
    }

    /// Each field at fault and its problem, in order.
    pub fn faults(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.faults.iter().map(|(f, p)| (*f, p.as_str()))
    }

    fn describe(&self) -> String {
        self.faults()
            .map(|(field, problem)| format!("{field}: {problem}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// An organisation's ODS code (for example `QMJ` or `A81001`): the tenancy boundary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OdsCode(String);

impl OdsCode {
    /// Parses an ODS code: 3 to 10 letters and digits, stored upper-case.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim().to_ascii_uppercase();
        if !(3..=10).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(FieldError::new(
                field,
                "must be an ODS code of 3 to 10 letters and digits",
            ));
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks free text against a maximum length in characters, trimmed; `required` refuses empty text.
pub fn bounded_text(
    field: &'static str,
    raw: &str,
    max_chars: usize,
    required: bool,
) -> Result<String, FieldError> {
    let text = raw.trim();
    if required && text.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(FieldError::new(
            field,
            format!("is {chars} characters long; the limit is {max_chars}"),
        ));
    }
    Ok(text.to_owned())
}

/// Length limits for free text, in characters.
pub mod limits {
    /// Titles and names.
    pub const TITLE: usize = 200;
    /// Summaries, reasons, explanations, outcomes.
    pub const TEXT: usize = 4_000;
    /// One theme or category label.
    pub const LABEL: usize = 60;
    /// How many themes or list entries one record may carry.
    pub const LIST: usize = 20;
    /// How many appointments one meeting's attendance may name: every seat a board may have
    /// (50 a role, five roles).
    pub const ATTENDEES: usize = 250;
    /// The most people one head count (attendance by role, or a demographic category) may
    /// record: more than any activity holds, and small enough that sums never overflow.
    pub const HEAD_COUNT: u32 = 1_000_000;
}

/// What kind of body an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganisationKind {
    IntegratedCareBoard,
    NhsTrust,
    GpPractice,
    PrimaryCareNetwork,
    Healthwatch,
    Vcse,
    LocalAuthority,
    Other,
}

/// The kind of an engagement or co-production activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityKind {
    FocusGroup,
    CoDesignWorkshop,
    PatientPanel,
    PpgMeeting,
    Survey,
    ListeningEvent,
    PublicConsultation,
    Other,
}

/// The Patients Association's six principles of patient partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Principle {
    Equals,
    Informed,
    SharedDecisions,
    Inequalities,
    SeekingInput,
    JoiningServices,
}

/// Formats in which information was offered to participants (principle 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessibleFormat {
    EasyRead,
    LargePrint,
    Braille,
    Audio,
    BritishSignLanguage,
    Translation,
    Other,
}

/// Who raised an input item: a category, never a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RaisedBy {
    Patient,
    Carer,
    Public,
    Group,
}

/// What sort of input an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InputKind {
    Recommendation,
    Concern,
    Idea,
    Experience,
}

/// The decision taken on an input item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DecisionOutcome {
    Accepted,
    Declined,
    AlreadyInPlace,
    Referred,
}

/// How participants were told what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeedbackChannel {
    Meeting,
    Email,
    Letter,
    Newsletter,
    Website,
    SocialMedia,
    Phone,
    Other,
}

/// Attendance at a held activity, counted by role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub patients: u32,
    pub carers: u32,
    pub public: u32,
    pub staff: u32,
}

/// Aggregate demographic counts taken when an activity was held, so reach never drifts later.
/// Each map goes from a category label (for example `"18-24"` or `"Q1"`) to a head count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemographicSnapshot {
    pub age_band: BTreeMap<String, u32>,
    pub sex: BTreeMap<String, u32>,
    pub ethnic_group: BTreeMap<String, u32>,
    pub deprivation_quintile: BTreeMap<String, u32>,
    pub disability: BTreeMap<String, u32>,
}

/// A date something happened, as given by the user.
pub type OccurredOn = NaiveDate;

/// An event that says on which day it happened (not when it was recorded), where it says one.
pub trait Happened {
    /// The day the event happened, if it names one.
    fn happened_on(&self) -> Option<NaiveDate>;
}
