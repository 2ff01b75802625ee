//! The `participant_keys` table: one wrapped key per participant, destroyed on erasure, and
//! re-wrapped under a new master key by [`KeyStore::rotate_master`].
//!
//! A master key is replaced without stopping the service: replicas run for a while with the new
//! key and the one it replaces (`PL_MASTER_KEY_PREVIOUS`), reading keys wrapped under either and
//! wrapping new ones under the new; `keys rotate-master` then re-wraps every key under the new
//! one and scrubs the old wrappings from the database's files, after which the previous key
//! can be dropped.

use anyhow::{bail, Context};
use chrono::Utc;
use rand::RngCore;

use super::aead::{open, seal};
use super::master::MasterKey;
use super::register::{Erasure, ErasureRegister};
use super::scrub::scrub_destroyed_keys;
use crate::store::Db;

const CHECK_PLAINTEXT: &[u8] = b"partnership-ledger master key check";
const CHECK_AAD: &[u8] = b"key-check";

/// Participant keys, wrapped by the master key.
#[derive(Clone, Debug)]
pub struct KeyStore {
    db: Db,
    master: MasterKey,
    /// The master key being replaced, while a rotation is under way.
    previous: Option<MasterKey>,
    /// Where erasures are noted apart from the database, when the service keeps a register.
    register: Option<ErasureRegister>,
}

fn wrap_aad(participant_id: &str) -> Vec<u8> {
    format!("participant-key|{participant_id}").into_bytes()
}

impl KeyStore {
    /// A key store over `db`, wrapping with `master`.
    pub fn new(db: Db, master: MasterKey) -> Self {
        Self {
            db,
            master,
            previous: None,
            register: None,
        }
    }

    /// The same store, noting erasures in `register` and re-applying those it names at start.
    pub fn with_register(mut self, register: ErasureRegister) -> Self {
        self.register = Some(register);
        self
    }

    /// Notes `erasure` in the register, when there is one. A failure is logged, not returned:
    /// the erasure stands in the log and the key is gone, and the next start notes it.
    pub fn note_erasure(&self, erasure: Erasure) {
        if let Some(register) = &self.register {
            if let Err(error) = register.note(&[erasure]) {
                tracing::error!(
                    error = format!("{error:#}"),
                    "an erasure could not be noted in the erasure register; the next start notes it"
                );
            }
        }
    }

    /// The same store, also reading keys wrapped under `previous`, the master key being
    /// replaced.
    pub fn with_previous(mut self, previous: Option<MasterKey>) -> Self {
        self.previous = previous;
        self
    }

    /// Opens `sealed` with the master key, or with the previous one during a rotation.
    fn open_with_either(&self, sealed: &str, aad: &[u8]) -> Option<Vec<u8>> {
        open(self.master.bytes(), sealed, aad).ok().or_else(|| {
            self.previous
                .as_ref()
                .and_then(|previous| open(previous.bytes(), sealed, aad).ok())
        })
    }

