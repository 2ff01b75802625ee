//! A form's journey: the questions, then "check your answers", then one mutation, then the
//! record's page with a note of what was saved. Every form of the pages runs this way.
//!
//! - `GET` the form's address shows its questions (filled from the address's query, which is
//!   how "Change" on the check page leads back with the answers kept).
//! - `POST` it: the page's own checks; problems show the questions again with an error
//!   summary, otherwise the answers are shown to check, with a fresh idempotency key.
//! - `POST` its `/confirm`: the mutation runs, as the signed-in person, with that key, so a
//!   second post (a double click, the back button, a retry) records nothing more. A refusal
//!   shows the questions again with the API's problems by the fields they name.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};

use super::{input_of, problems, refused, Field, Kind, Problem, Sent};
use crate::api::AppState;
use crate::web::client::{run, Operation};
use crate::web::failure::Failure;
use crate::web::page::{render, Chrome, Section};
use crate::web::signed_in::SignedIn;

/// One form's journey.
pub struct Flow {
    /// The question page's heading: "Plan an activity".
    pub title: String,
    /// What the form is about, above the heading: the activity's title, say.
    pub caption: String,
    /// The form's address.
    pub action: String,
    /// Where "Back" leads.
    pub back: String,
    pub section: Section,
    pub fields: Vec<Field>,
    /// Input the form does not ask for: the record's id, the organisation.
    pub fixed: serde_json::Map<String, Value>,
    /// The mutation, taking `$input`.
    pub operation: Operation,
    /// The check page's button: "Plan the activity".
    pub confirm: &'static str,
    /// Where to go once saved, and the note shown there.
    pub done: Done,
    /// The answers the questions show when first opened: none for a new record, what the
    /// record says now for a correction that replaces a whole list or count.
    pub initial: Sent,
}

/// A form about one record, saved back to the record's page: the part of its address after
/// the record's, and the rest of its [`Flow`].
pub struct About {
    pub tail: &'static str,
    pub title: &'static str,
    pub fields: Vec<Field>,
    pub operation: Operation,
    pub confirm: &'static str,
    pub note: &'static str,
}

impl About {
    /// The form for the record at `page` (its address), titled `caption`, whose id the
    /// mutation takes as `id_field`.
    pub fn flow(
        self,
        page: String,
        caption: String,
        id_field: &'static str,
        id: &str,
        section: Section,
    ) -> Flow {
        let mut fixed = serde_json::Map::new();
        fixed.insert(id_field.into(), json!(id));
        Flow {
            title: self.title.to_owned(),
            caption,
            action: format!("{page}/{}", self.tail),
            back: page,
            section,
            fields: self.fields,
            fixed,
            operation: self.operation,
            confirm: self.confirm,
            done: Done::Back(self.note),
            initial: Sent::default(),
        }
    }
}

/// Where a form leads once saved.
pub enum Done {
    /// Back to where "Back" leads (the record's page), with a note.
    Back(&'static str),
    /// To the record the mutation made, whose id is at `field.record.id` in its answer, at
    /// `path/<id>`, with a note.
    Created {
        field: &'static str,
        record: &'static str,
        path: &'static str,
        note: &'static str,
    },
}

impl Done {
    fn place(&self, back: &str, data: &Value) -> (String, &'static str) {
        match self {
            Self::Back(note) => (back.to_owned(), note),
            Self::Created {
                field,
                record,
                path,
                note,
            } => {
                let id = data[field][record]["id"].as_str().unwrap_or_default();
                (format!("{path}/{id}"), note)
            }
        }
    }
}

pub struct ChoiceView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// A question as the page draws it (`web/templates/field.html`).
pub struct FieldView {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub kind: &'static str,
    pub value: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub error: Option<String>,
    pub choices: Vec<ChoiceView>,
}

impl FieldView {
    /// The ids the field's hint and error have, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }

    /// The design system's name for a choice question's group: radios or checkboxes.
    pub fn group(&self) -> &'static str {
        if self.kind == "one" {
            "radios"
        } else {
            "checkboxes"
        }
    }

