//! What every area of the API shares, below all of them: the request's context, ids and
//! not-found refusals, the error policy, paging, bounds on lists, periods, the enums and
//! scalars several areas use, the pool for heavy work, and the plumbing every mutation runs
//! (idempotency keys, read-back, receipts). Nothing here imports an area.

pub mod access;
pub mod context;
pub mod correction;
pub mod enums;
pub mod error;
pub mod heavy;
pub mod ids;
pub mod lists;
pub mod notes;
pub mod pages;
pub mod period;
pub mod visible;
pub mod write;
