//! At scale: a seeded ledger on PostgreSQL, then start-up, dashboards, projection lag under a
//! steady write load, and a full rebuild against a plain read of the log.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures_util::{SinkExt, StreamExt};
use partnership_ledger::auth::Role;
use partnership_ledger::seed::plan;
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::service::{Client, Storage};
use crate::stats::{closed_loop, quantile, Load};

/// Writes `systems` seeded systems with the real binary's `seed`; answers with the time taken.
pub fn seed(binary: &Path, storage: &Storage, systems: usize) -> anyhow::Result<Duration> {
    seed_with(binary, storage, systems, 0)
}

/// [`seed`], with one large organisation holding `large` input items.
pub fn seed_with(
    binary: &Path,
    storage: &Storage,
    systems: usize,
    large: usize,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut command = std::process::Command::new(binary);
    command.args([
        "seed",
        "--scale",
        &systems.to_string(),
        "--concurrency",
        "64",
        "--large-organisation",
        &large.to_string(),
    ]);
    storage.env(&mut command);
    let status = command.status().context("could not run seed")?;
    if !status.success() {
        bail!("seed failed: {status}");
    }
    Ok(started.elapsed())
}

/// Rebuilds the views with the real binary's `rebuild`; answers with the time taken.
pub fn rebuild(binary: &Path, storage: &Storage) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut command = std::process::Command::new(binary);
    command.arg("rebuild").stdout(std::process::Stdio::null());
    storage.env(&mut command);
    let status = command.status().context("could not run rebuild")?;
    if !status.success() {
        bail!("rebuild failed: {status}");
    }
    Ok(started.elapsed())
}

/// The two dashboard queries, read by an auditor of a trust of the first seeded system.
pub async fn dashboards(
    client: &Client,
    clients: usize,
    length: Duration,
) -> anyhow::Result<(Load, Load)> {
    let orgs = plan::organisations(0);
    let trust = orgs[1].0.clone();
    let token = Arc::new(client.token(Role::Auditor, &[&trust])?);
    let rollup = format!(
        "{{ organisation(odsCode: \"{trust}\") {{ rollup {{ total actedOn loopClosed \
         percentActedOn percentAnsweredWithinWindow counts {{ verdict count }} }} }} }}"
    );
    let page = format!(
        "{{ inputItems(first: 50, filter: {{ organisation: \"{trust}\" }}) {{ edges {{ node {{ \
         id summary verdict loopClosed genuinelyActedOn actions {{ id title status dueOn }} }} }} }} }}"
    );
    let mut answers = Vec::new();
    for query in [rollup, page] {
        let (client, token, query) = (client.clone(), token.clone(), Arc::new(query));
        client.ok(&token, &query, json!({})).await?;
        answers.push(
            closed_loop(clients, length, move |_, _| {
                let (client, token, query) = (client.clone(), token.clone(), query.clone());
                async move { client.ok(&token, &query, json!({})).await.map(|_| ()) }
            })
            .await,
        );
    }
    let page = answers.pop().unwrap_or_default();
    let rollup = answers.pop().unwrap_or_default();
    Ok((rollup, page))
}

/// Commit-to-visible lag: a subscriber to live events times each event from its `recordedAt`
/// to its arrival, while writers send the mix at `rate` a second for `length`. Answers with
/// the p99 lag and the rate actually written.
pub async fn projection_lag(
    client: &Client,
    rate: u32,
    length: Duration,
) -> anyhow::Result<(Duration, f64, usize)> {
    let token = client.token(Role::Auditor, &[crate::mix::ORG])?;
    let url = client.address.replace("http://", "ws://") + "/graphql/ws";
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })
                .to_string(),
        ))
        .await?;
    socket.next().await.context("no connection_ack")??;
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription { events { recordedAt } }" } })
            .to_string(),
        ))
        .await?;
    let listening = tokio::spawn(async move {
        let mut lags = Vec::new();
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout(Duration::from_secs(5), socket.next()).await
        {
            let Message::Text(text) = message else {
                continue;
            };
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let Some(at) = value["payload"]["data"]["events"]["recordedAt"].as_str() else {
                continue;
            };
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) {
                let lag = chrono::Utc::now().signed_duration_since(at);
                lags.push(lag.to_std().unwrap_or_default());
            }
        }
        lags
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = paced(client, rate, length).await?;
    let mut lags = listening.await?;
    lags.sort();
    Ok((quantile(&lags, 0.99), written, lags.len()))
}

/// Sends the mix at `rate` mutations a second (open loop, 16 writers) for `length`; answers
/// with the rate achieved.
async fn paced(client: &Client, rate: u32, length: Duration) -> anyhow::Result<f64> {
    let writers = 16usize;
    let per_writer = Duration::from_secs_f64(writers as f64 / f64::from(rate.max(1)));
    let mix = crate::mix::Mix::new(client, writers)?;
    let load = {
        closed_loop(writers, length, move |c, i| {
            let mix = mix.clone();
            async move {
                let started = Instant::now();
                mix.step(c, i).await?;
                if let Some(rest) = per_writer.checked_sub(started.elapsed()) {
                    tokio::time::sleep(rest).await;
                }
                anyhow::Ok(())
            }
        })
        .await
    };
    Ok(load.per_second)
}
