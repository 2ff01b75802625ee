//! Forms: each is a list of [`Field`]s, shown as the design system's inputs, checked here for
//! what the page alone can tell (something given where it must be, a real date, a whole
//! number), shown back as "check your answers", and only then sent to the API as one
//! mutation's input, carrying an idempotency key so that a form posted twice records once.
//! What the API refuses comes back to the field it names.
//!
//! [`flow`] runs the journey; this module holds the fields, what was sent, and the problems.

pub mod correction;
pub mod flow;
pub mod routes;

use chrono::NaiveDate;
use serde_json::{json, Value};

/// What kind of answer a field takes.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A line of text.
    Text,
    /// Some sentences.
    Long,
    /// A day, as day, month and year.
    Date,
    /// A whole number, 0 or more.
    Count,
    /// One of several, as radios.
    One(Vec<Choice>),
    /// Any of several, as checkboxes.
    Many(Vec<Choice>),
    /// A head count (0 or more) for each of several categories, any left blank; sent to the
    /// API as a list of `{ category, count }` for those given.
    Counts(Vec<Choice>),
    /// A statement to confirm, as one checkbox with these words; ticked, it sends true.
    Yes(String),
    /// Yes or no, as two radios; sends true or false.
    YesNo,
}

/// The text of the file (or field) named `name` that a form with a file sent, as sent; `None`
/// when it sent none, or an empty one.
pub async fn file_text(
    form: &mut axum::extract::Multipart,
    name: &str,
) -> Result<Option<String>, crate::web::failure::Failure> {
    let unreadable =
        || crate::web::failure::Failure::BadForm("The file sent could not be read.".into());
    while let Some(field) = form.next_field().await.map_err(|_| unreadable())? {
        if field.name() == Some(name) {
            let text = field.text().await.map_err(|_| unreadable())?;
            return Ok(Some(text).filter(|t| !t.trim().is_empty()));
        }
    }
    Ok(None)
}

/// A date a form may leave blank for today.
pub fn on_or_today(name: &'static str, label: &'static str) -> Field {
    Field::new(name, label, Kind::Date)
        .hint("For example, 27 3 2026. Leave it blank for today.")
        .optional()
}

/// The form name of category `i` (from 0) of a [`Kind::Counts`] question named `name`.
pub fn count_name(name: &str, i: usize) -> String {
    format!("{name}-{}", i + 1)
}

/// The counts given for a [`Kind::Counts`] question: each category's choice and its count.
fn counts_of<'a>(field: &Field, choices: &'a [Choice], sent: &Sent) -> Vec<(&'a Choice, u32)> {
    choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let text = sent.one(&count_name(field.name, i));
            text.parse::<u32>().ok().map(|n| (c, n))
        })
        .collect()
}

/// One choice of a radio or checkbox question.
#[derive(Debug, Clone)]
pub struct Choice {
    /// What is sent (the API's name for it).
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// One question of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The API's name for the answer, which is also the form field's name and the page's id
    /// for it (so that a refusal naming it lands by it).
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub kind: Kind,
    /// May be left empty.
    pub optional: bool,
    /// Left empty, it keeps what the record says (a correction's field).
    pub keeps_when_blank: bool,
    /// What to say when it is left empty, when "Enter the <label>" or "Select the <label>"
    /// would not read well.
    pub needed: Option<String>,
}

impl Field {
    pub fn new(name: &'static str, label: impl Into<String>, kind: Kind) -> Self {
        Self {
            name,
            label: label.into(),
            hint: String::new(),
            kind,
            optional: false,
            keeps_when_blank: false,
            needed: None,
        }
    }

    /// Says `message` when the field is left empty.
    pub fn needs(mut self, message: impl Into<String>) -> Self {
        self.needed = Some(message.into());
        self
    }

    /// What to say when the field is left empty: `verb` ("Enter", "Select") and the label.
    fn missing(&self, verb: &str) -> String {
        self.needed
            .clone()
            .unwrap_or_else(|| format!("{verb} the {}", self.in_sentence()))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// The label in a sentence: "Title" becomes "title".
    fn in_sentence(&self) -> String {
        let mut chars = self.label.chars();
        match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    }
}

/// What a form sent, in order, as name and value pairs (a checkbox question sends one pair
/// per box ticked; a date, one per part, as `name-day`, `name-month` and `name-year`).
#[derive(Debug, Clone, Default)]
pub struct Sent(pub Vec<(String, String)>);

/// The answers of a form sent by `GET`: a page's query string, read as [`Sent`].
pub struct QueryAnswers(pub Sent);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for QueryAnswers {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(Sent::parse(
            parts.uri.query().unwrap_or_default().as_bytes(),
        )))
    }
}

