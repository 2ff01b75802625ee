//! The command mix every writer runs, over HTTP: plan an activity, record that information was
//! published, record it held with attendance, and record an input item raised there; then
//! again with a new activity. Two new records and two appends in every four commands.

use std::sync::Arc;
use std::time::{Duration, Instant};

use partnership_ledger::auth::Role;
use serde_json::json;
use tokio::sync::Mutex;

use crate::service::Client;
use crate::stats::{closed_loop, quantile, Load};

/// The organisation every benchmark writes for.
pub const ORG: &str = "QMJ";

#[derive(Default)]
struct Cursor {
    activity: String,
}

/// Registers the benchmark's organisation.
pub async fn prepare(client: &Client) -> anyhow::Result<()> {
    let admin = client.token(Role::Admin, &[])?;
    // A database kept from an earlier run (`--reuse`) has it already.
    let query = format!("{{ organisation(odsCode: \"{ORG}\") {{ odsCode }} }}");
    if client.ok(&admin, &query, json!({})).await.is_ok() {
        return Ok(());
    }
    client
        .mutate(
            &admin,
            "registerOrganisation",
            "organisation { odsCode }",
            json!({ "odsCode": ORG, "name": "Benchmark Trust", "kind": "NHS_TRUST" }),
        )
        .await?;
    Ok(())
}

/// The mix's writers: one cursor (its current activity) per writer.
pub struct Mix {
    client: Client,
    token: String,
    cursors: Vec<Mutex<Cursor>>,
}

impl Mix {
    /// A mix for `writers` writers through `client`.
    pub fn new(client: &Client, writers: usize) -> anyhow::Result<Arc<Self>> {
        Ok(Arc::new(Self {
            client: client.clone(),
            token: client.token(Role::EngagementOfficer, &[ORG])?,
            cursors: (0..writers)
                .map(|_| Mutex::new(Cursor::default()))
                .collect(),
        }))
    }

    /// Writer `c`'s command number `i`.
    pub async fn step(&self, c: usize, i: u64) -> anyhow::Result<()> {
        let (client, token) = (&self.client, self.token.as_str());
        let mut cursor = self.cursors[c].lock().await;
        match i % 4 {
            0 => {
                cursor.activity = client
                    .create(
                        token,
                        "planActivity",
                        "activity",
                        json!({
                        "kind": "FOCUS_GROUP", "title": format!("Benchmark {c}/{i}"),
                        "topic": "Outpatients", "leadOrganisation": ORG,
                        "plannedOn": "2026-06-01" }),
                    )
                    .await?;
            }
            1 => {
                client
                    .mutate(
                        token,
                        "recordInformationPublished",
                        "activity { id }",
                        json!({
                        "activityId": cursor.activity, "publishedOn": "2026-05-20",
                        "accessibleFormats": ["EASY_READ"] }),
                    )
                    .await?;
            }
            2 => {
                client
                    .mutate(
                        token,
                        "recordActivityHeld",
                        "activity { id }",
                        json!({
                        "activityId": cursor.activity, "heldOn": "2026-06-01",
                        "attendance": { "patients": 9, "carers": 2, "public": 1, "staff": 2 } }),
                    )
                    .await?;
            }
            _ => {
                client
                    .create(
                        token,
                        "recordInputItem",
                        "inputItem",
                        json!({
                        "activityId": cursor.activity, "kind": "RECOMMENDATION",
                        "summary": "Offer evening appointments", "themes": ["access"],
                        "raisedBy": "PATIENT", "raisedOn": "2026-06-01" }),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}

/// The mix at `clients` concurrent writers for `length`.
pub async fn load(client: &Client, clients: usize, length: Duration) -> anyhow::Result<Load> {
    let mix = Mix::new(client, clients)?;
    Ok(closed_loop(clients, length, move |c, i| {
        let mix = mix.clone();
        async move { mix.step(c, i).await }
    })
    .await)
}

/// Builds an action with `events` progress notes, then times `samples` more: p50 and p99.
pub async fn long_stream(
    client: &Client,
    events: usize,
    samples: usize,
) -> anyhow::Result<(Duration, Duration)> {
    let token = client.token(Role::EngagementOfficer, &[ORG])?;
    let activity = client
        .create(
            &token,
            "planActivity",
            "activity",
            json!({
            "kind": "PATIENT_PANEL", "title": "Long stream", "topic": "Outpatients",
            "leadOrganisation": ORG, "plannedOn": "2026-06-01" }),
        )
        .await?;
    let item = client
        .create(
            &token,
            "recordInputItem",
            "inputItem",
            json!({
            "activityId": activity, "kind": "IDEA", "summary": "A long-running action",
            "raisedBy": "PATIENT", "raisedOn": "2026-06-01" }),
        )
        .await?;
    client
        .mutate(
            &token,
            "decideInputItem",
            "inputItem { id }",
            json!({
            "inputItemId": item, "outcome": "ACCEPTED", "decidedOn": "2026-06-02" }),
        )
        .await?;
    let action = client
        .create(
            &token,
            "proposeAction",
            "action",
            json!({
            "title": "Keep a long record", "ownerOrganisation": ORG, "ownerRole": "Lead",
            "decisionForum": "Board", "dueOn": "2027-06-01", "inputItemIds": [item],
            "proposedOn": "2026-06-02" }),
        )
        .await?;
    client
        .mutate(
            &token,
            "agreeAction",
            "action { id }",
            json!({
            "actionId": action, "agreedOn": "2026-06-02" }),
        )
        .await?;
    let progress = |n: usize| json!({ "actionId": action, "recordedOn": "2026-06-03", "note": format!("Note {n}") });
    // Only the count of events matters here, not the answer: select the id alone.
    for n in 0..events.saturating_sub(1) {
        client
            .mutate(&token, "recordActionProgress", "action { id }", progress(n))
            .await?;
    }
    let mut times = Vec::with_capacity(samples);
    for n in 0..samples {
        let sent = Instant::now();
        client
            .mutate(
                &token,
                "recordActionProgress",
                "action { id }",
                progress(events + n),
            )
            .await?;
        times.push(sent.elapsed());
    }
    times.sort();
    Ok((quantile(&times, 0.5), quantile(&times, 0.99)))
}