    /// A choice's input type.
    pub fn input_type(&self) -> &'static str {
        if self.kind == "one" {
            "radio"
        } else {
            "checkbox"
        }
    }

    /// A date's three inputs: name, label, width and value.
    pub fn date_parts(&self) -> [(&'static str, &'static str, &'static str, &str); 3] {
        [
            ("day", "Day", "2", self.day.as_str()),
            ("month", "Month", "2", self.month.as_str()),
            ("year", "Year", "4", self.year.as_str()),
        ]
    }

    /// The id of the field's first input, which the error summary links to.
    pub fn first_id(&self) -> String {
        match self.kind {
            "date" => format!("{}-day", self.name),
            "one" | "many" | "counts" => self
                .choices
                .first()
                .map_or_else(|| self.name.clone(), |c| c.id.clone()),
            _ => self.name.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    chrome: Chrome,
    title: String,
    caption: String,
    action: String,
    back: String,
    fields: Vec<FieldView>,
    /// Problems with the form as a whole, and each field's, for the summary.
    problems: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    chrome: Chrome,
    caption: String,
    action: String,
    back: String,
    rows: Vec<(String, String, String)>,
    carried: Vec<(String, String)>,
    idempotency_key: String,
    confirm: &'static str,
}

impl Flow {
    /// The questions, filled with `sent`, with `problems` shown.
    pub fn show(&self, who: &SignedIn, sent: &Sent, problems: &[Problem]) -> Response {
        let fields = self
            .fields
            .iter()
            .map(|field| view_of(field, "", sent, problems))
            .collect::<Vec<_>>();
        let summary = problems
            .iter()
            .map(|p| {
                let target = fields
                    .iter()
                    .find(|f| f.name == p.field)
                    .map_or_else(|| "main".to_owned(), FieldView::first_id);
                (target, p.message.clone())
            })
            .collect();
        let mut chrome = who.chrome(self.title.clone(), self.section);
        chrome.has_errors = !problems.is_empty();
        let page = render(&FormPage {
            chrome,
            title: self.title.clone(),
            caption: self.caption.clone(),
            action: self.action.clone(),
            back: self.back.clone(),
            fields,
            problems: summary,
        });
        if problems.is_empty() {
            page
        } else {
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }

    /// The answers sent: the questions again with their problems, or the answers to check.
    pub fn review(&self, who: &SignedIn, sent: &Sent) -> Response {
        let found = problems(&self.fields, sent);
        if !found.is_empty() {
            return self.show(who, sent, &found);
        }
        let carried: Vec<(String, String)> = sent.of_fields(&self.fields).cloned().collect();
        let query = serde_urlencoded::to_string(&carried).unwrap_or_default();
        let rows = self
            .fields
            .iter()
            .map(|field| {
                (
                    field.label.clone(),
                    answer_of(field, sent),
                    format!(
                        "{}?{query}#{}",
                        self.action,
                        view_of(field, "", sent, &[]).first_id()
                    ),
                )
            })
            .collect();
        render(&CheckPage {
            chrome: who.chrome("Check your answers", self.section),
            caption: self.caption.clone(),
            action: format!("{}/confirm", self.action),
            back: format!("{}?{query}", self.action),
            rows,
            carried,
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            confirm: self.confirm,
        })
    }

    /// The checked answers, saved: the record's page with a note, or the questions again with
    /// what the API refused.
    pub async fn commit(&self, state: &AppState, who: &SignedIn, sent: &Sent) -> Response {
        let found = problems(&self.fields, sent);
        if !found.is_empty() {
            return self.show(who, sent, &found);
        }
        let mut input = self.fixed.clone();
        super::merge(&mut input, input_of(&self.fields, sent));
        let key = sent.one("idempotency_key");
        if !key.is_empty() {
            input.insert("idempotencyKey".into(), json!(key));
        }
        let answer = run::<Value>(state, who, self.operation, json!({ "input": input })).await;
        match answer {
            Ok(data) => {
                let (to, note) = self.done.place(&self.back, &data);
                if let Err(error) = super::super::session::set_note(&who.session, note).await {
                    tracing::warn!(error = %error, "could not keep a note for the next page");
                }
                Redirect::to(&to).into_response()
            }
            Err(refusal) if matches!(refusal.code.as_str(), "VALIDATION" | "CONFLICT") => {
                self.show(who, sent, &refused(&self.fields, &refusal.message))
            }
            Err(refusal) => Failure::from(refusal).into_response(),
        }
    }
}

/// `field` as the page draws it, named `prefix` then its name (the prefix tells apart the
/// same question asked of several things on one page), filled from `sent`, with its problem.
pub fn view_of(field: &Field, prefix: &str, sent: &Sent, problems: &[Problem]) -> FieldView {
    let name = format!("{prefix}{}", field.name);
    let part = |p: &str| sent.one(&format!("{name}-{p}")).to_owned();
    let chosen = sent.all(&name);
    let choices = match &field.kind {
        Kind::One(choices) | Kind::Many(choices) => choices
            .iter()
            .enumerate()
            .map(|(i, c)| ChoiceView {
                id: if i == 0 {
                    name.clone()
                } else {
                    format!("{name}-{}", i + 1)
                },
                value: c.value.clone(),
                label: c.label.clone(),
                checked: chosen.contains(&c.value.as_str()),
            })
            .collect(),
        Kind::YesNo => [("true", "Yes"), ("false", "No")]
            .iter()
            .enumerate()
            .map(|(i, (value, label))| ChoiceView {
                id: if i == 0 {
                    name.clone()
                } else {
                    format!("{name}-{}", i + 1)
                },
                value: (*value).to_owned(),
                label: (*label).to_owned(),
                checked: sent.one(&name) == *value,
            })
            .collect(),
        Kind::Yes(words) => vec![ChoiceView {
            id: name.clone(),
            value: "true".into(),
            label: words.clone(),
            checked: sent.one(&name) == "true",
        }],
        Kind::Counts(categories) => categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let id = super::count_name(&name, i);
                ChoiceView {
                    value: sent.one(&id).to_owned(),
                    id,
                    label: c.label.clone(),
                    checked: false,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    FieldView {
        label: field.label.clone(),
        hint: field.hint.clone(),
        kind: match field.kind {
            Kind::Text => "text",
            Kind::Long => "long",
            Kind::Date => "date",
            Kind::Count => "count",
            Kind::One(_) | Kind::YesNo => "one",
            Kind::Many(_) | Kind::Yes(_) => "many",
            Kind::Counts(_) => "counts",
        },
        value: sent.one(&name).to_owned(),
        day: part("day"),
        month: part("month"),
        year: part("year"),
        error: problems
            .iter()
            .find(|p| p.field == name)
            .map(|p| p.message.clone()),
        choices,
        name,
    }
}

/// An answer as the check page shows it.
pub fn answer_of(field: &Field, sent: &Sent) -> String {
    let given = match &field.kind {
        Kind::Date => super::date_of(sent, field)
            .ok()
            .flatten()
            .map(crate::web::page::long_day)
            .unwrap_or_default(),
        Kind::One(choices) | Kind::Many(choices) => choices
            .iter()
            .filter(|c| sent.all(field.name).contains(&c.value.as_str()))
            .map(|c| c.label.clone())
            .collect::<Vec<_>>()
            .join(", "),
        Kind::Yes(words) if sent.one(field.name) == "true" => words.clone(),
        Kind::Yes(_) => "No".to_owned(),
        Kind::YesNo => match sent.one(field.name) {
            "true" => "Yes".to_owned(),
            "false" => "No".to_owned(),
            _ => String::new(),
        },
        Kind::Counts(choices) => super::counts_of(field, choices, sent)
            .iter()
            .map(|(c, n)| format!("{}: {n}", c.label))
            .collect::<Vec<_>>()
            .join(", "),
        _ => sent.one(field.name).to_owned(),
    };
    match (given.is_empty(), field.keeps_when_blank) {
        (true, true) => "No change".to_owned(),
        (true, false) => "Not given".to_owned(),
        (false, _) => given,
    }
}

/// Which of the person's organisations a new record is for, as input `name`: given without
/// asking when they have one, chosen from theirs when they have several, typed as an ODS
/// code by an administrator (who has none of their own).
pub fn organisation_question(
    who: &SignedIn,
    name: &'static str,
    label: &str,
    fields: &mut Vec<Field>,
    fixed: &mut serde_json::Map<String, Value>,
) {
    match who.who.organisations.as_slice() {
        [only] => {
            fixed.insert(name.into(), json!(only));
        }
        [] => fields.insert(
            0,
            Field::new(name, format!("{label}'s ODS code"), Kind::Text),
        ),
        several => fields.insert(
            0,
            Field::new(
                name,
                label,
                Kind::One(several.iter().map(|c| super::Choice::new(c, c)).collect()),
            ),
        ),
    }
}
