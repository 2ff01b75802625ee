//! The web interface's static files, at `/assets/`: the NHS.UK frontend vendored under
//! `web/assets/` (see `web/vendor-nhsuk-frontend.sh`), built into the binary so that a fresh
//! machine serves them with no other step. Its stylesheet names its icons as
//! `/assets/images/...`, hence the place.
//!
//! Each answer carries the file's content hash as its `ETag`, and is cached for a day and then
//! revalidated (a `304` when unchanged): the file names carry no version, so a refreshed
//! design system reaches browsers within a day. Text files are gzipped for clients that
//! accept it.

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;
use tower_http::compression::CompressionLayer;

/// The files under `web/assets/`: read from the disk in a debug build (so an edit shows on
/// the next request), embedded in a release build.
#[derive(RustEmbed)]
#[folder = "web/assets/"]
struct Assets;

/// How long a browser keeps a file before asking again whether it changed.
const CACHED_FOR: &str = "public, max-age=86400";

/// `/assets/{path}`, gzipped where the client accepts it.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/assets/{*path}", get(asset))
        .layer(CompressionLayer::new())
}

/// The file at `path` under the assets, or `404`; `304` when the client holds it already.
async fn asset(Path(path): Path<String>, asked: HeaderMap) -> Response {
    let Some(file) = plain(&path).then(|| Assets::get(&path)).flatten() else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let held = asked
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag);
    let mut response = match held {
        true => StatusCode::NOT_MODIFIED.into_response(),
        // The embedded bytes themselves, not a copy of them.
        false => Body::from(file.data).into_response(),
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, file.metadata.mimetype()),
        (header::ETAG, etag.as_str()),
        (header::CACHE_CONTROL, CACHED_FOR),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    response
}

/// Whether `path` names a file below the assets by plain names: no empty, `.` or `..` part
/// and no backslash, so that no request reaches outside them, whatever it encodes.
fn plain(path: &str) -> bool {
    !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn only_plain_paths_below_the_assets_are_looked_up() {
        assert!(plain("images/favicon.svg"));
        assert!(plain("nhsuk-frontend.min.css"));
        for path in [
            "",
            "../Cargo.toml",
            "images/../../x",
            "./a",
            "a//b",
            "a\\..\\b",
            "a/",
        ] {
            assert!(!plain(path), "{path:?}");
        }
    }
}
