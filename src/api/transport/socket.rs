//! GraphQL over WebSocket (the graphql-transport-ws protocol), for subscriptions only, under the
//! same rules as HTTP.
//!
//! Queries and mutations go by POST to `/graphql`, where the rate limit, the time limit and the
//! one-operation rule apply; on a socket they are refused. Each `subscribe` counts against the
//! caller's rate limit as a request does, a socket runs at most [`MAX_SOCKET_OPERATIONS`] at
//! once, messages are no larger than a request body, and every text passes the same shape
//! checks ([`super::parsed::CheckedSchema`]). A socket that does not send `connection_init` within
//! [`INIT_TIMEOUT`] is closed (4408), and a signed-in socket is closed (4403) as soon as its
//! token stops being valid: expired, past the maximum age, or its key retired.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::futures_util::StreamExt;
use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request, Response, ServerError};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use uuid::Uuid;

use super::layers::auth::bearer;
use super::refusal::with_codes;
use super::state::AppState;
use crate::api::common::context::RequestInfo;
use crate::auth::Principal;

/// The one sub-protocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";
/// How long a new socket has to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a signed-in socket's token is checked again.
const RECHECK: Duration = Duration::from_secs(1);
/// Most operations running at once on one socket.
pub const MAX_SOCKET_OPERATIONS: usize = 10;

/// What the client sends.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Incoming {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {},
    Subscribe {
        id: String,
        payload: Box<Request>,
    },
    Complete {
        id: String,
    },
}

/// What an operation's task hands to the socket to send.
enum Outgoing {
    Next(String, Response),
    Error(String, Vec<ServerError>),
    Complete(String),
}

/// Why a socket is being closed.
struct Close(u16, String);

/// A signed-in socket's caller.
struct Session {
    token: String,
    principal: Principal,
}

/// One socket's state.
struct Connection {
    state: AppState,
    session: Option<Session>,
    running: HashMap<String, AbortHandle>,
    outgoing: mpsc::Sender<Outgoing>,
}

/// Serves one upgraded socket until either side closes it.
pub async fn serve(mut socket: WebSocket, state: AppState) {
    let (outgoing, mut results) = mpsc::channel(64);
    let mut connection = Connection {
        state,
        session: None,
        running: HashMap::new(),
        outgoing,
    };
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut recheck = tokio::time::interval(RECHECK);
    let close = loop {
        let signed_in = connection.session.is_some();
        let step = tokio::select! {
            () = &mut init_deadline, if !signed_in => {
                Err(Close(4408, "Connection initialisation timeout".into()))
            }
            _ = recheck.tick(), if signed_in => connection.recheck(),
            Some(result) = results.recv() => Ok(connection.finished(result)),
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => connection.receive(text.as_bytes()),
                Some(Ok(Message::Binary(bytes))) => connection.receive(&bytes),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(None),
                Some(Ok(Message::Close(_)) | Err(_)) | None => break None,
            },
        };
        match step {
            Ok(Some(reply)) => {
                if socket.send(Message::text(reply.to_string())).await.is_err() {
                    break None;
                }
            }
            Ok(None) => {}
            Err(close) => break Some(close),
        }
    };
    for (_, task) in connection.running.drain() {
        task.abort();
    }
    if let Some(Close(code, reason)) = close {
        tracing::info!(close.code = code, close.reason = %reason, "socket closed");
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
}

/// An `error` message for operation `id`.
fn error_message(id: &str, mut errors: Vec<ServerError>) -> Value {
    with_codes(&mut errors);
    json!({ "id": id, "type": "error", "payload": errors })
}

fn refusal(id: &str, code: &str, message: String) -> Value {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error_message(id, vec![error])
}

impl Connection {
    /// Handles one message from the client: a reply to send, nothing, or a reason to close.
    fn receive(&mut self, bytes: &[u8]) -> Result<Option<Value>, Close> {
        let message: Incoming = serde_json::from_slice(bytes).map_err(|_| {
            Close(
                4400,
                "Invalid message: expected a graphql-transport-ws message".into(),
            )
        })?;
        match message {
            Incoming::ConnectionInit { payload } => self.init(payload.unwrap_or_default()),
            Incoming::Ping { payload } => Ok(Some(match payload {
                Some(payload) => json!({ "type": "pong", "payload": payload }),
                None => json!({ "type": "pong" }),
            })),
            Incoming::Pong {} => Ok(None),
            Incoming::Subscribe { id, payload } => self.subscribe(id, *payload),
            Incoming::Complete { id } => {
                if let Some(task) = self.running.remove(&id) {
                    task.abort();
                }
                Ok(None)
            }
        }
    }

