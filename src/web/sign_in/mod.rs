//! Signing in and out of the web interface. Ways in: the organisation's identity provider
//! over OpenID Connect ([`oidc`]), and a one-time link made by an administrator ([`link`]). Signing in gives the session a new id; signing out ends it in the
//! store.

pub mod link;
pub mod oidc;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;
use tower_sessions::Session;

use super::failure::Failure;
use super::page::{render, Chrome};
use super::session::{form_token, sign_in, signed_in, SignedInAs};
use crate::api::AppState;
use crate::config::WebSettings;

/// The routes of signing in and out.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page))
        .route("/sign-in/link", get(link_page).post(spend_link))
        .route("/sign-out", post(sign_out))
        .route("/signed-out", get(signed_out))
        .merge(oidc::routes())
}

/// A page of the sign-in journey.
#[derive(Template)]
#[template(path = "sign_in.html")]
pub(super) struct SignInPage {
    chrome: Chrome,
    heading: &'static str,
    lines: Vec<&'static str>,
    /// The link's token, for the form that spends it.
    link_token: Option<String>,
    /// Say how to get a link.
    ask_for_link: bool,
    /// Offer the identity provider's button, when there is one.
    offer_provider: bool,
    /// What the button calls the provider's accounts, when there is one.
    provider: Option<String>,
}

impl SignInPage {
    pub(super) fn new(heading: &'static str, lines: Vec<&'static str>) -> Self {
        Self {
            chrome: Chrome::bare(heading),
            heading,
            lines,
            link_token: None,
            ask_for_link: false,
            offer_provider: false,
            provider: None,
        }
    }
}

async fn sign_in_page(
    session: Session,
    Extension(settings): Extension<Arc<WebSettings>>,
    provider: Option<Extension<Arc<oidc::Provider>>>,
) -> Result<Response, Failure> {
    if signed_in(&session, &settings)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Ok(Redirect::to("/").into_response());
    }
    let mut page = SignInPage::new(
        "Sign in",
        vec!["You need to sign in to use Partnership Ledger."],
    );
    page.ask_for_link = true;
    page.offer_provider = true;
    page.provider = provider.map(|Extension(p)| p.name().to_owned());
    Ok(render(&page))
}

#[derive(Deserialize)]
struct LinkQuery {
    token: Option<String>,
}

/// The page a sign-in link opens: it asks for a click before the link is spent, so that a
/// mail scanner following the link does not use it up.
async fn link_page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LinkQuery>,
) -> Result<Response, Failure> {
    let token = query.token.unwrap_or_default();
    if token.is_empty()
        || !link::usable(state.ledger.db(), &token)
            .await
            .map_err(internal)?
    {
        return Ok(unusable_link());
    }
    let mut page = SignInPage::new(
        "Sign in to Partnership Ledger",
        vec!["This link signs you in once. Continue to sign in on this device."],
    );
    page.chrome.csrf = form_token(&session).await.map_err(internal)?;
    page.link_token = Some(token);
    Ok(render(&page))
}

#[derive(Deserialize)]
struct SpendLink {
    token: String,
}

async fn spend_link(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SpendLink>,
) -> Result<Response, Failure> {
    let Some(grant) = link::spend(state.ledger.db(), &form.token)
        .await
        .map_err(internal)?
    else {
        tracing::info!("refused a sign-in link that is unknown, spent or expired");
        return Ok(unusable_link());
    };
    let who = SignedInAs {
        subject: grant.subject,
        role: grant.role,
        organisations: grant.organisations,
        signed_in_at: chrono::Utc::now().timestamp(),
    };
    sign_in(&session, &who).await.map_err(internal)?;
    tracing::info!(role = %who.role, organisations = who.organisations.len(), "signed in with a link");
    Ok(Redirect::to("/").into_response())
}

/// The answer to a link that cannot be used: unknown, spent or expired, not told apart.
fn unusable_link() -> Response {
    let mut page = SignInPage::new(
        "This sign-in link cannot be used",
        vec![
            "Sign-in links work once, and only for 15 minutes after they are made.",
            "If you have used this link already, you may still be signed in on the device you used it on.",
        ],
    );
    page.ask_for_link = true;
    (axum::http::StatusCode::BAD_REQUEST, render(&page)).into_response()
}

async fn sign_out(session: Session) -> Result<Response, Failure> {
    session.flush().await.map_err(internal)?;
    Ok(Redirect::to("/signed-out").into_response())
}

async fn signed_out() -> Response {
    render(&SignInPage::new(
        "You have signed out",
        vec!["Your session has ended on this device. Close the browser if you are on a shared computer."],
    ))
}

/// A failure of the session store or the database: logged, and answered with the error page.
pub(super) fn internal(error: impl std::fmt::Display) -> Failure {
    tracing::error!(error = %error, "a page could not be served");
    Failure::Internal
}
