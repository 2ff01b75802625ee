//! "Recorded as of": an auditor (or administrator) chooses a moment, and the activity, input,
//! action, board and meeting pages read the record as it stood then (before anything recorded
//! or corrected since) until they go back to now. Every page says so at the top while it is
//! on, and nothing can be recorded meanwhile.

use askama::Template;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveTime, TimeZone, Utc};

use crate::auth::Role;
use crate::web::failure::Failure;
use crate::web::form::{date_of, Field, Kind, Sent};
use crate::web::page::{render, Chrome, Section};
use crate::web::session::{set_note, RECORDED_AS_OF};
use crate::web::signed_in::SignedIn;

#[derive(Template)]
#[template(path = "audit/as_of.html")]
struct AsOfPage {
    chrome: Chrome,
    day: (String, String, String),
    time: String,
    problems: Vec<(String, String)>,
}

fn auditors_only(who: &SignedIn) -> Result<(), Failure> {
    if matches!(who.who.role, Role::Auditor | Role::Admin) {
        Ok(())
    } else {
        Err(Failure::Forbidden(
            "Only auditors and administrators read the record as it stood at an earlier moment."
                .into(),
        ))
    }
}

fn page(who: &SignedIn, sent: &Sent, problems: Vec<(String, String)>) -> Response {
    let mut chrome = who.chrome("Read the record as it stood", Section::Audit);
    chrome.has_errors = !problems.is_empty();
    let part = |p: &str| sent.one(&format!("day-{p}")).to_owned();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = render(&AsOfPage {
        chrome,
        day: (part("day"), part("month"), part("year")),
        time: sent.one("time").to_owned(),
        problems,
    });
    (status, html).into_response()
}

pub(super) async fn form(who: SignedIn, RawQuery(query): RawQuery) -> Result<Response, Failure> {
    auditors_only(&who)?;
    Ok(page(
        &who,
        &Sent::parse(query.unwrap_or_default().as_bytes()),
        Vec::new(),
    ))
}

/// Turns "recorded as of" on at the moment given: a day, and a time that day (UTC; the end of
/// the day when none is given). Not in the future.
pub(super) async fn choose(who: SignedIn, body: axum::body::Bytes) -> Result<Response, Failure> {
    auditors_only(&who)?;
    let sent = Sent::parse(&body);
    let field = Field::new("day", "Day", Kind::Date);
    let mut problems = Vec::new();
    let day = match date_of(&sent, &field) {
        Ok(Some(day)) => Some(day),
        Ok(None) => {
            problems.push(("day-day".to_owned(), "Enter the day".to_owned()));
            None
        }
        Err(problem) => {
            problems.push(("day-day".to_owned(), problem));
            None
        }
    };
    let time = match sent.one("time") {
        "" => Some(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()),
        given => {
            let parsed = NaiveTime::parse_from_str(given, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(given, "%H:%M:%S"))
                .ok();
            if parsed.is_none() {
                problems.push((
                    "time".to_owned(),
                    "Enter the time as hours and minutes on the 24-hour clock, for example 17:30"
                        .to_owned(),
                ));
            }
            parsed
        }
    };
    let moment = day
        .zip(time)
        .map(|(d, t)| Utc.from_utc_datetime(&d.and_time(t)));
    if moment.is_some_and(|at| at > Utc::now()) {
        problems.push((
            "day-day".to_owned(),
            "The moment must be in the past: the record is not yet written after now".to_owned(),
        ));
    }
    let Some(at) = moment.filter(|_| problems.is_empty()) else {
        return Ok(page(&who, &sent, problems));
    };
    who.session
        .insert(RECORDED_AS_OF, at)
        .await
        .map_err(crate::web::sign_in::internal)?;
    Ok(Redirect::to("/audit").into_response())
}

/// Back to the record as it is now.
pub(super) async fn clear(who: SignedIn) -> Result<Response, Failure> {
    who.session
        .remove::<chrono::DateTime<Utc>>(RECORDED_AS_OF)
        .await
        .map_err(crate::web::sign_in::internal)?;
    set_note(&who.session, "Back to the record as it is now")
        .await
        .map_err(crate::web::sign_in::internal)?;
    Ok(Redirect::to("/audit").into_response())
}
