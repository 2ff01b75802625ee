//! Pages that say something went wrong: the NHS digital service manual's error pages ("Page not
//! found", "Sorry, there is a problem with the service"), with the request's reference and
//! never internal detail or personal data.
//!
//! A handler answers with a [`Failure`]; the [`error_pages`] layer, which knows the request's
//! id, writes its page. Anything else the pages' routes answer with an error status and no
//! page of its own (a form that does not parse, a path that matches no page) gets the page for
//! its status the same way.

use std::sync::Arc;

use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower_sessions::Session;

use super::page::{Chrome, Section};
use super::session::{form_token, signed_in};
use crate::config::WebSettings;

/// Why a page could not be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No such page, or a record the person may not see (which is not told apart).
    NotFound,
    /// The person may see this but not do it.
    Forbidden(String),
    /// A post that did not carry its form's token, or carried another session's.
    FormExpired,
    /// A post the page cannot read at all (not a form a page of ours sends).
    BadForm(String),
    /// Too many requests; retry after the time given.
    TooMany { retry_after_secs: u64 },
    /// The service could not answer in time, or its figures are being prepared.
    Busy,
    /// Our failure; the detail is in the log under the request's id.
    Internal,
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden(_) | Self::FormExpired => StatusCode::FORBIDDEN,
            Self::BadForm(_) => StatusCode::BAD_REQUEST,
            Self::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The failure an answer with this status and no page stands for.
    fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => Self::NotFound,
            StatusCode::FORBIDDEN => Self::Forbidden(String::new()),
            StatusCode::TOO_MANY_REQUESTS => Self::TooMany {
                retry_after_secs: 60,
            },
            StatusCode::SERVICE_UNAVAILABLE => Self::Busy,
            s if s.is_client_error() => {
                Self::BadForm("The page could not read what was sent.".into())
            }
            _ => Self::Internal,
        }
    }
}

impl From<anyhow::Error> for Failure {
    /// A read of the views that failed: our failure, logged (the error names no one).
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = %error, "could not read a page's records");
        Failure::Internal
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        let retry_after = match &self {
            Self::TooMany { retry_after_secs } => Some(*retry_after_secs),
            Self::Busy => Some(30),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: &'static str,
    lines: Vec<String>,
    next: Option<(&'static str, &'static str)>,
    correlation_id: Option<String>,
}

/// Writes the page of each failure the pages' routes answer with.
pub async fn error_pages(request: Request, next: Next) -> Response {
    let correlation_id = crate::api::transport::layers::request_id::of(&request);
    let session = request.extensions().get::<Session>().cloned();
    let settings = request.extensions().get::<Arc<WebSettings>>().cloned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let failure = match response.extensions().get::<Failure>() {
        Some(failure) => failure.clone(),
        // An answer of the pages' own, such as a redirect's, stands; a bare status gets its page.
        None if response.headers().contains_key(header::CONTENT_TYPE) => return response,
        None => Failure::for_status(status),
    };
    let (mut parts, _) = response.into_parts();
    let mut page = page_of(&failure, correlation_id);
    if let (Some(session), Some(settings)) = (session, settings) {
        // Someone signed in keeps their header, with its way to sign out.
        if let Ok(Some(who)) = signed_in(&session, &settings).await {
            if let Ok(token) = form_token(&session).await {
                page.chrome = Chrome::signed_in(page.heading, &who, token, Section::Elsewhere);
            }
        }
    }
    let body = match page.render() {
        Ok(html) => Html(html).into_response().into_body(),
        Err(error) => {
            tracing::error!(error = %error, "the error page did not render");
            axum::body::Body::from("Sorry, there is a problem with the service.")
        }
    };
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

fn page_of(failure: &Failure, correlation_id: String) -> ErrorPage {
    let (heading, lines, next, reference) = match failure {
        Failure::NotFound => (
            "Page not found",
            vec![
                "If you typed the web address, check it is correct.".to_owned(),
                "If you pasted the web address, check you copied the entire address.".to_owned(),
                "If the address is right, the record may belong to an organisation you do not work for."
                    .to_owned(),
            ],
            Some(("/", "Go to what needs you")),
            false,
        ),
        Failure::Forbidden(why) => (
            "You cannot do this",
            vec![if why.is_empty() {
                "Your role does not allow this.".to_owned()
            } else {
                why.clone()
            }],
            Some(("/", "Go to what needs you")),
            true,
        ),
        Failure::FormExpired => (
            "This form has expired",
            vec![
                "Nothing was saved. For your security, forms only work in the session they were opened in."
                    .to_owned(),
                "Go back, reload the page and try again. If you have signed out, sign in again first."
                    .to_owned(),
            ],
            Some(("/", "Go to what needs you")),
            true,
        ),
        Failure::BadForm(why) => (
            "Sorry, there is a problem with what was sent",
            vec![why.clone(), "Nothing was saved.".to_owned()],
            Some(("/", "Go to what needs you")),
            true,
        ),
        Failure::TooMany { .. } => (
            "Too many requests",
            vec!["You have sent a lot of requests in a short time. Wait a minute, then try again."
                .to_owned()],
            None,
            true,
        ),
        Failure::Busy => (
            "Sorry, the service is busy",
            vec!["Try again in a minute. Nothing you had saved is lost.".to_owned()],
            None,
            true,
        ),
        Failure::Internal => (
            "Sorry, there is a problem with the service",
            vec![
                "Try again later. If what you were doing was being saved, check whether it was before you do it again."
                    .to_owned(),
            ],
            Some(("/", "Go to what needs you")),
            true,
        ),
    };
    ErrorPage {
        chrome: Chrome::bare(heading),
        heading,
        lines,
        next,
        correlation_id: reference.then_some(correlation_id),
    }
}
