//! Participants: the `Participant` object (a tombstone after erasure; personal details only for
//! the organisation's officers and board secretaries, each request's reads recorded once), the
//! participants linked to other records, the queries (including the access record), and the
//! mutations registering, linking, consenting and erasing.

pub mod linked;
pub mod mutations;
pub mod object;
pub mod queries;
pub mod reads;
