//! A person at a browser, as far as the pages' tests need one: a session cookie kept between
//! requests, redirects seen rather than followed, and the form fields a page carries read
//! back. The browser tests (tests/external/browser) drive a real browser; these check the
//! rules underneath at the HTTP level.

use std::time::Duration;

use partnership_ledger::auth::Role;
use partnership_ledger::web::sign_in::link;
use reqwest::header::HeaderMap;

use crate::helpers::TestApp;

/// One answer to a visitor.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden field `name` on the page.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }

    /// The page's form token.
    pub fn form_token(&self) -> String {
        self.hidden("csrf_token")
            .expect("the page carries a form token")
    }

    /// The text of the page's first `<h1>`, its parts (a caption, say) joined by spaces.
    pub fn heading(&self) -> String {
        let start = self.body.find("<h1").expect("a heading");
        let start = start + self.body[start..].find('>').expect("heading tag") + 1;
        let end = start + self.body[start..].find("</h1>").expect("heading end");
        text_of(&self.body[start..end])
    }

    /// The page's text as a person reads it: no markup, spaces run together.
    pub fn text(&self) -> String {
        text_of(&self.body)
    }
}

/// The text of `html`, each tag read as a space, its spaces run together and its characters
/// unescaped.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A browser's visit: one session cookie at a time.
pub struct Visitor {
    base: String,
    client: reqwest::Client,
    /// The session cookie as sent back (`name=value`).
    pub cookie: Option<String>,
}

impl Visitor {
    pub fn new(app: &TestApp) -> Self {
        Self {
            base: app.address.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookie: None,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// Posts a form of `fields`.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        self.send(request).await
    }

    /// Sends a form's `answers` to `path`, then confirms them from the "check your answers"
    /// page, as a person would; answers with where confirming leads.
    pub async fn submit(&mut self, path: &str, answers: &[(&str, &str)]) -> Page {
        let check = self.post(path, answers).await;
        assert_eq!(check.status, 200, "the answers are checked: {}", check.body);
        assert!(check.heading().ends_with("Check your answers"));
        let key = check.hidden("idempotency_key").expect("an idempotency key");
        let mut confirm = answers.to_vec();
        confirm.push(("idempotency_key", &key));
        self.post(&format!("{path}/confirm"), &confirm).await
    }

    /// Sends `request` with the session cookie, keeping whatever cookie the answer sets.
    pub async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Page {
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request sent");
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().expect("cookie");
            let pair = set.split(';').next().unwrap_or_default().trim();
            let removed = pair.ends_with('=') || set.contains("Max-Age=0");
            self.cookie = (!removed).then(|| pair.to_owned());
        }
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    /// A visitor signed in as officer@example.nhs.uk, an engagement officer of `organisations`.
    pub async fn officer(app: &TestApp, organisations: &[&str]) -> Self {
        let mut visitor = Self::new(app);
        visitor
            .sign_in(
                app,
                "officer@example.nhs.uk",
                Role::EngagementOfficer,
                organisations,
            )
            .await;
        visitor
    }

    /// Signs in with a fresh link for `subject` as `role` of `organisations`.
    pub async fn sign_in(
        &mut self,
        app: &TestApp,
        subject: &str,
        role: Role,
        organisations: &[&str],
    ) {
        let token = issue_link(app, subject, role, organisations, link::VALID_FOR).await;
        let page = self.get(&format!("/sign-in/link?token={token}")).await;
        assert_eq!(page.status, 200, "the link page opens: {}", page.body);
        let form_token = page.form_token();
        let signed_in = self
            .post(
                "/sign-in/link",
                &[("csrf_token", &form_token), ("token", &token)],
            )
            .await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        assert_eq!(signed_in.location(), "/");
    }
}

/// A sign-in link's token, made as `partnership-ledger sign-in-link` makes it.
pub async fn issue_link(
    app: &TestApp,
    subject: &str,
    role: Role,
    organisations: &[&str],
    valid_for: Duration,
) -> String {
    let grant = link::Grant {
        subject: subject.to_owned(),
        role,
        organisations: organisations.iter().map(|o| (*o).to_owned()).collect(),
    };
    link::issue(app.ledger.db(), &grant, valid_for)
        .await
        .expect("a sign-in link")
}
