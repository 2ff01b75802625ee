//! Audit: signed checkpoints and verification of the log, traces from input to outcome and
//! back, the field-by-field history of a record, and exports (audit trail, "you said, we did").

pub mod checkpoint;
pub mod export;
pub mod history;
pub mod trace;
