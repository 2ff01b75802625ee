//! What keeps the pages safe to use: the headers every page carries, and the check that a
//! form post came from a form of ours in the same session.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::Session;

use super::failure::Failure;
use super::session::is_form_token;
use crate::api::limits::RateLimiter;
use crate::api::MAX_BODY_BYTES;

/// The field every form of ours carries its session's form token in.
pub const FORM_TOKEN_FIELD: &str = "csrf_token";

/// Scripts, styles, images and fonts from this service alone, and no inline script (the
/// design system's "JavaScript is on" marker is a file for this reason); forms post only
/// here; no page may be framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The headers every page carries: the content policy, no framing, no sniffing, referrers
/// kept to the service, and no caching (signed-in pages hold records a shared computer must
/// not keep; a page that may be kept says so itself). Over TLS, browsers are told to keep to
/// it.
pub fn with_page_headers<S: Clone + Send + Sync + 'static>(
    pages: Router<S>,
    over_tls: bool,
) -> Router<S> {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    pages
        .layer(fixed(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
        .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(fixed(header::REFERRER_POLICY, "same-origin"))
        .layer(fixed(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            over_tls.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
}

/// Lets a post through only when it is a form carrying its session's form token, and was not
/// sent from another site; anything else is refused with nothing done. Every post to a page
/// passes here, so no page can forget the check.
pub async fn forms_carry_their_token(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site");
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return Failure::FormExpired.into_response();
    };
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // A form with a file (a checkpoint, a baseline) comes as multipart.
    let boundary = content_type
        .starts_with("multipart/form-data")
        .then(|| multer::parse_boundary(&content_type).ok())
        .flatten();
    if !is_form && boundary.is_none() {
        return Failure::BadForm("Only the forms of this service's pages can be sent here.".into())
            .into_response();
    }
    // Only the import's upload takes a workbook; every other form keeps to the usual limit.
    let limit = if request.uri().path() == super::import::UPLOAD_PATH && boundary.is_some() {
        crate::api::MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return Failure::BadForm(format!(
            "What was sent is larger than {} KiB.",
            limit / 1024
        ))
        .into_response();
    };
    let sent = match boundary {
        Some(boundary) => token_in_multipart(bytes.clone(), boundary).await,
        None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|fields| {
                fields
                    .into_iter()
                    .find(|(name, _)| name == FORM_TOKEN_FIELD)
                    .map(|(_, value)| value)
            }),
    };
    let matches = match sent {
        Some(sent) if !cross_site => match is_form_token(&session, &sent).await {
            Ok(matches) => matches,
            Err(error) => {
                tracing::error!(error = %error, "could not read a session");
                return Failure::Internal.into_response();
            }
        },
        _ => false,
    };
    if !matches {
        tracing::info!(
            cross_site,
            "refused a form post without its session's form token"
        );
        return Failure::FormExpired.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The form token a multipart form carries, read from its own field.
async fn token_in_multipart(bytes: axum::body::Bytes, boundary: String) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut fields = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = fields.next_field().await {
        if field.name() == Some(FORM_TOKEN_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// Counts each page request against its caller's share of the service's rate limit, as the
/// GraphQL endpoint does: the signed-in person, else the address it came from. A caller over
/// the limit gets the "too many requests" page, with nothing done.
pub async fn within_rate_limit(
    axum::extract::State(limiter): axum::extract::State<std::sync::Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let signed_in = match request.extensions().get::<Session>() {
        Some(session) => session
            .get::<super::session::SignedInAs>(super::session::WHO)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let caller = match signed_in {
        Some(who) => format!("sub:{}", who.subject),
        None => request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(
                || "addr:unknown".to_owned(),
                |peer| format!("addr:{}", peer.0.ip()),
            ),
    };
    match limiter.check(&caller) {
        Ok(()) => next.run(request).await,
        Err(seconds) => {
            tracing::info!(retry_after = seconds, "page refused: rate limited");
            Failure::TooMany {
                retry_after_secs: seconds,
            }
            .into_response()
        }
    }
}
