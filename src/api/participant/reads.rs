//! The reads of personal details one request has recorded, so that each is recorded once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::domain::access::AccessPurpose as DomainAccessPurpose;

/// The reads of personal details recorded during one request: put in each request's data by
/// the endpoints, so a request records one read per participant and purpose however many
/// times (aliases, lists, several fields) it reads them. Without it (requests made in
/// process), every read is recorded.
#[derive(Default)]
pub struct PersonalReads {
    recorded: Mutex<HashMap<(Uuid, DomainAccessPurpose), Recorded>>,
}

/// Set once a read is in the access record.
type Recorded = Arc<OnceCell<()>>;

impl PersonalReads {
    /// The record of this request's read of `participant` for `purpose`: set once it is
    /// written; fields reading at the same time wait for the one writing it.
    pub(super) fn of(&self, participant: Uuid, purpose: DomainAccessPurpose) -> Recorded {
        let mut recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        recorded.entry((participant, purpose)).or_default().clone()
    }
}
