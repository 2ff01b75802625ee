//! Who is calling: JWT checking and minting, roles and organisation grants.

pub mod jwks;

use std::fmt;
use std::sync::Arc;

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::{check_jwt_secret, data_dir_secret, JwtAlgorithm, JwtSettings};

/// A caller's role, as named in the token's `role` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    EngagementOfficer,
    BoardSecretary,
    Auditor,
    Admin,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::EngagementOfficer => "ENGAGEMENT_OFFICER",
            Role::BoardSecretary => "BOARD_SECRETARY",
            Role::Auditor => "AUDITOR",
            Role::Admin => "ADMIN",
        })
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub role: Role,
    /// ODS codes of the organisations the token grants.
    pub organisations: Vec<String>,
}

impl Principal {
    /// Whether the caller may read `organisation`'s records.
    pub fn can_read(&self, organisation: &str) -> bool {
        self.role == Role::Admin || self.organisations.iter().any(|o| o == organisation)
    }

    /// Whether the caller may read a record shared by `organisations` (ODS codes): an item's
    /// owner and the partner it is referred to, an activity's lead and partners. Every read,
    /// every trace step and every id a command names follows this one rule.
    pub fn can_read_any<'a>(&self, organisations: impl IntoIterator<Item = &'a str>) -> bool {
        organisations.into_iter().any(|o| self.can_read(o))
    }

    /// Whether the caller may read an input item owned by `owner` (an ODS code) and referred to
    /// `referred_to`, if it is: its owner's, or the partner's it is referred to.
    pub fn can_read_item(&self, owner: &str, referred_to: Option<&str>) -> bool {
        self.can_read_any(std::iter::once(owner).chain(referred_to))
    }

    /// Whether the caller may read an activity led by `lead` with `partners` (ODS codes): it
    /// led or partnered it.
    pub fn can_read_activity<'a>(
        &self,
        lead: &'a str,
        partners: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        self.can_read_any(std::iter::once(lead).chain(partners))
    }

    /// Whether the caller may write records of `organisation`.
    pub fn can_write(&self, organisation: &str) -> bool {
        match self.role {
            Role::Auditor => false,
            Role::Admin => true,
            Role::EngagementOfficer | Role::BoardSecretary => {
                self.organisations.iter().any(|o| o == organisation)
            }
        }
    }

    /// The organisations whose records the caller may read; `None` for all.
    pub fn read_scope(&self) -> Option<&[String]> {
        (self.role != Role::Admin).then_some(self.organisations.as_slice())
    }
}

/// The claims we issue and require.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    pub iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub role: Role,
    pub orgs: Vec<String>,
}

/// Why a token was refused; never includes the token.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token")]
    Missing,
    #[error("invalid token: {0}")]
    Invalid(String),
}

/// Where the keys that check tokens come from.
#[derive(Clone)]
enum Keys {
    /// One key from configuration: the HS256 secret, or a PEM public key.
    Single(DecodingKey),
    /// Keys by `kid` from a JWKS file.
    Set(Arc<jwks::KeySet>),
}

/// Checks tokens, and signs them when a signing key is at hand.
#[derive(Clone)]
pub struct TokenAuthority {
    keys: Keys,
    encoding: Option<EncodingKey>,
    /// The `kid` put in tokens this authority signs.
    key_id: Option<String>,
    validation: Validation,
    algorithm: Algorithm,
    leeway_secs: u64,
    max_age_secs: u64,
    issuer: String,
    audience: String,
}

