//! One-time sign-in links: how an administrator lets someone in without an identity provider
//! (the embedded default's way in), made by `partnership-ledger sign-in-link`.
//!
//! A link carries 32 random bytes; the table keeps only their SHA-256, with who the link signs
//! in as and until when. Spending a link is one statement that marks it used only if it is
//! unused and unexpired, so of two tabs racing with the same link, one signs in.

use std::time::Duration;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::auth::Role;
use crate::store::Db;

/// How long a link works when the command is not told otherwise.
pub const VALID_FOR: Duration = Duration::from_secs(15 * 60);
/// Spent and lapsed links are kept this long (for a late click to be told what happened),
/// then swept out when the next link is made.
const KEPT_FOR_SECS: i64 = 24 * 3600;

/// Who a link signs in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub subject: String,
    pub role: Role,
    /// ODS codes, upper case.
    pub organisations: Vec<String>,
}

/// Makes a link's token for `grant`, good for `valid_for` and one use; only its hash is kept.
pub async fn issue(db: &Db, grant: &Grant, valid_for: Duration) -> anyhow::Result<String> {
    anyhow::ensure!(!grant.subject.trim().is_empty(), "--sub: must not be empty");
    anyhow::ensure!(
        grant.role == Role::Admin || !grant.organisations.is_empty(),
        "--org: an {} needs at least one organisation",
        crate::web::page::role_name(grant.role)
    );
    for code in &grant.organisations {
        anyhow::ensure!(
            !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric()),
            "--org: `{code}` is not an ODS code (letters and digits)"
        );
    }
    let token = crate::web::session::fresh_token();
    let now = chrono::Utc::now().timestamp();
    let expires_at = now + i64::try_from(valid_for.as_secs()).context("--valid-for is too long")?;
    let organisations = grant.organisations.join(",");
    on_db!(db, pool => {
        sqlx::query("DELETE FROM web_sign_in_links WHERE expires_at < $1")
            .bind(now - KEPT_FOR_SECS)
            .execute(pool)
            .await
            .context("could not sweep old sign-in links")?;
        sqlx::query(
            "INSERT INTO web_sign_in_links (token_hash, subject, role, organisations, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash(&token))
        .bind(grant.subject.trim())
        .bind(grant.role.to_string())
        .bind(&organisations)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|_| ())
    })
    .context("could not store the sign-in link")?;
    Ok(token)
}

/// Whether `token` names a link that is unused and unexpired, without spending it.
pub async fn usable(db: &Db, token: &str) -> anyhow::Result<bool> {
    let now = chrono::Utc::now().timestamp();
    let found: Option<(i64,)> = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT expires_at FROM web_sign_in_links \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(hash(token))
        .bind(now)
        .fetch_optional(pool)
        .await
    })?;
    Ok(found.is_some())
}

/// Spends the link `token` names: who it signs in as, once; `None` for a link that is unknown,
/// spent or expired (which are not told apart).
pub async fn spend(db: &Db, token: &str) -> anyhow::Result<Option<Grant>> {
    let now = chrono::Utc::now().timestamp();
    let row: Option<(String, String, String)> = on_db!(db, pool => {
        sqlx::query_as(
            "UPDATE web_sign_in_links SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING subject, role, organisations",
        )
        .bind(hash(token))
        .bind(now)
        .fetch_optional(pool)
        .await
    })?;
    let Some((subject, role, organisations)) = row else {
        return Ok(None);
    };
    let role = <Role as clap::ValueEnum>::from_str(&role, false)
        .map_err(|_| anyhow::anyhow!("a stored sign-in link names an unknown role"))?;
    let organisations = organisations
        .split(',')
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(Some(Grant {
        subject,
        role,
        organisations,
    }))
}

/// The stored form of a token.
fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
