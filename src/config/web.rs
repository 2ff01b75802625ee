//! The web interface's settings: where people reach it, and how long a session lasts.

use std::time::Duration;

use anyhow::Context;

/// The web interface's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSettings {
    /// The address people open, without a trailing slash (`https://ledger.example.nhs.uk`):
    /// sign-in links and the identity provider's redirect are built on it, and an `https`
    /// address marks the session cookie `Secure` with the `__Host-` prefix.
    pub public_url: String,
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub session_max: Duration,
    /// The organisation's identity provider, when people sign in with it.
    pub oidc: Option<OidcSettings>,
}

/// The organisation's identity provider (OpenID Connect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer, whose discovery document is at `/.well-known/openid-configuration` under it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: super::Secret<String>,
    /// The ID token claim holding the person's role (one of ours, as a string or in a list).
    pub role_claim: String,
    /// The ID token claim holding the ODS codes of their organisations.
    pub orgs_claim: String,
    /// The scopes asked for (`openid` and whichever carry the role and ODS codes).
    pub scopes: Vec<String>,
    /// What the sign-in button calls the account: "Sign in with <name>".
    pub name: String,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8080".to_owned(),
            session_idle: Duration::from_secs(30 * 60),
            session_max: Duration::from_secs(12 * 3600),
            oidc: None,
        }
    }
}

impl WebSettings {
    /// Whether people reach the service over TLS (directly or through a proxy that ends it).
    pub fn over_tls(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Checks a public address: `http` or `https`, a host, no path, query or fragment; the
/// trailing slash, if any, goes.
pub fn parse_public_url(text: &str) -> anyhow::Result<String> {
    let trimmed = text.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .context("must start with https:// (or http:// on a laptop)")?;
    anyhow::ensure!(!rest.is_empty(), "names no host");
    anyhow::ensure!(
        !rest.contains(['/', '?', '#', '@', ' ']),
        "must be the scheme and host (and port) alone, as https://ledger.example.nhs.uk"
    );
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_a_scheme_and_host_alone() {
        assert_eq!(
            parse_public_url("https://ledger.example.nhs.uk/").unwrap(),
            "https://ledger.example.nhs.uk"
        );
        assert_eq!(
            parse_public_url("http://localhost:8080").unwrap(),
            "http://localhost:8080"
        );
        for bad in [
            "ledger.example.nhs.uk",
            "ftp://x",
            "https://",
            "https://x/path",
            "https://x?y",
            "https://user@x",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad} is refused");
        }
    }
}
