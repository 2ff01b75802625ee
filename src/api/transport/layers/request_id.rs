//! Request ids (`X-Request-Id`): a client's own id is kept when it is a usable one, else each
//! request gets a fresh UUID (tower-http's `SetRequestIdLayer`); it goes back on the response
//! (`PropagateRequestIdLayer`), names the request's tracing span, and is the correlation id an
//! internal error gives the client.

use axum::extract::Request;
use axum::http::HeaderName;
use tower_http::request_id::RequestId;

/// The header carrying the request id, in and out.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id a client may choose.
const MAX_CLIENT_ID: usize = 128;

/// Drops a client's `X-Request-Id` that is too long or holds anything but letters, digits and
/// `-_.:`, so that what is logged and sent back is always a short plain token; the request then
/// gets a fresh id.
pub fn keep_usable_id(mut request: Request) -> Request {
    let usable = request.headers().get(&REQUEST_ID).is_none_or(|id| {
        let id = id.as_bytes();
        !id.is_empty()
            && id.len() <= MAX_CLIENT_ID
            && id
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    });
    if !usable {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// The request's id, as set by `SetRequestIdLayer` (`-` when there is none).
pub fn of<B>(request: &Request<B>) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned()
}
