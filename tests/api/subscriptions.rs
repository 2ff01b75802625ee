//! Live updates over WebSocket (graphql-transport-ws): authenticated in the connection-init
//! payload, scoped to the caller's organisations, and fed by whichever replica wrote.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partnership_ledger::auth::Role;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{
    drop_postgres_database, fresh_settings, plan_activity, postgres_available, record_item,
    spawn_app, Backend, Endpoint, Replica,
};
use crate::on_both;

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` on `endpoint` with `init` as the connection-init payload; answers with
/// the socket once acknowledged, or the message that refused it.
pub(crate) async fn connect(endpoint: &Endpoint, init: Value) -> Result<Socket, String> {
    let url = endpoint.address.replace("http://", "ws://") + "/graphql/ws";
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": init }).to_string(),
        ))
        .await
        .expect("send init");
    match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) if text.contains("connection_ack") => Ok(socket),
        other => Err(format!("{other:?}")),
    }
}

/// A socket signed in with `token` and acknowledged.
pub(crate) async fn connect_with(endpoint: &Endpoint, token: &str) -> Socket {
    connect(
        endpoint,
        json!({ "Authorization": format!("Bearer {token}") }),
    )
    .await
    .expect("acknowledged")
}

/// Sends a `subscribe` message for `query` as operation `id`.
pub(crate) async fn send_subscribe(socket: &mut Socket, id: &str, query: &str) {
    socket
        .send(Message::text(
            json!({ "id": id, "type": "subscribe", "payload": { "query": query } }).to_string(),
        ))
        .await
        .expect("subscribe");
}

/// The next text message, as JSON, within 5 s; `None` when the socket closed or said nothing.
pub(crate) async fn next_message(socket: &mut Socket) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??
        {
            Ok(Message::Text(text)) => return serde_json::from_str(&text).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

async fn subscribe(endpoint: &Endpoint, token: &str, query: &str) -> Socket {
    let mut socket = connect_with(endpoint, token).await;
    send_subscribe(&mut socket, "1", query).await;
    socket
}

/// The next `data` sent, within `wait`.
async fn next_data(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        if let Ok(Message::Text(text)) = message {
            let value: Value = serde_json::from_str(&text).expect("json");
            match value["type"].as_str() {
                Some("next") => return Some(value["payload"]["data"].clone()),
                Some("error") => panic!("subscription error: {value}"),
                _ => {}
            }
        }
    }
}

const EVENTS: &str = "subscription { events { logPosition aggregateType aggregateId eventType } }";

/// The events after `position` (a receipt's `logPosition`).
fn events_after(position: &str) -> String {
    format!(
        "subscription {{ events(after: \"{position}\") {{ logPosition aggregateType aggregateId eventType }} }}"
    )
}

/// The verdict changes after `position` (a receipt's `logPosition`).
fn verdicts_after(position: &str) -> String {
    format!(
        "subscription {{ verdictChanges(after: \"{position}\") {{ inputItemId verdict logPosition }} }}"
    )
}

/// Plans an activity of `org`; answers with its id and the log position of the write.
async fn plan_noting_position(endpoint: &Endpoint, token: &str, org: &str) -> (String, String) {
    let data = endpoint
        .ok(
            token,
            "mutation($i: PlanActivityInput!) { planActivity(input: $i) { activity { id } receipt { logPosition } } }",
            json!({ "i": {
                "kind": "FOCUS_GROUP", "title": "Outpatient letters", "topic": "Communication",
                "leadOrganisation": org, "plannedOn": "2026-01-10"
            }}),
        )
        .await;
    let text = |v: &Value| v.as_str().expect("text").to_owned();
    (
        text(&data["planActivity"]["activity"]["id"]),
        text(&data["planActivity"]["receipt"]["logPosition"]),
    )
}

/// Records that `activity`'s information was published; answers with the write's log position.
async fn publish(endpoint: &Endpoint, token: &str, activity: &str) -> String {
    let data = endpoint
        .ok(
            token,
            "mutation($i: RecordInformationPublishedInput!) { recordInformationPublished(input: $i) { receipt { logPosition } } }",
            json!({ "i": { "activityId": activity, "publishedOn": "2026-01-02" } }),
        )
        .await;
    data["recordInformationPublished"]["receipt"]["logPosition"]
        .as_str()
        .expect("position")
        .to_owned()
}

async fn subscribers_see_their_organisations_events_and_verdicts(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    app.register("RAL", "Royal Free").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let theirs = app.token(Role::EngagementOfficer, &["RAL"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;
    let (other, before) = plan_noting_position(&app, &theirs, "RAL").await;

    // graphql-transport-ws acknowledges no subscription, so one following "from now on" may
    // start after the writes below. Follow from the last write made before subscribing
    // instead: none after it can be missed, however late the subscriptions start.
    // (`a_subscription_follows_from_when_it_starts` covers "from now on".)
    let mut events = subscribe(&app, &officer, &events_after(&before)).await;
    let mut verdicts = subscribe(&app, &officer, &verdicts_after(&before)).await;
    record_item(&app, &theirs, &other, "Not yours", "2026-01-10").await;
    let item = record_item(&app, &officer, &activity, "Yours", "2026-01-10").await;

    let seen = next_data(&mut events, Duration::from_secs(2))
        .await
        .expect("an event within a second or so");
    assert_eq!(
        seen["events"]["aggregateId"],
        item.as_str(),
        "RAL's item is not sent: {seen}"
    );
    assert_eq!(seen["events"]["eventType"], "InputItemRecorded");
    let first = next_data(&mut verdicts, Duration::from_secs(2))
        .await
        .expect("a verdict");
    assert_eq!(first["verdictChanges"]["inputItemId"], item.as_str());
    // Raised in January and not answered since: overdue by now.
    assert_eq!(first["verdictChanges"]["verdict"], "OVERDUE");

    app.ok(&officer, "mutation($i: DecideInputItemInput!) { decideInputItem(input: $i) { inputItem { id } } }",
        json!({ "i": { "inputItemId": item, "outcome": "DECLINED", "reason": "No budget", "decidedOn": "2026-01-20" } })).await;
    let decided = next_data(&mut verdicts, Duration::from_secs(2))
        .await
        .expect("a changed verdict");
    assert_eq!(decided["verdictChanges"]["verdict"], "DECLINED");
    let seen = next_data(&mut events, Duration::from_secs(2))
        .await
        .expect("the decision");
    assert_eq!(seen["events"]["eventType"], "InputItemDecided");

    // Resuming after the first event replays what came since, so nothing is missed.
    let first_position = first["verdictChanges"]["logPosition"]
        .as_str()
        .expect("position")
        .to_owned();
    let mut resumed = subscribe(
        &app,
        &officer,
        &format!(
            "subscription {{ events(after: \"{first_position}\") {{ eventType aggregateId }} }}"
        ),
    )
    .await;
    let replayed = next_data(&mut resumed, Duration::from_secs(2))
        .await
        .expect("replayed");
    assert_eq!(replayed["events"]["eventType"], "InputItemDecided");
    assert_eq!(replayed["events"]["aggregateId"], item.as_str());

    // No token, or a bad one: no acknowledgement.
    assert!(connect(&app, json!({})).await.is_err());
    assert!(
        connect(&app, json!({ "Authorization": "Bearer not-a-token" }))
            .await
            .is_err()
    );
}

/// A subscription without `after` follows from when it starts: it shows nothing written
/// before it, and every write from then on, in order.
async fn a_subscription_follows_from_when_it_starts(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let activity = plan_activity(&app, &officer, "QMJ", "2026-01-10").await;

    let mut events = subscribe(&app, &officer, EVENTS).await;
    // graphql-transport-ws acknowledges no subscription, so when it starts following is not
    // known: write until it shows one of the writes. Whenever it started, the first thing it
    // shows is one of these (nothing from before it), and from then on it shows every write.
    let mut written = Vec::new();
    let first = loop {
        written.push(publish(&app, &officer, &activity).await);
        if let Some(seen) = next_data(&mut events, Duration::from_millis(100)).await {
            break seen;
        }
        assert!(
            written.len() < 50,
            "the subscription showed none of {} writes",
            written.len()
        );
    };
    assert_eq!(
        first["events"]["eventType"], "InformationPublished",
        "{first}"
    );
    let shown = first["events"]["logPosition"].as_str().expect("position");
    let at = written
        .iter()
        .position(|p| p == shown)
        .unwrap_or_else(|| panic!("{shown} is none of the writes after subscribing: {written:?}"));
    for position in &written[at + 1..] {
        let seen = next_data(&mut events, Duration::from_secs(2))
            .await
            .expect("every later write");
        assert_eq!(seen["events"]["logPosition"], position.as_str(), "{seen}");
    }
    // Following now: the next write is the next thing shown.
    let item = record_item(&app, &officer, &activity, "Yours", "2026-01-10").await;
    let seen = next_data(&mut events, Duration::from_secs(2))
        .await
        .expect("a write made after it started");
    assert_eq!(
        (&seen["events"]["aggregateId"], &seen["events"]["eventType"]),
        (&json!(item), &json!("InputItemRecorded")),
        "{seen}"
    );
}

on_both!(
    subscribers_see_their_organisations_events_and_verdicts,
    a_subscription_follows_from_when_it_starts
);

/// A subscription on one replica sees writes made through another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_replica_sees_writes_through_another() {
    if !postgres_available().await {
        return;
    }
    let (settings, _dir, database) = fresh_settings(Backend::Postgres).await;
    let writer = Replica::start(&settings).await;
    let reader = Replica::start(&settings).await;
    writer.register("QMJ", "North Central Trust").await;
    let officer = writer.token(Role::EngagementOfficer, &["QMJ"]);
    let (activity, before) = plan_noting_position(&writer, &officer, "QMJ").await;
    // Follow from the writer's last write, so the subscription shows the next one however
    // late it starts and however far the reader's views have come.
    let mut events = subscribe(&reader, &officer, &events_after(&before)).await;
    let item = record_item(
        &writer,
        &officer,
        &activity,
        "Across replicas",
        "2026-01-10",
    )
    .await;
    let seen = next_data(&mut events, Duration::from_secs(2))
        .await
        .expect("the other replica's write within a second or so");
    assert_eq!(seen["events"]["aggregateId"], item.as_str());
    drop(events);
    writer.stop().await;
    reader.stop().await;
    if let Some(name) = database {
        drop_postgres_database(name);
    }
}
