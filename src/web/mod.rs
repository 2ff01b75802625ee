//! The web interface: pages in the NHS design system, served by the same binary and on the
//! same port as `/graphql`, with nothing fetched from another host.
//!
//! - [`assets`]: the design system's files, and the service's own few.
//! - [`sign_in`] and [`session`]: signing in (a one-time link), sessions in the database, and
//!   the form token every post carries ([`protect`] checks it, and sets the pages' headers).
//! - [`client`]: the pages' one way in to the data, the GraphQL schema run in process as the
//!   signed-in person ([`signed_in`]), with the operations under `web/operations/`.
//! - [`audit`]: finding, tracing and proving the record, and taking it away.
//! - [`public`]: the public "you said, we did" pages, read without signing in.
//! - [`home`]: the pages themselves, rendered from the templates under `web/templates/`
//!   (checked when the crate compiles), with [`page`]'s layout and [`failure`]'s error pages.
//!
//! The layer above [`crate::api`]. The service ([`crate::startup`]) hands these routes to the
//! API's router, which puts them behind the same layers as every other request (request id,
//! tracing, panics, body limit). The GraphQL endpoint never reads the session cookie: it
//! keeps to bearer tokens.

use std::sync::Arc;

use axum::{middleware, Extension, Router};

use crate::api::AppState;
use crate::config::WebSettings;
use crate::store::Db;

pub mod actions;
pub mod activities;
pub mod assets;
pub mod audit;
pub mod boards;
pub mod chart;
pub mod client;
pub mod failure;
pub mod figures;
pub mod find;
pub mod form;
pub mod home;
pub mod import;
pub mod input;
pub mod listing;
pub mod named;
pub mod organisations;
pub mod page;
pub mod protect;
pub mod public;
pub mod session;
pub mod shapes;
pub mod sign_in;
pub mod signed_in;
pub mod stacked;
pub mod told;
pub mod verdict;
pub mod words;

/// The web interface's routes, over `db`'s sessions; starts sweeping lapsed sessions out.
/// Signing in with the identity provider is offered when the settings name one.
/// The pages count against `limiter`, the same rate limit as `/graphql`.
pub fn routes(
    db: &Db,
    settings: &WebSettings,
    limiter: std::sync::Arc<crate::api::limits::RateLimiter>,
) -> anyhow::Result<Router<AppState>> {
    // The public pages: no session, no forms; rate limited by address, their own caching.
    let public = public::routes()
        .layer(middleware::from_fn_with_state(
            limiter.clone(),
            protect::within_rate_limit,
        ))
        .layer(middleware::from_fn(failure::error_pages))
        .layer(Extension(Arc::new(settings.clone())));
    let store = session::Store::new(db);
    store.sweep_lapsed();
    let mut pages = Router::new()
        .merge(home::routes())
        .merge(activities::routes())
        .merge(input::routes())
        .merge(actions::routes())
        .merge(boards::routes())
        .merge(find::routes())
        .merge(audit::routes())
        .merge(figures::routes())
        .merge(organisations::routes())
        .merge(import::routes())
        .merge(sign_in::routes())
        .fallback(|| async { failure::Failure::NotFound })
        .layer(middleware::from_fn(protect::forms_carry_their_token))
        .layer(middleware::from_fn_with_state(
            limiter,
            protect::within_rate_limit,
        ))
        // Inside the session, so that an error page keeps a signed-in person's header.
        .layer(middleware::from_fn(failure::error_pages))
        .layer(session::layer(store, settings))
        .layer(Extension(Arc::new(import::Jobs::default())))
        .layer(Extension(Arc::new(settings.clone())));
    if let Some(oidc) = &settings.oidc {
        let provider = sign_in::oidc::Provider::new(oidc.clone(), &settings.public_url)?;
        pages = pages.layer(Extension(Arc::new(provider)));
    }
    Ok(protect::with_page_headers(pages, settings.over_tls())
        .merge(protect::with_page_headers(public, settings.over_tls()))
        .merge(assets::routes()))
}
