//! The signed-in person, for a page that needs one: a visitor who is not signed in is sent to
//! sign in.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::failure::Failure;
use super::page::{Chrome, Section};
use super::session::{form_token, signed_in, SignedInAs};
use crate::api::AppState;
use crate::auth::{Principal, Role};
use crate::config::WebSettings;

/// The person a page is for, with their session's form token and the request's id.
pub struct SignedIn {
    pub who: SignedInAs,
    pub form_token: String,
    pub correlation_id: String,
    pub session: Session,
    /// A note left by the last form saved, shown on this page.
    pub note: Option<String>,
    /// While set, the record's pages read the record as it stood at this moment, and offer
    /// nothing to record (an auditor's "recorded as of").
    pub recorded_as_of: Option<chrono::DateTime<chrono::Utc>>,
}

impl SignedIn {
    /// The caller the page's operations run as.
    pub fn principal(&self) -> Principal {
        self.who.principal()
    }

    /// Whether the person's role records engagement (activities, input, actions) at all:
    /// officers and administrators.
    pub fn records_engagement(&self) -> bool {
        matches!(self.who.role, Role::EngagementOfficer | Role::Admin)
    }

    /// Whether the person may change an engagement record (an activity, input, an action)
    /// that the officers of any of `organisations` (ODS codes) may change: its owner's, or a
    /// partner's it is referred to. Officers and administrators may; board secretaries keep
    /// boards, and auditors change nothing.
    pub fn may_change<'a>(&self, organisations: impl IntoIterator<Item = &'a str>) -> bool {
        self.records_engagement() && self.writes_for(organisations)
    }

    /// Whether the person may keep the boards of any of `organisations`: their secretaries
    /// and administrators.
    pub fn may_keep_boards<'a>(&self, organisations: impl IntoIterator<Item = &'a str>) -> bool {
        matches!(self.who.role, Role::BoardSecretary | Role::Admin)
            && self.writes_for(organisations)
    }

    fn writes_for<'a>(&self, organisations: impl IntoIterator<Item = &'a str>) -> bool {
        // Reading the record as it stood, nobody records anything.
        let principal = self.principal();
        self.recorded_as_of.is_none()
            && organisations
                .into_iter()
                .any(|code| principal.can_write(code))
    }

    /// Why a form refuses: `why`, or, while reading the record as it stood, that.
    fn refusal(&self, why: &str) -> Failure {
        if self.recorded_as_of.is_some() {
            Failure::Forbidden(
                "You are reading the record as it stood at an earlier moment: go back to the \
                 record as it is now to record anything."
                    .into(),
            )
        } else {
            Failure::Forbidden(why.to_owned())
        }
    }

    /// [`Self::may_change`], or the page refusing with `why` when they may not.
    pub fn must_change<'a>(
        &self,
        organisations: impl IntoIterator<Item = &'a str>,
        why: &str,
    ) -> Result<(), Failure> {
        if self.may_change(organisations) {
            Ok(())
        } else {
            Err(self.refusal(why))
        }
    }

    /// [`Self::may_keep_boards`], or the page refusing with `why` when they may not.
    pub fn must_keep_boards<'a>(
        &self,
        organisations: impl IntoIterator<Item = &'a str>,
        why: &str,
    ) -> Result<(), Failure> {
        if self.may_keep_boards(organisations) {
            Ok(())
        } else {
            Err(self.refusal(why))
        }
    }

    /// The organisation a page of figures is asked for (`given`, an ODS code, in capitals),
    /// or, when none is given, the person's first.
    pub fn organisation_asked(&self, given: &str) -> String {
        match given {
            "" => self.who.organisations.first().cloned().unwrap_or_default(),
            given => given.to_ascii_uppercase(),
        }
    }

    /// The layout's part of a page titled `title` in `section`.
    pub fn chrome(&self, title: impl Into<String>, section: Section) -> Chrome {
        let mut chrome = Chrome::signed_in(title, &self.who, self.form_token.clone(), section);
        chrome.note = self.note.clone();
        chrome.recorded_as_of = self
            .recorded_as_of
            .map(|at| at.format("%-d %B %Y at %H:%M:%S UTC").to_string());
        chrome
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| Failure::Internal.into_response())?;
        let settings = parts
            .extensions
            .get::<Arc<WebSettings>>()
            .cloned()
            .ok_or_else(|| Failure::Internal.into_response())?;
        let who = signed_in(&session, &settings)
            .await
            .map_err(|e| super::sign_in::internal(e).into_response())?
            .ok_or_else(|| Redirect::to("/sign-in").into_response())?;
        let form_token = form_token(&session)
            .await
            .map_err(|e| super::sign_in::internal(e).into_response())?;
        let note = super::session::take_note(&session)
            .await
            .map_err(|e| super::sign_in::internal(e).into_response())?;
        let recorded_as_of = session
            .get::<chrono::DateTime<chrono::Utc>>(super::session::RECORDED_AS_OF)
            .await
            .map_err(|e| super::sign_in::internal(e).into_response())?;
        let correlation_id = parts
            .extensions
            .get::<tower_http::request_id::RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or("-")
            .to_owned();
        Ok(Self {
            who,
            form_token,
            correlation_id,
            session,
            note,
            recorded_as_of,
        })
    }
}