    /// Checks the master key is the one this ledger's keys were wrapped with (recording it on
    /// first use), so a wrong key stops the service before it can write anything.
    pub async fn verify_master(&self) -> anyhow::Result<()> {
        let existing: Option<String> = on_db!(&self.db, pool => sqlx::query_scalar("SELECT sealed FROM key_check WHERE id = 1")
            .fetch_optional(pool).await)
        .context("could not read the master key check")?;
        match existing {
            Some(sealed) => {
                if self.open_with_either(&sealed, CHECK_AAD).as_deref() != Some(CHECK_PLAINTEXT) {
                    bail!(
                        "the master key does not match the one this ledger was set up with; refusing to start \
                         (check PL_MASTER_KEY or master.key in the data directory). Nothing was changed."
                    );
                }
            }
            None => {
                let sealed = seal(self.master.bytes(), CHECK_PLAINTEXT, CHECK_AAD);
                on_db!(&self.db, pool => sqlx::query("INSERT INTO key_check (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
                    .bind(sealed).execute(pool).await.map(|_| ()))
                .context("could not record the master key check")?;
            }
        }
        Ok(())
    }

    /// The participant's key, if it exists (it does not once they are erased).
    pub async fn key(&self, participant_id: &str) -> anyhow::Result<Option<[u8; 32]>> {
        let wrapped: Option<String> = on_db!(&self.db, pool => sqlx::query_scalar(
            "SELECT wrapped_key FROM participant_keys WHERE participant_id = $1")
            .bind(participant_id).fetch_optional(pool).await)
        .context("could not read a participant key")?;
        let Some(wrapped) = wrapped else {
            return Ok(None);
        };
        let bytes = self
            .open_with_either(&wrapped, &wrap_aad(participant_id))
            .context("a participant key could not be unwrapped with the master key")?;
        let key = <[u8; 32]>::try_from(bytes.as_slice())
            .context("a participant key has the wrong length")?;
        Ok(Some(key))
    }

    /// The participant's key, created if they have none yet.
    pub async fn key_or_create(&self, participant_id: &str) -> anyhow::Result<[u8; 32]> {
        if let Some(key) = self.key(participant_id).await? {
            return Ok(key);
        }
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        let wrapped = seal(self.master.bytes(), &key, &wrap_aad(participant_id));
        on_db!(&self.db, pool => sqlx::query(
            "INSERT INTO participant_keys (participant_id, wrapped_key, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (participant_id) DO NOTHING")
            .bind(participant_id).bind(wrapped).bind(Utc::now()).execute(pool).await.map(|_| ()))
        .context("could not store a participant key")?;
        // Another writer may have created one first: use whichever is stored.
        self.key(participant_id)
            .await?
            .context("a participant key vanished as it was created")
    }

    /// Destroys the participant's key, leaving no copy of it in the database files: their
    /// sealed data can never be read again.
    pub async fn destroy(&self, participant_id: &str) -> anyhow::Result<()> {
        on_db!(&self.db, pool => sqlx::query("DELETE FROM participant_keys WHERE participant_id = $1")
            .bind(participant_id).execute(pool).await.map(|_| ()))
        .context("could not destroy a participant key")?;
        scrub_destroyed_keys(&self.db).await
    }

    /// Destroys the key of everyone the log or the erasure register says was erased; run at
    /// start, so restoring an old copy of the key table, or of the whole database, cannot bring
    /// an erased person back, nor leave a copy on disk. Erasures the log holds and the register
    /// lacks are noted in it; answers with those the register holds and the log lacks (a
    /// database restored from before them), for the caller to record again.
    pub async fn reapply_erasures(&self) -> anyhow::Result<Vec<Erasure>> {
        const LOGGED: &str = "SELECT aggregate_id, payload FROM events \
            WHERE aggregate_type = 'Participant' AND event_type = 'ParticipantErased'";
        let logged: Vec<(String, String)> =
            on_db!(&self.db, pool => sqlx::query_as(LOGGED).fetch_all(pool).await)
                .context("could not read the log's erasures")?;
        let registered = match &self.register {
            Some(register) => register.read()?,
            None => Vec::new(),
        };
        let unlogged: Vec<Erasure> = registered
            .iter()
            .filter(|e| {
                !logged
                    .iter()
                    .any(|(id, _)| *id == e.participant.to_string())
            })
            .cloned()
            .collect();
        if let Some(register) = &self.register {
            let unnoted: Vec<Erasure> = logged
                .iter()
                .filter(|(id, _)| !registered.iter().any(|e| e.participant.to_string() == *id))
                .filter_map(|(id, payload)| logged_erasure(id, payload))
                .collect();
            register.note(&unnoted)?;
        }
        // The log's erasures in one statement; the register's alone only after a restore.
        const LOGGED_KEYS: &str = "DELETE FROM participant_keys WHERE participant_id IN \
            (SELECT aggregate_id FROM events WHERE aggregate_type = 'Participant' AND event_type = 'ParticipantErased')";
        let mut removed = on_db!(&self.db, pool => sqlx::query(LOGGED_KEYS).execute(pool).await
            .map(|r| r.rows_affected()))
        .context("could not re-apply erasures")?;
        for erasure in &unlogged {
            removed += on_db!(&self.db, pool => sqlx::query(
                "DELETE FROM participant_keys WHERE participant_id = $1")
                .bind(erasure.participant.to_string()).execute(pool).await.map(|r| r.rows_affected()))
            .context("could not re-apply erasures")?;
        }
        if removed > 0 {
            scrub_destroyed_keys(&self.db).await?;
            tracing::warn!(
                keys = removed,
                "destroyed keys of erased participants found in the key table"
            );
        }
        Ok(unlogged)
    }

    /// Re-wraps every participant key, and the key check, under the master key, from the
    /// previous one; then scrubs the old wrappings from the database's files. Keys already
    /// under the master key are left as they are, so a rotation stopped half way can be run
    /// again. Answers how many keys were re-wrapped.
    pub async fn rotate_master(&self) -> anyhow::Result<u64> {
        let Some(previous) = &self.previous else {
            bail!("PL_MASTER_KEY_PREVIOUS: give the master key being replaced");
        };
        self.verify_master().await?;
        let rows: Vec<(String, String)> = on_db!(&self.db, pool => sqlx::query_as(
            "SELECT participant_id, wrapped_key FROM participant_keys")
            .fetch_all(pool).await)
        .context("could not read the participant keys")?;
        let mut rewrapped = 0;
        for (participant_id, wrapped) in rows {
            let aad = wrap_aad(&participant_id);
            if open(self.master.bytes(), &wrapped, &aad).is_ok() {
                continue;
            }
            let key = open(previous.bytes(), &wrapped, &aad).with_context(|| {
                "a participant key opens with neither the master key nor the previous one; \
                 nothing more was changed"
            })?;
            let sealed = seal(self.master.bytes(), &key, &aad);
            // Only the wrapping read: a key destroyed meanwhile stays destroyed.
            let changed = on_db!(&self.db, pool => sqlx::query(
                "UPDATE participant_keys SET wrapped_key = $1 \
                 WHERE participant_id = $2 AND wrapped_key = $3")
                .bind(sealed).bind(&participant_id).bind(&wrapped)
                .execute(pool).await.map(|r| r.rows_affected()))
            .context("could not store a re-wrapped participant key")?;
            rewrapped += changed;
        }
        let check = seal(self.master.bytes(), CHECK_PLAINTEXT, CHECK_AAD);
        on_db!(&self.db, pool => sqlx::query("UPDATE key_check SET sealed = $1 WHERE id = 1")
            .bind(check).execute(pool).await.map(|_| ()))
        .context("could not record the new master key check")?;
        scrub_destroyed_keys(&self.db).await?;
        Ok(rewrapped)
    }
}

/// The erasure a `ParticipantErased` event of participant `id` records.
fn logged_erasure(id: &str, payload: &str) -> Option<Erasure> {
    use crate::domain::participant::ParticipantEvent;
    match serde_json::from_str(payload).ok()? {
        ParticipantEvent::ParticipantErased {
            reason,
            requested_on,
            ..
        } => Some(Erasure {
            participant: id.parse().ok()?,
            reason,
            requested_on,
        }),
        _ => None,
    }
}
