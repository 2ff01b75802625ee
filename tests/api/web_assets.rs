//! The web interface's static files: the vendored NHS.UK frontend served by the service itself
//! at `/assets/`, with every icon its stylesheet names, cached by content hash, and nothing
//! outside the assets reachable however the path is written.

use std::io::{Read, Write};

use crate::helpers::{spawn_app, Backend};

#[tokio::test]
async fn the_design_system_is_served_from_the_binary() {
    let app = spawn_app(Backend::Sqlite).await;
    let get = |path: String| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.address);
        async move { client.get(url).send().await.expect("request") }
    };

    let css = get("/assets/nhsuk-frontend.min.css".into()).await;
    assert_eq!(css.status().as_u16(), 200);
    assert_eq!(css.headers()["content-type"], "text/css");
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
    let etag = css.headers()["etag"].to_str().expect("etag").to_owned();
    let css = css.text().await.expect("stylesheet");
    assert!(
        css.contains(".nhsuk-header"),
        "not the design system's stylesheet"
    );
    assert!(
        !css.contains("https://"),
        "the stylesheet fetches from another host"
    );

    // Every file the stylesheet names is there, with its type.
    let named: Vec<&str> = css
        .split("url(")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .map(|u| u.trim_matches(['"', '\'']))
        .filter(|u| u.starts_with("/assets/"))
        .collect();
    assert!(
        named.len() >= 4,
        "the stylesheet names its icons: {named:?}"
    );
    for path in named {
        let file = get(path.to_owned()).await;
        assert_eq!(file.status().as_u16(), 200, "{path}");
        assert_eq!(file.headers()["content-type"], "image/svg+xml", "{path}");
    }
    let script = get("/assets/nhsuk-frontend.min.js".into()).await;
    assert_eq!(script.status().as_u16(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .expect("type")
        .contains("javascript"));

    // Held already: 304 with no body; asked with gzip: gzipped.
    let again = app
        .client
        .get(format!("{}/assets/nhsuk-frontend.min.css", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status().as_u16(), 304);
    assert!(again.bytes().await.expect("body").is_empty());
    let zipped = app
        .client
        .get(format!("{}/assets/nhsuk-frontend.min.css", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped = zipped.bytes().await.expect("body");
    assert!(
        zipped.len() < css.len() / 3,
        "{} bytes gzipped",
        zipped.len()
    );

    assert_eq!(get("/assets/no-such-file.css".into()).await.status(), 404);
    assert_eq!(get("/assets/".into()).await.status(), 404);
}

/// A request written past the HTTP client (which would tidy the path): `path` as sent.
fn raw_get(address: &str, path: &str) -> String {
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    answer
}

#[tokio::test]
async fn nothing_outside_the_assets_is_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let address = app.address.clone();
    for path in [
        "/assets/../Cargo.toml",
        "/assets/%2E%2E/Cargo.toml",
        "/assets/..%2FCargo.toml",
        "/assets/images/..%2F..%2F..%2FCargo.toml",
        "/assets/..%5CCargo.toml",
        "/assets/%2Fetc%2Fpasswd",
        "/assets//etc/passwd",
    ] {
        let address = address.clone();
        let answer = tokio::task::spawn_blocking(move || raw_get(&address, path))
            .await
            .expect("ran");
        let status = answer.lines().next().unwrap_or_default().to_owned();
        assert!(
            status.contains(" 404 ") || status.contains(" 400 "),
            "{path}: {status}"
        );
        assert!(!answer.contains("[package]"), "{path} reached Cargo.toml");
        assert!(!answer.contains("root:"), "{path} reached /etc/passwd");
    }
}

/// GraphiQL works on a network with no route to a CDN: its page names scripts and styles of
/// this service alone, and each is served.
#[tokio::test]
async fn graphiql_is_served_from_the_binary() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = app
        .client
        .get(format!("{}/graphql", app.address))
        .send()
        .await
        .expect("GraphiQL");
    assert_eq!(page.status().as_u16(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("policy")
        .to_owned();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    let html = page.text().await.expect("page");
    assert!(!html.contains("://"), "names another host: {html}");
    let named: Vec<&str> = html
        .split(['"'])
        .filter(|part| part.starts_with("/assets/"))
        .collect();
    assert!(
        named.iter().any(|n| n.ends_with("graphiql.min.js")) && named.len() >= 6,
        "{named:?}"
    );
    for path in named {
        let file = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("file");
        assert_eq!(file.status().as_u16(), 200, "{path}");
        let body = file.text().await.expect("body");
        if path.ends_with(".js") {
            assert!(
                !body.contains("https://unpkg.com") && !body.contains("cdn.jsdelivr.net"),
                "{path} fetches from a CDN"
            );
        }
    }
}
