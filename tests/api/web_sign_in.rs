//! Signing in to the web interface: one-time links, sessions kept in the database, the form
//! token every post carries, and the headers every page is sent with.

use std::time::Duration;

use partnership_ledger::auth::Role;
use partnership_ledger::on_db;

use crate::helpers::{cli, spawn_app, spawn_app_with, Backend, TestApp};
use crate::on_both;
use crate::web_visitor::{issue_link, Visitor};

on_both!(
    a_link_signs_in_once,
    a_post_without_its_form_token_changes_nothing,
    signing_out_ends_the_session_in_the_store,
    a_session_ends_when_idle_or_too_old,
);

async fn a_link_signs_in_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut visitor = Visitor::new(&app);
    let home = visitor.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location(), "/sign-in", "a visitor is sent to sign in");
    let sign_in = visitor.get("/sign-in").await;
    assert!(
        sign_in.body.contains("partnership-ledger sign-in-link"),
        "says how to get a link"
    );

    let token = issue_link(
        &app,
        "officer@example.nhs.uk",
        Role::EngagementOfficer,
        &["RX1"],
        Duration::from_secs(900),
    )
    .await;
    // Opening the link does not spend it: a mail scanner following it would use it up.
    let page = visitor.get(&format!("/sign-in/link?token={token}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.heading(), "Sign in to Partnership Ledger");
    let before = visitor
        .cookie
        .clone()
        .expect("the link page starts a session");
    let again = visitor.get(&format!("/sign-in/link?token={token}")).await;
    assert_eq!(again.status, 200, "still usable after being opened");

    let signed_in = visitor
        .post(
            "/sign-in/link",
            &[("csrf_token", &again.form_token()), ("token", &token)],
        )
        .await;
    assert_eq!(signed_in.status, 303);
    assert_ne!(
        visitor.cookie.as_ref(),
        Some(&before),
        "signing in gives the session a new id"
    );
    let home = visitor.get("/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert_eq!(home.heading(), "What needs you");
    assert!(
        home.body.contains("officer@example.nhs.uk"),
        "the header names who is signed in"
    );

    // The id the session had before sign-in opens nothing.
    let mut planted = Visitor::new(&app);
    planted.cookie = Some(before);
    assert_eq!(planted.get("/").await.location(), "/sign-in");

    // The link is spent: opened again, or posted again from another browser, it is refused.
    let mut other = Visitor::new(&app);
    let replay = other.get(&format!("/sign-in/link?token={token}")).await;
    assert_eq!(replay.status, 400);
    assert_eq!(replay.heading(), "This sign-in link cannot be used");
    let pre = other.get("/sign-in").await;
    assert_eq!(pre.status, 200);
    let form_token = other
        .get(&format!(
            "/sign-in/link?token={}",
            issue_link(&app, "x", Role::Auditor, &["RX1"], Duration::from_secs(60)).await
        ))
        .await
        .form_token();
    let replayed = other
        .post(
            "/sign-in/link",
            &[("csrf_token", &form_token), ("token", &token)],
        )
        .await;
    assert_eq!(replayed.status, 400, "a replayed link signs no one in");
    assert_eq!(other.get("/").await.location(), "/sign-in");

    // An expired link and a made-up one are refused the same way.
    let expired = issue_link(
        &app,
        "late@example.nhs.uk",
        Role::EngagementOfficer,
        &["RX1"],
        Duration::ZERO,
    )
    .await;
    assert_eq!(
        other
            .get(&format!("/sign-in/link?token={expired}"))
            .await
            .status,
        400
    );
    assert_eq!(other.get("/sign-in/link?token=made-up").await.status, 400);
    assert_eq!(other.get("/sign-in/link").await.status, 400);

    // The table holds hashes, never a token.
    let stored: Vec<(String,)> = on_db!(app.ledger.db(), pool => {
        sqlx::query_as("SELECT token_hash FROM web_sign_in_links").fetch_all(pool).await
    })
    .expect("links");
    assert!(stored.len() >= 3);
    assert!(stored
        .iter()
        .all(|(hash,)| hash != &token && hash.len() == 64));
}

async fn a_post_without_its_form_token_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let home = officer.get("/").await;
    let form_token = home.form_token();

    // Signing out is a post: without the token, with another session's, or from another site,
    // it is refused and the session goes on.
    let mut other = Visitor::new(&app);
    other
        .sign_in(
            &app,
            "other@example.nhs.uk",
            Role::EngagementOfficer,
            &["RX1"],
        )
        .await;
    let others_token = other.get("/").await.form_token();
    for fields in [
        vec![],
        vec![("csrf_token", "")],
        vec![("csrf_token", others_token.as_str())],
    ] {
        let refused = officer.post("/sign-out", &fields).await;
        assert_eq!(refused.status, 403, "{fields:?}");
        assert_eq!(refused.heading(), "This form has expired");
        assert!(refused.body.contains("Nothing was saved"));
        assert_eq!(officer.get("/").await.status, 200, "still signed in");
    }
    let cross_site = officer
        .send(
            reqwest::Client::new()
                .post(format!("{}/sign-out", app.address))
                .header("sec-fetch-site", "cross-site")
                .form(&[("csrf_token", form_token.as_str())]),
        )
        .await;
    assert_eq!(
        cross_site.status, 403,
        "a post from another site is refused"
    );
    // Only forms are taken.
    let json = officer
        .send(
            reqwest::Client::new()
                .post(format!("{}/sign-out", app.address))
                .json(&serde_json::json!({ "csrf_token": form_token })),
        )
        .await;
    assert_eq!(json.status, 400);
    assert_eq!(officer.get("/").await.status, 200, "still signed in");

    // The GraphQL endpoint keeps to bearer tokens: the session cookie opens nothing there.
    let graphql = officer
        .send(
            reqwest::Client::new()
                .post(format!("{}/graphql", app.address))
                .json(&serde_json::json!({ "query": "{ organisations { nodes { odsCode } } }" })),
        )
        .await;
    assert_eq!(graphql.status, 401, "{}", graphql.body);
}

async fn signing_out_ends_the_session_in_the_store(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    let home = officer.get("/").await;
    let cookie = officer.cookie.clone().expect("a session");
    let sessions_before = sessions(&app).await;
    let out = officer
        .post("/sign-out", &[("csrf_token", &home.form_token())])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/signed-out");
    assert_eq!(officer.cookie, None, "the cookie is removed");
    assert_eq!(
        officer.get("/signed-out").await.heading(),
        "You have signed out"
    );
    assert_eq!(
        sessions(&app).await,
        sessions_before - 1,
        "the session is gone from the store"
    );
    // The old cookie, kept by someone, opens nothing.
    let mut kept = Visitor::new(&app);
    kept.cookie = Some(cookie);
    assert_eq!(kept.get("/").await.location(), "/sign-in");
}

async fn a_session_ends_when_idle_or_too_old(backend: Backend) {
    // Idle: unused for longer than the idle time.
    let app = spawn_app_with(backend, |s| s.web.session_idle = Duration::from_secs(1)).await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    // In use, it lasts past the idle time: each page pushes the lapse back.
    for _ in 0..6 {
        assert_eq!(
            officer.get("/").await.status,
            200,
            "a session in use goes on"
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        officer.get("/").await.location(),
        "/sign-in",
        "an idle session ends"
    );

    // Too old: in use all along, but signed in longer ago than a session may last.
    let app = spawn_app_with(backend, |s| s.web.session_max = Duration::from_secs(2)).await;
    let mut officer = Visitor::officer(&app, &["RX1"]).await;
    for _ in 0..3 {
        assert_eq!(officer.get("/").await.status, 200);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        officer.get("/").await.location(),
        "/sign-in",
        "a session has a longest life"
    );
}

async fn sessions(app: &TestApp) -> i64 {
    let (count,): (i64,) = on_db!(app.ledger.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM web_sessions").fetch_one(pool).await
    })
    .expect("count sessions");
    count
}

#[tokio::test]
async fn over_tls_the_cookie_is_host_prefixed_and_secure() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.web.public_url = "https://ledger.example.nhs.uk".into();
    })
    .await;
    let token = issue_link(
        &app,
        "officer@example.nhs.uk",
        Role::EngagementOfficer,
        &["RX1"],
        Duration::from_secs(60),
    )
    .await;
    let page = reqwest::get(format!("{}/sign-in/link?token={token}", app.address))
        .await
        .expect("page");
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.starts_with("__Host-ledger-session="), "{cookie}");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            cookie.split("; ").any(|f| f == flag),
            "{flag} missing: {cookie}"
        );
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn every_page_is_sent_safe() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut visitor = Visitor::new(&app);
    for path in ["/sign-in", "/", "/no-such-page", "/activities/unknown"] {
        let page = visitor.get(path).await;
        let policy = page.headers["content-security-policy"]
            .to_str()
            .expect("policy");
        assert!(policy.contains("script-src 'self';"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert_eq!(page.headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        assert!(!page.body.contains("<script>"), "{path}: no inline script");
    }
    // With no identity provider configured, there is no way in through one.
    assert_eq!(visitor.get("/sign-in/oidc").await.status, 404);
    assert!(!visitor.get("/sign-in").await.body.contains("/sign-in/oidc"));
    let missing = visitor.get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.heading(), "Page not found");
    assert!(missing.headers["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/html"));
}

#[tokio::test]
async fn the_command_line_prints_a_working_link() {
    let app = spawn_app(Backend::Sqlite).await;
    let (ok, out, err) = cli(
        &app,
        &[
            "sign-in-link",
            "--sub",
            "officer@example.nhs.uk",
            "--role",
            "ENGAGEMENT_OFFICER",
            "--org",
            "rx1",
        ],
    );
    assert!(ok, "{err}");
    let link = out.trim();
    assert!(
        link.starts_with("http://localhost:8080/sign-in/link?token="),
        "{link}"
    );
    assert!(
        !err.contains(link.rsplit('=').next().expect("token")),
        "the token is not logged"
    );
    let path = &link["http://localhost:8080".len()..];
    let mut visitor = Visitor::new(&app);
    let page = visitor.get(path).await;
    assert_eq!(page.status, 200);
    let token = page.hidden("token").expect("token");
    visitor
        .post(
            "/sign-in/link",
            &[("csrf_token", &page.form_token()), ("token", &token)],
        )
        .await;
    let home = visitor.get("/").await;
    assert!(
        home.body.contains("ODS code RX1 is not registered"),
        "upper-cased, and not registered yet"
    );

    for (extra, says) in [
        (
            vec!["--role", "AUDITOR"],
            "--org: an auditor needs at least one organisation",
        ),
        (
            vec!["--role", "AUDITOR", "--org", "R X"],
            "is not an ODS code",
        ),
        (
            vec!["--role", "ADMIN", "--valid-for", "2d"],
            "--valid-for: at most a day",
        ),
    ] {
        let args: Vec<&str> = ["sign-in-link", "--sub", "a"]
            .into_iter()
            .chain(extra)
            .collect();
        let (ok, _, err) = cli(&app, &args);
        assert!(!ok, "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// The pages count against the same rate limit as `/graphql`: a visitor over it gets the
/// "too many requests" page and nothing is done; signed in, the limit is the person's.
#[tokio::test]
async fn pages_are_rate_limited_like_the_api() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.rate_limit_per_minute = 3).await;
    let mut visitor = Visitor::new(&app);
    for _ in 0..3 {
        assert_eq!(visitor.get("/sign-in").await.status, 200);
    }
    let refused = visitor.get("/sign-in").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.heading(), "Too many requests");
    assert!(refused.headers.contains_key("retry-after"));
    // The assets are not counted: a page needs several.
    let css = reqwest::get(format!("{}/assets/nhsuk-frontend.min.css", app.address))
        .await
        .expect("stylesheet");
    assert_eq!(css.status().as_u16(), 200);
}
