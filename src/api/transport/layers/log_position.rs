//! Reading one's own writes on any replica: a request carrying `X-Log-Position` (a receipt's
//! `tx:position`) waits, up to [`POSITION_WAIT`], for this replica's views to reach it before it
//! runs; a query is then read from a server that has replayed it (a hot standby that has, or
//! the primary). No stock layer waits on something of ours, so this one is written as
//! tower-http's are: a [`Layer`] making a [`Service`] around the next.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tower::{Layer, Service};

use crate::api::common::error::ApiError;
use crate::api::transport::refusal::refuse;
use crate::ledger::Ledger;
use crate::store::LogPosition;

/// The log position a request asked to be answered at or after, once the views have reached it.
#[derive(Debug, Clone, Copy)]
pub struct WantedPosition(pub LogPosition);

/// How long a request asking for a log position waits for the views to reach it.
pub const POSITION_WAIT: Duration = Duration::from_secs(10);

/// Makes requests wait for the position they ask for.
#[derive(Clone)]
pub struct WaitForPositionLayer {
    ledger: Arc<Ledger>,
}

impl WaitForPositionLayer {
    /// Waits on `ledger`'s projector.
    pub fn new(ledger: Arc<Ledger>) -> Self {
        Self { ledger }
    }
}

impl<S> Layer<S> for WaitForPositionLayer {
    type Service = WaitForPosition<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WaitForPosition {
            inner,
            ledger: self.ledger.clone(),
        }
    }
}

/// The service of [`WaitForPositionLayer`].
#[derive(Clone)]
pub struct WaitForPosition<S> {
    inner: S,
    ledger: Arc<Ledger>,
}

impl<S> Service<Request> for WaitForPosition<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The service polled ready is the one called; its clone waits for the next request.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let ledger = self.ledger.clone();
        Box::pin(async move {
            let mut request = request;
            match wanted_position(request.headers()) {
                Err(message) => {
                    return Ok(refuse(
                        StatusCode::BAD_REQUEST,
                        ApiError::Validation(message),
                    ))
                }
                Ok(Some(target)) => {
                    if !ledger.projector().wait_for(target, POSITION_WAIT).await {
                        return Ok(refuse(
                            StatusCode::SERVICE_UNAVAILABLE,
                            ApiError::Lagging(
                                "the views have not reached X-Log-Position within 10 s; retry"
                                    .into(),
                            ),
                        ));
                    }
                    // A query is then read from a server holding it (see `AppState::execute`).
                    request.extensions_mut().insert(WantedPosition(target));
                }
                Ok(None) => {}
            }
            inner.call(request).await
        })
    }
}

/// The position a client asks to be answered at or after: `tx:position`, as receipts give it.
fn wanted_position(headers: &HeaderMap) -> Result<Option<LogPosition>, String> {
    let Some(value) = headers.get("x-log-position") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let parsed = text.split_once(':').and_then(|(tx, position)| {
        Some(LogPosition {
            tx: tx.parse().ok()?,
            position: position.parse().ok()?,
        })
    });
    parsed
        .map(Some)
        .ok_or_else(|| "X-Log-Position: give a receipt's logPosition, such as 0:42".to_owned())
}
