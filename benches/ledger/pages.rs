//! The web interface's pages at scale: an engagement officer's home page ("what needs you")
//! and an activity's page, read by 16 people at once, each signed in with a session of their
//! own made the way an administrator lets someone in (`sign-in-link`, then the link's page and
//! its button).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use partnership_ledger::auth::Role;
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::json;

use crate::service::{Client, Storage};
use crate::stats::{closed_loop, Load};

/// A browser-like client signed in to the pages, holding its session cookie.
#[derive(Clone)]
struct Browser {
    address: String,
    http: reqwest::Client,
    cookie: String,
}

impl Browser {
    /// Signs in as an engagement officer of `org` with a fresh one-time link.
    async fn sign_in(
        binary: &Path,
        storage: &Storage,
        address: &str,
        org: &str,
        n: usize,
    ) -> anyhow::Result<Self> {
        let mut command = std::process::Command::new(binary);
        command.args([
            "sign-in-link",
            "--sub",
            &format!("bench-reader-{n}"),
            "--role",
            &Role::EngagementOfficer.to_string(),
            "--org",
            org,
        ]);
        storage.env(&mut command);
        command.env("PL_PUBLIC_URL", address);
        let output = command.output().context("could not run sign-in-link")?;
        if !output.status.success() {
            bail!(
                "sign-in-link failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let link = String::from_utf8(output.stdout)?.trim().to_owned();
        let token = link
            .split_once("token=")
            .map(|(_, t)| t.to_owned())
            .context("sign-in-link printed no token")?;
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .pool_max_idle_per_host(4)
            .build()?;
        let opened = http.get(&link).send().await?;
        let cookie = session_cookie(&opened).context("the link's page set no session")?;
        let page = opened.text().await?;
        let csrf = hidden_value(&page, "csrf_token").context("the link's page has no form")?;
        let signed_in = http
            .post(format!("{address}/sign-in/link"))
            .header(COOKIE, &cookie)
            .form(&[("csrf_token", csrf.as_str()), ("token", token.as_str())])
            .send()
            .await?;
        if signed_in.status() != StatusCode::SEE_OTHER {
            bail!("signing in answered {}", signed_in.status());
        }
        let cookie = session_cookie(&signed_in).unwrap_or(cookie);
        Ok(Self {
            address: address.to_owned(),
            http,
            cookie,
        })
    }

    /// Reads the page at `path`, which must answer 200 with a whole page.
    async fn read(&self, path: &str) -> anyhow::Result<()> {
        let response = self
            .http
            .get(format!("{}{path}", self.address))
            .header(COOKIE, &self.cookie)
            .send()
            .await?;
        let status = response.status();
        let body = response.text().await?;
        if status != StatusCode::OK || !body.contains("</html>") {
            bail!("{path} answered {status}");
        }
        Ok(())
    }
}

/// `name=value` of the session cookie a response sets.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("ledger-session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The value of the hidden input named `name` in `page`.
fn hidden_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &page[at + name.len() + 15..];
    rest.split('"').next().map(str::to_owned)
}

/// What the pages measured.
pub struct Pages {
    pub home: Load,
    pub activity: Load,
    pub activities: usize,
}

/// `readers` officers of `org`, each signed in with a session of their own, read their home
/// page, then the pages of the organisation's most recent activities in turn, for `length`
/// each.
pub async fn read(
    binary: &Path,
    storage: &Storage,
    client: &Client,
    org: &str,
    readers: usize,
    length: Duration,
) -> anyhow::Result<Pages> {
    let mut browsers = Vec::new();
    for n in 0..readers {
        browsers.push(Browser::sign_in(binary, storage, &client.address, org, n).await?);
    }
    let browsers = Arc::new(browsers);
    let token = client.token(Role::Auditor, &[org])?;
    let data = client
        .ok(
            &token,
            &format!(
                "{{ activities(organisation: \"{org}\", first: 50) {{ edges {{ node {{ id }} }} }} }}"
            ),
            json!({}),
        )
        .await?;
    let activities: Arc<Vec<String>> = Arc::new(
        data["activities"]["edges"]
            .as_array()
            .context("no activities")?
            .iter()
            .filter_map(|e| e["node"]["id"].as_str())
            .map(|id| format!("/activities/{id}"))
            .collect(),
    );
    if activities.is_empty() {
        bail!("{org} holds no activities");
    }
    browsers[0].read("/").await?;
    let home = {
        let browsers = browsers.clone();
        closed_loop(readers, length, move |c, _| {
            let browser = browsers[c].clone();
            async move { browser.read("/").await }
        })
        .await
    };
    let activity = {
        let (browsers, activities) = (browsers.clone(), activities.clone());
        closed_loop(readers, length, move |c, i| {
            let browser = browsers[c].clone();
            let path = activities[(c + i as usize * readers) % activities.len()].clone();
            async move { browser.read(&path).await }
        })
        .await
    };
    Ok(Pages {
        home,
        activity,
        activities: activities.len(),
    })
}
