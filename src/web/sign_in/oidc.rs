//! Signing in with the organisation's identity provider over OpenID Connect: the
//! authorization code flow with PKCE, by the `openidconnect` crate, for providers such as
//! Microsoft Entra ID (NHSmail) and NHS Care Identity Service 2.
//!
//! `/sign-in/oidc` keeps a fresh state, nonce and PKCE verifier in the visitor's session and
//! sends them to the provider; `/sign-in/oidc/callback` takes them out again (once: a second
//! callback with the same state finds nothing), checks the state, exchanges the code with the
//! verifier, and checks the ID token (signature, issuer, audience, expiry, nonce). The role and
//! ODS codes are read from the checked token's claims named in the settings; an account with
//! no role of ours is refused. The provider's discovery document is read on first use and
//! kept.

use std::sync::Arc;

use anyhow::Context;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{internal, SignInPage};
use crate::api::AppState;
use crate::auth::Role;
use crate::config::OidcSettings;
use crate::web::failure::Failure;
use crate::web::page::render;
use crate::web::session::{sign_in, SignedInAs};

/// How long a visitor has at the provider before the sign-in they started lapses.
const PENDING_FOR_SECS: i64 = 10 * 60;
const PENDING: &str = "oidc_pending";

/// The identity provider, as configured, with its discovery document once read.
pub struct Provider {
    settings: OidcSettings,
    redirect: String,
    metadata: tokio::sync::OnceCell<CoreProviderMetadata>,
    http: openidconnect::reqwest::Client,
}

impl Provider {
    /// The provider of `settings`, whose callback is under `public_url`.
    pub fn new(settings: OidcSettings, public_url: &str) -> anyhow::Result<Self> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer send us elsewhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .context("could not make the identity provider's HTTP client")?;
        Ok(Self {
            settings,
            redirect: format!("{public_url}/sign-in/oidc/callback"),
            metadata: tokio::sync::OnceCell::new(),
            http,
        })
    }

    /// The button's words on the sign-in page.
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    async fn client(
        &self,
    ) -> anyhow::Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
    > {
        let metadata = self
            .metadata
            .get_or_try_init(|| async {
                let issuer = IssuerUrl::new(self.settings.issuer.clone())
                    .context("PL_OIDC_ISSUER is not a URL")?;
                CoreProviderMetadata::discover_async(issuer, &self.http)
                    .await
                    .context("could not read the identity provider's discovery document")
            })
            .await?;
        Ok(CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(
                self.settings.client_secret.expose().clone(),
            )),
        )
        .set_redirect_uri(RedirectUrl::new(self.redirect.clone()).context("the redirect")?))
    }
}

/// What the session keeps while the visitor is at the provider.
#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    started_at: i64,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in/oidc", get(start))
        .route("/sign-in/oidc/callback", get(callback))
}

async fn start(
    session: Session,
    provider: Option<Extension<Arc<Provider>>>,
) -> Result<Response, Failure> {
    let Some(Extension(provider)) = provider else {
        return Err(Failure::NotFound);
    };
    let client = match provider.client().await {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "the identity provider cannot be reached"
            );
            return Ok(unavailable(&provider));
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in &provider.settings.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
    let pending = Pending {
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        started_at: chrono::Utc::now().timestamp(),
    };
    session.insert(PENDING, &pending).await.map_err(internal)?;
    Ok(Redirect::to(url.as_str()).into_response())
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    session: Session,
    provider: Option<Extension<Arc<Provider>>>,
    Query(answer): Query<Callback>,
) -> Result<Response, Failure> {
    let Some(Extension(provider)) = provider else {
        return Err(Failure::NotFound);
    };
    // Taken out whatever happens next: a state is good for one callback.
    let pending = session.remove::<Pending>(PENDING).await.map_err(internal)?;
    let outcome = signed_in_as(&provider, pending, answer).await;
    match outcome {
        Ok(who) => {
            sign_in(&session, &who).await.map_err(internal)?;
            tracing::info!(role = %who.role, organisations = who.organisations.len(), "signed in with the identity provider");
            Ok(Redirect::to("/").into_response())
        }
        Err(Refused::NoRole) => {
            tracing::info!("refused an identity provider account with no role here");
            Ok(refused_page(
                &provider,
                StatusCode::FORBIDDEN,
                "Your account has no role in Partnership Ledger",
                vec![
                    "You signed in, but your account does not say what you do here.",
                    "Ask whoever runs Partnership Ledger for your organisation to give your account a role.",
                ],
            ))
        }
        Err(Refused::Failed(why)) => {
            tracing::info!(why = %why, "refused a sign-in from the identity provider");
            Ok(refused_page(
                &provider,
                StatusCode::BAD_REQUEST,
                "Sign-in did not work",
                vec![
                    "Nothing was signed in. This happens when a sign-in page was left open too long, or opened twice.",
                    "Start again from the sign-in page.",
                ],
            ))
        }
    }
}