    /// Signs the socket in with the token in the payload (`{"Authorization": "Bearer …"}` or
    /// `{"token": "…"}`).
    fn init(&mut self, payload: Value) -> Result<Option<Value>, Close> {
        if self.session.is_some() {
            return Err(Close(4429, "Too many initialisation requests".into()));
        }
        let token = ["Authorization", "authorization", "token"]
            .iter()
            .find_map(|k| payload.get(*k).and_then(Value::as_str))
            .map(|t| bearer(t).unwrap_or(t).trim().to_owned())
            .ok_or_else(|| Close(4403, "Forbidden: missing bearer token".into()))?;
        let principal = self.state.tokens.verify(&token).map_err(|error| {
            tracing::info!(reason = %error, "socket refused: not authenticated");
            Close(4403, format!("Forbidden: {error}"))
        })?;
        self.session = Some(Session { token, principal });
        Ok(Some(json!({ "type": "connection_ack" })))
    }

    /// Closes the socket once its token is no longer valid.
    fn recheck(&mut self) -> Result<Option<Value>, Close> {
        if let Some(session) = &self.session {
            if let Err(error) = self.state.tokens.verify(&session.token) {
                tracing::info!(reason = %error, "socket closed: its token is no longer valid");
                return Err(Close(4403, format!("Forbidden: {error}")));
            }
        }
        Ok(None)
    }

    /// Starts a subscription, or refuses it with an `error` message.
    fn subscribe(&mut self, id: String, mut request: Request) -> Result<Option<Value>, Close> {
        let Some(session) = &self.session else {
            return Err(Close(4401, "Unauthorized".into()));
        };
        if self.running.contains_key(&id) {
            return Err(Close(4409, format!("Subscriber for {id} already exists")));
        }
        if self.running.len() >= MAX_SOCKET_OPERATIONS {
            return Ok(Some(refusal(
                &id,
                "RATE_LIMITED",
                format!(
                    "at most {MAX_SOCKET_OPERATIONS} subscriptions may run at once on one \
                     socket; complete one first"
                ),
            )));
        }
        let caller = format!("sub:{}", session.principal.subject);
        if let Err(seconds) = self.state.limiter.check(&caller) {
            tracing::info!(retry_after = seconds, "subscription refused: rate limited");
            return Ok(Some(refusal(
                &id,
                "RATE_LIMITED",
                format!("too many requests; retry after {seconds} s"),
            )));
        }
        match self.state.schema.operation_type(&mut request) {
            Err(error) => return Ok(Some(error_message(&id, vec![error]))),
            Ok(OperationType::Subscription) => {}
            Ok(_) => {
                return Ok(Some(refusal(
                    &id,
                    "VALIDATION",
                    "only subscriptions go over the WebSocket; send queries and mutations by \
                     POST to /graphql"
                        .into(),
                )))
            }
        }
        let request = request.data(session.principal.clone()).data(RequestInfo {
            correlation_id: Uuid::new_v4().to_string(),
        });
        let schema = self.state.schema.clone();
        let outgoing = self.outgoing.clone();
        let operation = id.clone();
        let task = tokio::spawn(async move {
            // Counted open for as long as the task runs, however it ends (an abort drops it).
            let _open = OpenSubscription::counted();
            let mut answers = schema.execute_stream(request, None);
            while let Some(answer) = answers.next().await {
                let message =
                    if answer.data == async_graphql::Value::Null && !answer.errors.is_empty() {
                        Outgoing::Error(operation.clone(), answer.errors)
                    } else {
                        Outgoing::Next(operation.clone(), answer)
                    };
                let last = matches!(message, Outgoing::Error(..));
                if outgoing.send(message).await.is_err() || last {
                    return;
                }
            }
            let _ = outgoing.send(Outgoing::Complete(operation)).await;
        });
        self.running.insert(id, task.abort_handle());
        Ok(None)
    }

    /// The message for what an operation's task produced; forgets an operation that ended.
    fn finished(&mut self, result: Outgoing) -> Option<Value> {
        let message = match result {
            Outgoing::Next(id, mut answer) => {
                if !self.running.contains_key(&id) {
                    return None;
                }
                with_codes(&mut answer.errors);
                json!({ "id": id, "type": "next", "payload": answer })
            }
            Outgoing::Error(id, errors) => {
                self.running.remove(&id)?;
                error_message(&id, errors)
            }
            Outgoing::Complete(id) => {
                self.running.remove(&id)?;
                json!({ "id": id, "type": "complete" })
            }
        };
        Some(message)
    }
}

/// One subscription counted in the metrics while it is open.
struct OpenSubscription;

impl OpenSubscription {
    fn counted() -> Self {
        metrics::gauge!(crate::telemetry::metrics::SUBSCRIPTIONS).increment(1.0);
        Self
    }
}

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        metrics::gauge!(crate::telemetry::metrics::SUBSCRIPTIONS).decrement(1.0);
    }
}
