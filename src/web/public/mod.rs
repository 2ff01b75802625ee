//! The public "you said, we did" pages, which anyone may read without signing in: an
//! organisation's page at `/public/<ODS code>` (when its administrator has turned it on) lists
//! the activities its officers published, each opening to what people said there and what came
//! of it; an Atom feed follows the loops closed.
//!
//! Each page is rendered once and kept, with an entity tag, until the projector writes a change
//! to anything it was made from ([`crate::projections::kept::KeptPages`]); browsers and proxies
//! may keep it a minute and ask again with the tag. Requests count against the rate limit of
//! the address they come from. Nothing personal is ever read out ([`said`]).

mod feed;
mod said;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use self::said::{Published, Reader};
use crate::api::AppState;
use crate::projections::kept::Rendered;
use crate::projections::view::Dep;
use crate::web::failure::Failure;
use crate::web::page::Chrome;

/// Activities listed on one page of an organisation's public page.
const PER_PAGE: usize = 20;

/// What the pages are.
const HTML: &str = "text/html; charset=utf-8";

/// How long a browser or proxy may keep a page before asking again.
const CACHE_CONTROL: &str = "public, max-age=60";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/public/{code}", get(organisation))
        .route("/public/{code}/activities/{id}", get(activity))
        .route("/public/{code}/feed.atom", get(feed::feed))
}

#[derive(Template)]
#[template(path = "public/organisation.html")]
struct OrganisationPage {
    chrome: Chrome,
    code: String,
    name: String,
    activities: Vec<Published>,
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "public/activity.html")]
struct ActivityPage {
    chrome: Chrome,
    code: String,
    name: String,
    activity: Published,
}

/// The ODS code as the address gives it, in capitals; anything that is not one is no page.
fn ods(code: &str) -> Result<String, Failure> {
    crate::domain::common::OdsCode::parse("odsCode", code)
        .map(|code| code.to_string())
        .map_err(|_| Failure::NotFound)
}

async fn organisation(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let code = ods(&code)?;
    let page = match query.get("page") {
        None => 1,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or(Failure::NotFound)?,
    };
    let key = format!("/public/{code}?page={page}");
    kept_or_rendered(&state, &headers, key, HTML, |mut reader| async move {
        let org = reader.organisation(&code).await?.ok_or(Failure::NotFound)?;
        let all = reader.activities(&code).await?;
        let pages = all.len().div_ceil(PER_PAGE).max(1);
        if page > pages {
            return Err(Failure::NotFound);
        }
        let mut activities = Vec::new();
        for a in all.iter().skip((page - 1) * PER_PAGE).take(PER_PAGE) {
            activities.push(reader.published(a).await?);
        }
        let at = |n: usize| format!("/public/{code}?page={n}");
        let html = OrganisationPage {
            chrome: Chrome::bare(format!("You said, we did: {}", org.name)),
            previous: (page > 1).then(|| at(page - 1)),
            next: (page < pages).then(|| at(page + 1)),
            code,
            name: org.name,
            activities,
            page,
            pages,
        }
        .render()
        .map_err(rendering)?;
        Ok((html, reader))
    })
    .await
}

async fn activity(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let code = ods(&code)?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| Failure::NotFound)?;
    let key = format!("/public/{code}/activities/{id}");
    kept_or_rendered(&state, &headers, key, HTML, |mut reader| async move {
        let org = reader.organisation(&code).await?.ok_or(Failure::NotFound)?;
        reader.deps.insert(Dep::Record(id.to_string()));
        let found = crate::projections::read::activity(reader.db(), id).await?;
        let doc = found
            .map(|(a, _)| a)
            .filter(|a| {
                a.public_since.is_some()
                    && a.cancelled.is_none()
                    && a.lead_organisation.as_str() == code
            })
            .ok_or(Failure::NotFound)?;
        let html = ActivityPage {
            chrome: Chrome::bare(format!("You said, we did: {}", doc.title)),
            activity: reader.published(&doc).await?,
            code,
            name: org.name,
        }
        .render()
        .map_err(rendering)?;
        Ok((html, reader))
    })
    .await
}

fn rendering(error: askama::Error) -> Failure {
    tracing::error!(error = %error, "a public page did not render");
    Failure::Internal
}

/// The page kept under `key` (and today's date: a verdict turns overdue with it), or the one
/// `render` makes from the views, kept until a change touches what it read.
async fn kept_or_rendered<'a, F, Fut>(
    state: &'a AppState,
    headers: &HeaderMap,
    key: String,
    content_type: &'static str,
    render: F,
) -> Result<Response, Failure>
where
    F: FnOnce(Reader<'a>) -> Fut,
    Fut: Future<Output = Result<(String, Reader<'a>), Failure>>,
{
    let today = crate::api::common::context::today();
    let key = format!("{key}|{today}");
    let projector = state.ledger.projector();
    let pages = projector.kept_pages();
    if let Some(page) = pages.and_then(|p| p.get(&key)).and_then(|mut v| v.pop()) {
        return Ok(respond(&page, headers, content_type));
    }
    let ticket = pages.map(|p| p.ticket());
    let from = state.ledger.reads().choose(None).await;
    let may_keep = from.may_keep();
    let reader = Reader::new(from, projector, today);
    let (body, reader) = render(reader).await?;
    let page = Arc::new(Rendered {
        etag: etag_of(&body),
        body,
    });
    // Only a page read from the primary is kept (see `ReadFrom::may_keep`).
    if let (Some(pages), Some(ticket), true) = (pages, ticket, may_keep) {
        pages.keep(key, ticket, std::slice::from_ref(&page), reader.deps);
    }
    Ok(respond(&page, headers, content_type))
}

/// A strong entity tag for `body`: it changes whenever the page does.
fn etag_of(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The page, or "not modified" when the caller already holds it.
fn respond(page: &Rendered, headers: &HeaderMap, content_type: &'static str) -> Response {
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == page.etag || tag == "*");
    let mut response = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut ok = page.body.clone().into_response();
        ok.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        ok
    };
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&page.etag) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    response
}
