//! Sessions: who is signed in to the web interface, kept in the database (either backend) by
//! `tower-sessions` and its SQLx store, and the form token that ties each post to its session.
//!
//! The cookie holds only the session's random id: `HttpOnly`, `SameSite=Lax`, path `/`, and,
//! when people reach the service over TLS, `Secure` with the `__Host-` prefix (which browsers
//! accept only then). A session unused for the idle time lapses in the store; one older than
//! the longest a session may last is ended when next seen, however busy. Signing in gives the
//! session a new id, so an id planted before sign-in is worth nothing after it.

use async_trait::async_trait;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::auth::{Principal, Role};
use crate::config::WebSettings;
use crate::store::Db;

/// The sessions table (see the `web_sign_in` migration).
const TABLE: &str = "web_sessions";
/// How often lapsed sessions are swept out of the table.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// The session store over whichever database is in use.
#[derive(Debug, Clone)]
pub enum Store {
    Postgres(PostgresStore),
    Sqlite(SqliteStore),
}

impl Store {
    /// The store over `db`'s sessions table.
    pub fn new(db: &Db) -> Self {
        let named = "the sessions table's name is a plain identifier";
        match db {
            Db::Postgres(pool) => Self::Postgres(
                PostgresStore::new(pool.clone())
                    .with_schema_name("public")
                    .expect(named)
                    .with_table_name(TABLE)
                    .expect(named),
            ),
            Db::Sqlite(pool) => Self::Sqlite(
                SqliteStore::new(pool.clone())
                    .with_table_name(TABLE)
                    .expect(named),
            ),
        }
    }

    /// Sweeps lapsed sessions out of the table every few minutes, for as long as the service
    /// runs.
    pub fn sweep_lapsed(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(SWEEP_EVERY);
            loop {
                every.tick().await;
                if let Err(error) = store.delete_expired().await {
                    tracing::warn!(error = %error, "could not sweep lapsed sessions");
                }
            }
        });
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Postgres(store) => store.create(record).await,
            Self::Sqlite(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Postgres(store) => store.save(record).await,
            Self::Sqlite(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Postgres(store) => store.load(id).await,
            Self::Sqlite(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Postgres(store) => store.delete(id).await,
            Self::Sqlite(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Postgres(store) => store.delete_expired().await,
            Self::Sqlite(store) => store.delete_expired().await,
        }
    }
}

/// The session cookie's name: `__Host-` prefixed over TLS, where browsers accept the prefix.
pub fn cookie_name(settings: &WebSettings) -> &'static str {
    if settings.over_tls() {
        "__Host-ledger-session"
    } else {
        "ledger-session"
    }
}

/// The layer that loads each request's session and writes it back.
pub fn layer(store: Store, settings: &WebSettings) -> SessionManagerLayer<Store> {
    let idle = time::Duration::try_from(settings.session_idle).unwrap_or(time::Duration::MINUTE);
    SessionManagerLayer::new(store)
        .with_name(cookie_name(settings))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.over_tls())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Who a session is signed in as.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedInAs {
    pub subject: String,
    pub role: Role,
    pub organisations: Vec<String>,
    /// When they signed in, in seconds since 1970: the session ends a fixed time after.
    pub signed_in_at: i64,
}

impl SignedInAs {
    /// The caller the pages' GraphQL operations run as.
    pub fn principal(&self) -> Principal {
        Principal {
            subject: self.subject.clone(),
            role: self.role,
            organisations: self.organisations.clone(),
        }
    }
}

pub(super) const WHO: &str = "signed_in_as";
const FORM_TOKEN: &str = "form_token";
const NOTE: &str = "note";
const SEEN: &str = "seen";

/// The moment the session reads the record as of ("recorded as of"), while that is on.
pub const RECORDED_AS_OF: &str = "recorded_as_of";

/// The log position the session's last change was shown at: its pages are read from a server
/// that holds it (see [`crate::projections::reads`]), so that each shows the person's changes.
const CHANGED_AT: &str = "changed_at";

/// Where the session's last change was shown, if it made one (and reads go to standbys).
pub async fn changed_at(session: &Session) -> Option<crate::store::LogPosition> {
    session.get(CHANGED_AT).await.unwrap_or_else(|error| {
        tracing::warn!(%error, "a session's last change could not be read");
        None
    })
}