impl TokenAuthority {
    /// Builds the authority from settings; for HS256 without a secret, uses (or creates) the
    /// one kept in `data_dir`.
    pub fn from_settings(
        settings: &JwtSettings,
        data_dir: &std::path::Path,
    ) -> anyhow::Result<Self> {
        let algorithm = match settings.algorithm {
            JwtAlgorithm::Hs256 => Algorithm::HS256,
            JwtAlgorithm::Rs256 => Algorithm::RS256,
            JwtAlgorithm::Es256 => Algorithm::ES256,
        };
        let (keys, encoding) = match (&settings.jwks_file, settings.algorithm) {
            (Some(path), JwtAlgorithm::Hs256) => (
                Keys::Set(Arc::new(jwks::KeySet::load(path, algorithm)?)),
                settings
                    .secret
                    .as_ref()
                    .map(|s| EncodingKey::from_secret(s.expose().as_bytes())),
            ),
            (Some(path), _) => (
                Keys::Set(Arc::new(jwks::KeySet::load(path, algorithm)?)),
                private_key(settings)?,
            ),
            (None, JwtAlgorithm::Hs256) => {
                let secret = match &settings.secret {
                    Some(secret) => {
                        check_jwt_secret(secret, "PL_JWT_SECRET")?;
                        secret.clone()
                    }
                    None => data_dir_secret(data_dir)?,
                };
                let bytes = secret.expose().as_bytes();
                (
                    Keys::Single(DecodingKey::from_secret(bytes)),
                    Some(EncodingKey::from_secret(bytes)),
                )
            }
            (None, _) => {
                let path = settings
                    .public_key_file
                    .as_ref()
                    .context("RS256 and ES256 need PL_JWT_JWKS_FILE or PL_JWT_PUBLIC_KEY_FILE")?;
                let pem = std::fs::read(path)
                    .with_context(|| format!("could not read {}", path.display()))?;
                let decoding = if algorithm == Algorithm::RS256 {
                    DecodingKey::from_rsa_pem(&pem)?
                } else {
                    DecodingKey::from_ec_pem(&pem)?
                };
                (Keys::Single(decoding), private_key(settings)?)
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = settings.leeway_secs;
        Ok(Self {
            keys,
            encoding,
            key_id: settings.key_id.clone(),
            validation,
            algorithm,
            leeway_secs: settings.leeway_secs,
            max_age_secs: settings.max_age_secs,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
        })
    }

    /// Checks a bearer token and answers with the caller it names.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| AuthError::Invalid("malformed".into()))?;
        if header.crit.is_some() {
            return Err(AuthError::Invalid(
                "critical header extensions are not supported".into(),
            ));
        }
        if header.jku.is_some()
            || header.jwk.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
        {
            // Keys come from configuration only, never from the token.
            return Err(AuthError::Invalid(
                "keys named in a token are not used".into(),
            ));
        }
        let key = match &self.keys {
            Keys::Single(key) => key.clone(),
            Keys::Set(set) => {
                let kid = header
                    .kid
                    .as_deref()
                    .ok_or_else(|| AuthError::Invalid("the token names no key (kid)".into()))?;
                set.key(kid)
                    .ok_or_else(|| AuthError::Invalid("unknown or retired key".into()))?
            }
        };
        let data = jsonwebtoken::decode::<Claims>(token, &key, &self.validation)
            .map_err(|e| AuthError::Invalid(describe(e.kind())))?;
        let claims = data.claims;
        let now = jsonwebtoken::get_current_timestamp();
        if claims.iat > now + self.leeway_secs {
            return Err(AuthError::Invalid("issued in the future".into()));
        }
        if now.saturating_sub(claims.iat) > self.max_age_secs + self.leeway_secs {
            return Err(AuthError::Invalid("issued too long ago".into()));
        }
        if claims.sub.trim().is_empty() {
            return Err(AuthError::Invalid("empty subject".into()));
        }
        Ok(Principal {
            subject: claims.sub,
            role: claims.role,
            organisations: claims
                .orgs
                .into_iter()
                .map(|o| o.trim().to_ascii_uppercase())
                .collect(),
        })
    }

    /// Signs a token for `subject` with `role` and `organisations`, valid for `ttl_secs`.
    pub fn mint(
        &self,
        subject: &str,
        role: Role,
        organisations: &[String],
        ttl_secs: u64,
    ) -> anyhow::Result<String> {
        let encoding = self
            .encoding
            .as_ref()
            .context("no signing key: set PL_JWT_PRIVATE_KEY_FILE to mint RS256 or ES256 tokens")?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + ttl_secs,
            iat: now,
            nbf: Some(now),
            role,
            orgs: organisations
                .iter()
                .map(|o| o.trim().to_ascii_uppercase())
                .collect(),
        };
        let mut header = Header::new(self.algorithm);
        header.kid = self.key_id.clone();
        Ok(jsonwebtoken::encode(&header, &claims, encoding)?)
    }
}

/// The RS256 or ES256 signing key, when one is configured (only `token` needs it).
fn private_key(settings: &JwtSettings) -> anyhow::Result<Option<EncodingKey>> {
    let Some(path) = &settings.private_key_file else {
        return Ok(None);
    };
    let pem = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    Ok(Some(if settings.algorithm == JwtAlgorithm::Rs256 {
        EncodingKey::from_rsa_pem(&pem)?
    } else {
        EncodingKey::from_ec_pem(&pem)?
    }))
}

fn describe(kind: &jsonwebtoken::errors::ErrorKind) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match kind {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not yet valid",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::MissingRequiredClaim(_) => "a required claim is missing",
        ErrorKind::InvalidSignature => "bad signature",
        ErrorKind::InvalidAlgorithm => "algorithm not accepted",
        _ => "malformed",
    }
    .to_owned()
}
