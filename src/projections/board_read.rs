//! Reading the board views; kept under this name for its callers, the reads live in their
//! views (`views/`).

pub use super::views::appointment::*;
pub use super::views::board::*;
pub use super::views::board_meeting::*;
