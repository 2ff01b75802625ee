//! The participant document and how its events change it; kept under this name for its
//! callers, it lives in its view (`views/participant.rs`).

pub use super::views::participant::*;
