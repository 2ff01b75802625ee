//! Board, appointment and meeting documents, and how their events change them; kept under this
//! name for its callers, they live in their views (`views/`).

pub use super::views::appointment::*;
pub use super::views::board::*;
pub use super::views::board_meeting::*;
