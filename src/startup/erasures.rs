//! Recording again, at start, the erasures the erasure register holds and the log lacks: the
//! database was restored from a backup taken before them. Their keys are destroyed already
//! (see [`crate::crypto::KeyStore::reapply_erasures`]); this puts their events back in the log,
//! so that every view and export says the person was erased.

use crate::auth::{Principal, Role};
use crate::crypto::Erasure;
use crate::domain::participant::ParticipantCommand;
use crate::ledger::{CommandContext, Ledger, LedgerError};

/// Who the events say recorded them.
const SUBJECT: &str = "erasure register";

/// Records each of `unlogged` through the ledger; a participant the restored log never had
/// (registered after the backup too) has nothing to record.
pub(super) async fn record_again(ledger: &Ledger, unlogged: Vec<Erasure>) {
    for erasure in unlogged {
        let id = erasure.participant.to_string();
        let ctx = CommandContext {
            principal: Principal {
                subject: SUBJECT.to_owned(),
                role: Role::Admin,
                organisations: Vec::new(),
            },
            correlation_id: uuid::Uuid::new_v4().to_string(),
            command: "eraseParticipant",
            idempotency_key: None,
            request_hash: String::new(),
            new_record: false,
            origin: None,
        };
        let command = ParticipantCommand::Erase {
            reason: erasure.reason,
            requested_on: erasure.requested_on,
        };
        match ledger.participant(&id, command, &ctx).await {
            Ok(_) => tracing::warn!(
                participant.id = %id,
                "an erasure made after this database's backup was recorded again from the erasure register"
            ),
            Err(LedgerError::Refused { message, .. }) => tracing::info!(
                participant.id = %id,
                reason = %message,
                "an erasure in the erasure register has nothing to record in this log"
            ),
            Err(error) => tracing::error!(
                participant.id = %id,
                error = format!("{error:#}"),
                "could not record again an erasure from the erasure register; the key is destroyed, and the next start tries again"
            ),
        }
    }
}
