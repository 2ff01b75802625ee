//! The public "you said, we did" pages at scale: an organisation turns its page on and
//! publishes its latest activities (up to 50), then 64 members of the public at once read its
//! page and the activities' pages in turn, not signed in.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use partnership_ledger::auth::Role;
use serde_json::json;

use crate::service::Client;
use crate::stats::{closed_loop, Load};

/// What the public pages measured.
pub struct Public {
    pub load: Load,
    /// How many different pages were read in turn.
    pub pages: usize,
}

/// Turns `org`'s public page on, publishes its latest 50 activities, and has `readers` read
/// its pages for `length`.
pub async fn read(
    client: &Client,
    org: &str,
    readers: usize,
    length: Duration,
) -> anyhow::Result<Public> {
    let admin = client.token(Role::Admin, &[])?;
    let officer = client.token(Role::EngagementOfficer, &[org])?;
    let on = client
        .ok(
            &admin,
            "query($o: String!) { organisation(odsCode: $o) { publicPage } }",
            json!({ "o": org }),
        )
        .await?;
    // A database kept from an earlier run (`--reuse`) may have it on already.
    if on["organisation"]["publicPage"] != true {
        client
            .ok(
                &admin,
                "mutation($i: SetPublicPageInput!) { setPublicPage(input: $i) { organisation { publicPage } } }",
                json!({ "i": { "odsCode": org, "published": true } }),
            )
            .await?;
    }
    let data = client
        .ok(
            &officer,
            &format!(
                "{{ activities(organisation: \"{org}\", first: 50) {{ edges {{ node {{ id publicSince }} }} }} }}"
            ),
            json!({}),
        )
        .await?;
    let edges = data["activities"]["edges"]
        .as_array()
        .context("no activities")?;
    let mut paths = vec![format!("/public/{org}")];
    if edges.len() > 20 {
        paths.push(format!("/public/{org}?page=2"));
    }
    for node in edges.iter().map(|e| &e["node"]) {
        let id = node["id"].as_str().context("an activity id")?;
        if node["publicSince"].is_null() {
            client
                .ok(
                    &officer,
                    "mutation($i: PublishActivityInput!) { publishActivity(input: $i) { activity { id } } }",
                    json!({ "i": { "activityId": id, "nothingPersonal": true } }),
                )
                .await?;
        }
        paths.push(format!("/public/{org}/activities/{id}"));
    }
    if paths.len() < 2 {
        bail!("{org} has no activities to publish");
    }
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(readers)
        .build()?;
    let address = client.address.clone();
    let read = move |http: reqwest::Client, url: String| async move {
        let response = http.get(&url).send().await?;
        let status = response.status();
        let body = response.text().await?;
        if status != reqwest::StatusCode::OK || !body.contains("</html>") {
            bail!("{url} answered {status}");
        }
        anyhow::Ok(())
    };
    for path in &paths {
        read(http.clone(), format!("{address}{path}")).await?;
    }
    let paths = Arc::new(paths);
    let pages = paths.len();
    let load = closed_loop(readers, length, move |c, i| {
        let url = format!(
            "{address}{}",
            paths[(c + i as usize * readers) % paths.len()]
        );
        read(http.clone(), url)
    })
    .await;
    Ok(Public { load, pages })
}