impl Sent {
    /// Reads a form body or a query string.
    pub fn parse(text: &[u8]) -> Self {
        Self(serde_urlencoded::from_bytes(text).unwrap_or_default())
    }

    /// The first value sent as `name`, trimmed; empty when none.
    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value sent as `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The pairs a field of `fields` sent, for carrying through a "check your answers" page.
    pub fn of_fields<'a>(
        &'a self,
        fields: &'a [Field],
    ) -> impl Iterator<Item = &'a (String, String)> {
        self.0.iter().filter(move |(name, _)| {
            fields.iter().any(|f| {
                name == f.name
                    || match &f.kind {
                        Kind::Date => ["day", "month", "year"]
                            .iter()
                            .any(|part| *name == format!("{}-{part}", f.name)),
                        Kind::Counts(choices) => {
                            (0..choices.len()).any(|i| *name == count_name(f.name, i))
                        }
                        _ => false,
                    }
            })
        })
    }
}

/// A problem with one answer, shown by the field and in the summary at the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's name; empty for a problem with the form as a whole.
    pub field: String,
    pub message: String,
}

/// A date sent as its three parts, or the problem with it.
pub fn date_of(sent: &Sent, field: &Field) -> Result<Option<NaiveDate>, String> {
    let part = |p: &str| sent.one(&format!("{}-{p}", field.name)).to_owned();
    let (day, month, year) = (part("day"), part("month"), part("year"));
    let label = &field.label;
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let missing: Vec<&str> = [("a day", &day), ("a month", &month), ("a year", &year)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(what, _)| *what)
        .collect();
    if !missing.is_empty() {
        return Err(format!("{label} must include {}", missing.join(" and ")));
    }
    let number = |v: &str| v.parse::<u32>().ok();
    match (number(&day), number(&month), year.parse::<i32>().ok()) {
        (Some(d), Some(m), Some(y)) if year.len() == 4 => NaiveDate::from_ymd_opt(y, m, d)
            .map(Some)
            .ok_or_else(|| format!("{label} must be a real date")),
        (_, _, Some(_)) if year.len() != 4 => Err("Year must include 4 numbers".to_owned()),
        _ => Err(format!("{label} must be a real date")),
    }
}

/// A date's three answers as a form sends them (`name-day`, `name-month`, `name-year`), from
/// a day as the API writes it (`2026-03-27`); none when it is not one.
pub fn date_answers(name: &str, iso: &str) -> Vec<(String, String)> {
    use chrono::Datelike;
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(day) => vec![
            (format!("{name}-day"), day.day().to_string()),
            (format!("{name}-month"), day.month().to_string()),
            (format!("{name}-year"), day.year().to_string()),
        ],
        Err(_) => Vec::new(),
    }
}

/// The problems the page can find in what was sent, in the order of the fields.
pub fn problems(fields: &[Field], sent: &Sent) -> Vec<Problem> {
    let mut found = Vec::new();
    for field in fields {
        let problem = match &field.kind {
            Kind::Date => match date_of(sent, field) {
                Err(problem) => Some(problem),
                Ok(None) if !field.optional => Some(field.missing("Enter")),
                Ok(_) => None,
            },
            Kind::Count => match sent.one(field.name) {
                "" if field.optional => None,
                "" => Some(field.missing("Enter")),
                text => text
                    .parse::<u32>()
                    .err()
                    .map(|_| format!("{} must be a whole number, 0 or more", field.label)),
            },
            Kind::One(choices) => match sent.one(field.name) {
                "" if field.optional => None,
                "" => Some(field.missing("Select")),
                chosen => (!choices.iter().any(|c| c.value == chosen))
                    .then(|| format!("Select the {} from the list", field.in_sentence())),
            },
            Kind::Many(choices) => sent
                .all(field.name)
                .iter()
                .any(|v| !choices.iter().any(|c| c.value == *v))
                .then(|| format!("Select the {} from the list", field.in_sentence()))
                .or_else(|| {
                    (sent.all(field.name).is_empty() && !field.optional)
                        .then(|| field.missing("Select at least one of"))
                }),
            Kind::Counts(choices) => choices
                .iter()
                .enumerate()
                .find(|(i, _)| {
                    let text = sent.one(&count_name(field.name, *i));
                    !text.is_empty() && text.parse::<u32>().is_err()
                })
                .map(|(_, c)| {
                    format!(
                        "{} ({}) must be a whole number, 0 or more",
                        c.label,
                        field.in_sentence()
                    )
                })
                .or_else(|| {
                    (counts_of(field, choices, sent).is_empty() && !field.optional)
                        .then(|| field.missing("Enter at least one"))
                }),
            Kind::YesNo => match sent.one(field.name) {
                "true" | "false" => None,
                "" if field.optional => None,
                "" => Some(field.missing("Select")),
                _ => Some(format!("Select yes or no for {}", field.in_sentence())),
            },
            Kind::Yes(_) => match sent.one(field.name) {
                "true" => None,
                "" if field.optional => None,
                "" => Some(field.missing("Confirm")),
                _ => Some(format!("Select the {} from the list", field.in_sentence())),
            },
            Kind::Text | Kind::Long => {
                (sent.one(field.name).is_empty() && !field.optional).then(|| field.missing("Enter"))
            }
        };
        if let Some(message) = problem {
            found.push(Problem {
                field: field.name.to_owned(),
                message,
            });
        }
    }
    found
}

/// The mutation's input from what was sent (once [`problems`] finds none): each field by its
/// API name (`attendance.patients` inside `attendance`), empty optional answers left out.
pub fn input_of(fields: &[Field], sent: &Sent) -> serde_json::Map<String, Value> {
    let mut input = serde_json::Map::new();
    for field in fields {
        let value = match &field.kind {
            Kind::Date => match date_of(sent, field) {
                Ok(Some(day)) => json!(day.format("%Y-%m-%d").to_string()),
                _ => continue,
            },
            Kind::Count => match sent.one(field.name).parse::<u32>() {
                Ok(n) => json!(n),
                Err(_) => continue,
            },
            Kind::Many(_) => json!(sent.all(field.name)),
            Kind::Yes(_) if sent.one(field.name) == "true" => json!(true),
            Kind::Yes(_) => continue,
            Kind::YesNo => match sent.one(field.name) {
                "true" => json!(true),
                "false" => json!(false),
                _ => continue,
            },
            Kind::Counts(choices) => match counts_of(field, choices, sent) {
                given if given.is_empty() => continue,
                given => given
                    .into_iter()
                    .map(|(c, n)| json!({ "category": c.value, "count": n }))
                    .collect(),
            },
            _ => match sent.one(field.name) {
                "" => continue,
                text => json!(text),
            },
        };
        put(&mut input, field.name, value);
    }
    input
}

/// Puts each of `more` into `input`, inside what `input` already holds under the same name
/// (so that a form's answers inside `feedback` join the `index` the form fixed there).
pub fn merge(input: &mut serde_json::Map<String, Value>, more: serde_json::Map<String, Value>) {
    for (name, value) in more {
        match (input.get_mut(&name), value) {
            (Some(Value::Object(inner)), Value::Object(value)) => merge(inner, value),
            (_, value) => {
                input.insert(name, value);
            }
        }
    }
}

/// Puts `value` at `path` (`a.b` is `b` inside `a`) in `input`.
fn put(input: &mut serde_json::Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        Some((outer, rest)) => {
            let inner = input
                .entry(outer)
                .or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(inner) = inner {
                put(inner, rest, value);
            }
        }
        None => {
            input.insert(path.to_owned(), value);
        }
    }
}

/// The problems a refusal by the API names, by field where the field is on the form: its
/// message is `field: problem; field: problem`.
pub fn refused(fields: &[Field], message: &str) -> Vec<Problem> {
    let refusal = super::client::Refusal {
        code: "VALIDATION".into(),
        message: message.to_owned(),
    };
    refusal
        .by_field()
        .into_iter()
        .map(
            |(field, problem)| match fields.iter().find(|f| f.name == field) {
                Some(f) => Problem {
                    field: field.clone(),
                    message: format!("{} {}", f.label, problem),
                },
                None => Problem {
                    field: String::new(),
                    message: crate::reports::annual::capitalise(&problem),
                },
            },
        )
        .collect()
}

#[cfg(test)]
mod tests;