enum Refused {
    NoRole,
    /// Why, for the log (never a token or a claim's value).
    Failed(String),
}

async fn signed_in_as(
    provider: &Provider,
    pending: Option<Pending>,
    answer: Callback,
) -> Result<SignedInAs, Refused> {
    let failed = |why: &str| Refused::Failed(why.to_owned());
    if let Some(error) = answer.error {
        return Err(Refused::Failed(format!(
            "the provider answered an error: {error}"
        )));
    }
    let pending = pending.ok_or_else(|| failed("no sign-in was waiting in this session"))?;
    let now = chrono::Utc::now().timestamp();
    if now - pending.started_at > PENDING_FOR_SECS {
        return Err(failed("the sign-in waited too long at the provider"));
    }
    let state = answer.state.unwrap_or_default();
    if !crate::web::session::same_text(&state, &pending.state) {
        return Err(failed("the state does not match the one sent"));
    }
    let code = answer.code.ok_or_else(|| failed("no code came back"))?;
    let client = provider
        .client()
        .await
        .map_err(|e| Refused::Failed(format!("{e:#}")))?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Refused::Failed(format!("the provider has no token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(&provider.http)
        .await
        .map_err(|e| Refused::Failed(format!("the code was refused: {e}")))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| failed("no ID token came back"))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
        .map_err(|e| Refused::Failed(format!("the ID token failed its checks: {e}")))?;
    let subject = claims.subject().as_str().to_owned();
    // The token is checked: its other claims are read from its payload.
    let payload =
        payload_of(&id_token.to_string()).map_err(|e| Refused::Failed(format!("{e:#}")))?;
    let role = values(&payload, &provider.settings.role_claim)
        .iter()
        .find_map(|v| <Role as clap::ValueEnum>::from_str(v, true).ok())
        .ok_or(Refused::NoRole)?;
    let organisations = values(&payload, &provider.settings.orgs_claim)
        .into_iter()
        .map(|code| code.to_ascii_uppercase())
        .filter(|code| !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    Ok(SignedInAs {
        subject,
        role,
        organisations,
        signed_in_at: now,
    })
}

/// The claims of a compact JWT, unchecked: only for a token already checked.
fn payload_of(jwt: &str) -> anyhow::Result<serde_json::Value> {
    use base64::Engine;
    let part = jwt
        .split('.')
        .nth(1)
        .context("the ID token has no payload")?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .context("the ID token's payload is not base64")?;
    serde_json::from_slice(&bytes).context("the ID token's payload is not JSON")
}

/// A claim's values: a list of strings, or one string of values separated by commas or spaces.
fn values(payload: &serde_json::Value, claim: &str) -> Vec<String> {
    match payload.get(claim) {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(text)) => text
            .split([',', ' '])
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn unavailable(provider: &Provider) -> Response {
    refused_page(
        provider,
        StatusCode::SERVICE_UNAVAILABLE,
        "Signing in with your organisation's account is not working",
        vec!["The sign-in service could not be reached. Try again in a few minutes."],
    )
}

/// A sign-in that did not work, with the provider's button to start again.
fn refused_page(
    provider: &Provider,
    status: StatusCode,
    heading: &'static str,
    lines: Vec<&'static str>,
) -> Response {
    let mut page = SignInPage::new(heading, lines);
    page.offer_provider = true;
    page.provider = Some(provider.name().to_owned());
    (status, render(&page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_a_list_or_one_string_of_values() {
        let payload = serde_json::json!({
            "roles": ["ENGAGEMENT_OFFICER", "Reader"],
            "ods_codes": "qmj, RX1 ",
            "one": "AUDITOR",
            "number": 3,
        });
        assert_eq!(values(&payload, "roles"), ["ENGAGEMENT_OFFICER", "Reader"]);
        assert_eq!(values(&payload, "ods_codes"), ["qmj", "RX1"]);
        assert_eq!(values(&payload, "one"), ["AUDITOR"]);
        assert!(values(&payload, "number").is_empty());
        assert!(values(&payload, "missing").is_empty());
    }

    #[test]
    fn a_tokens_payload_is_read_only_when_it_is_json() {
        use base64::Engine;
        let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"a"}"#);
        let payload = payload_of(&format!("e30.{body}.c2ln")).expect("payload");
        assert_eq!(payload["sub"], "a");
        assert!(payload_of("no-dots").is_err());
        assert!(payload_of("e30.!!!.sig").is_err());
    }
}
