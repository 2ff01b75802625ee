//! What every page shares: the header's account and navigation, the form token, and turning
//! a template into an answer.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use super::session::SignedInAs;
use crate::auth::Role;

/// The part of the service a page belongs to, marked in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    NeedsYou,
    Activities,
    Find,
    Boards,
    /// Finding, tracing and verifying the record: auditors' and administrators'.
    Audit,
    /// The scorecard and the other figures.
    Figures,
    /// Pages outside the navigation (signing in, errors).
    Elsewhere,
}

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone)]
pub struct Person {
    pub subject: String,
    pub role: &'static str,
    role_kind: Role,
}

/// One link of the header's navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub text: &'static str,
    pub current: bool,
}

/// What the layout needs from every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page's title, before the service's name.
    pub title: String,
    pub person: Option<Person>,
    /// The session's form token, which every form carries.
    pub csrf: String,
    pub section: Section,
    /// The page shows errors in a form: its title then starts "Error: ".
    pub has_errors: bool,
    /// What the last form saved, shown once at the top ("Activity planned").
    pub note: Option<String>,
    /// The moment the pages read the record as of, in words, while "recorded as of" is on:
    /// every page says so at the top.
    pub recorded_as_of: Option<String>,
}

impl Chrome {
    /// A page for someone signed in.
    pub fn signed_in(
        title: impl Into<String>,
        who: &SignedInAs,
        csrf: String,
        section: Section,
    ) -> Self {
        Self {
            title: title.into(),
            person: Some(Person {
                subject: who.subject.clone(),
                role: role_name(who.role),
                role_kind: who.role,
            }),
            csrf,
            section,
            has_errors: false,
            note: None,
            recorded_as_of: None,
        }
    }

    /// A page outside a session's work (signing in, errors): no account or navigation.
    pub fn bare(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            person: None,
            csrf: String::new(),
            section: Section::Elsewhere,
            has_errors: false,
            note: None,
            recorded_as_of: None,
        }
    }

    /// The navigation for the signed-in person's role.
    pub fn navigation(&self) -> Vec<NavLink> {
        let Some(person) = &self.person else {
            return Vec::new();
        };
        let links: &[(&'static str, &'static str, Section)] = match person.role_kind {
            Role::EngagementOfficer => &[
                ("/", "What needs you", Section::NeedsYou),
                ("/activities", "Activities", Section::Activities),
                ("/find", "Find input", Section::Find),
                ("/scorecard", "Figures", Section::Figures),
            ],
            Role::BoardSecretary => &[
                ("/", "What needs you", Section::NeedsYou),
                ("/boards", "Boards", Section::Boards),
                ("/scorecard", "Figures", Section::Figures),
            ],
            Role::Admin | Role::Auditor => &[
                ("/", "What needs you", Section::NeedsYou),
                ("/activities", "Activities", Section::Activities),
                ("/find", "Find input", Section::Find),
                ("/boards", "Boards", Section::Boards),
                ("/scorecard", "Figures", Section::Figures),
                ("/audit", "Audit", Section::Audit),
            ],
        };
        links
            .iter()
            .map(|&(href, text, section)| NavLink {
                href,
                text,
                current: section == self.section,
            })
            .collect()
    }
}

/// What may be recorded of a record next, and the corrections of it: each form's address and
/// words (`web/templates/next_steps.html` and `fixes.html`).
#[derive(Debug, Default)]
pub struct Steps {
    pub next: Vec<(String, String)>,
    pub fixes: Vec<(String, String)>,
}

impl Steps {
    /// Adds the form at `base` then `tail` to what may be recorded next.
    pub fn then(&mut self, base: &str, tail: &str, words: &str) {
        self.next.push((format!("{base}/{tail}"), words.to_owned()));
    }

    /// Adds the correction at `base` then `tail`.
    pub fn fix(&mut self, base: &str, tail: &str, words: impl Into<String>) {
        self.fixes.push((format!("{base}/{tail}"), words.into()));
    }
}

/// A role as people say it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::EngagementOfficer => "engagement officer",
        Role::BoardSecretary => "board secretary",
        Role::Auditor => "auditor",
        Role::Admin => "administrator",
    }
}

/// A role as the API names it (`ENGAGEMENT_OFFICER`), in words.
pub fn role_words(role: &str) -> String {
    role.to_ascii_lowercase().replace('_', " ")
}

/// The page `template` renders, or (a bare 500, which the error pages' layer gives its page)
/// the service's error page when it does not.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(error = %error, "a page did not render");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A file to save, named `filename` (kept to letters, digits, `-`, `_` and `.`).
pub fn attachment(filename: &str, content_type: &str, content: impl IntoResponse) -> Response {
    use axum::http::{header, HeaderValue};
    let mut response = content.into_response();
    let headers = response.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, kind);
    }
    let name: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// A date as the NHS writes it, "5 December 2026", from the API's `2026-12-05`; anything else
/// is shown as it came.
pub fn long_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(long_day)
        .unwrap_or_else(|_| iso.to_owned())
}

/// A day as the NHS writes it: "5 December 2026".
pub fn long_day(day: chrono::NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}