/// Notes that the session's last change was shown at `at`.
pub async fn note_change(session: &Session, at: crate::store::LogPosition) {
    if let Err(error) = session.insert(CHANGED_AT, at).await {
        tracing::warn!(%error, "a session's last change could not be noted");
    }
}

/// Keeps a note for the next page the session sees ("Activity planned"), shown once.
pub async fn set_note(session: &Session, note: &str) -> Result<(), tower_sessions::session::Error> {
    session.insert(NOTE, note).await
}

/// The note kept for this page, if any, which is then gone.
pub async fn take_note(
    session: &Session,
) -> Result<Option<String>, tower_sessions::session::Error> {
    session.remove::<String>(NOTE).await
}

/// Whoever the session is signed in as, unless it is older than the longest a session may
/// last (then it is ended here).
pub async fn signed_in(
    session: &Session,
    settings: &WebSettings,
) -> Result<Option<SignedInAs>, tower_sessions::session::Error> {
    let Some(who) = session.get::<SignedInAs>(WHO).await? else {
        return Ok(None);
    };
    let age = chrono::Utc::now().timestamp() - who.signed_in_at;
    if age < 0 || age as u64 > settings.session_max.as_secs() {
        tracing::info!("a session reached its longest life and was ended");
        session.flush().await?;
        return Ok(None);
    }
    keep_alive(session, settings).await?;
    Ok(Some(who))
}

/// Pushes a session's idle lapse back, writing it to the store only when a thirtieth of the
/// idle time has passed since it was last written (once a minute with the default 30), so
/// that reading pages costs no write each: a session lapses between 29 and 30 minutes after
/// its last page, rather than at exactly 30.
async fn keep_alive(
    session: &Session,
    settings: &WebSettings,
) -> Result<(), tower_sessions::session::Error> {
    let step = (settings.session_idle.as_millis() / 30).max(1);
    let now = u128::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default();
    let seen = u64::try_from(now / step).unwrap_or(u64::MAX);
    // Changed only when the step moves on, which marks the session to be written.
    session.insert(SEEN, seen).await
}

/// Signs the session in as `who`, under a new session id and with a new form token.
pub async fn sign_in(
    session: &Session,
    who: &SignedInAs,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(WHO, who).await?;
    session.insert(FORM_TOKEN, fresh_token()).await?;
    metrics::counter!(crate::telemetry::metrics::SIGN_INS).increment(1);
    Ok(())
}

/// Sessions held: people signed in, and visitors part way through signing in (lapsed ones go
/// within [`SWEEP_EVERY`]).
pub async fn sessions_held(db: &Db) -> anyhow::Result<i64> {
    // Not yet lapsed: the sweep takes lapsed ones out only every few minutes.
    Ok(match db {
        Db::Postgres(pool) => {
            let count = format!("SELECT count(*) FROM {TABLE} WHERE expiry_date > now()");
            sqlx::query_scalar(&count).fetch_one(pool).await?
        }
        Db::Sqlite(pool) => {
            // The store writes the expiry as text, and sweeps by `datetime` as here.
            let count = format!(
                "SELECT count(*) FROM {TABLE} WHERE datetime(expiry_date) > datetime('now')"
            );
            sqlx::query_scalar(&count).fetch_one(pool).await?
        }
    })
}

/// The session's form token, made now if it has none: every form carries it, and a post
/// without it, or with another session's, is refused.
pub async fn form_token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(FORM_TOKEN).await? {
        return Ok(token);
    }
    let token = fresh_token();
    session.insert(FORM_TOKEN, &token).await?;
    Ok(token)
}

/// Whether `sent` is this session's form token. A session without one matches nothing.
pub async fn is_form_token(
    session: &Session,
    sent: &str,
) -> Result<bool, tower_sessions::session::Error> {
    let kept = session.get::<String>(FORM_TOKEN).await?;
    Ok(kept.is_some_and(|kept| same_bytes(kept.as_bytes(), sent.as_bytes())))
}

/// 32 random bytes, URL-safe base64.
pub fn fresh_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether two secrets are the same, compared as [`same_bytes`] does.
pub fn same_text(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// Compares in time that depends on the lengths alone, not on where the bytes first differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
