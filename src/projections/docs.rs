//! The documents of organisations, activities, input items and actions, and how each event
//! changes them; kept under this name for its callers, they live in their views (`views/`).

pub use super::view::OutOfOrder;
pub use super::views::action::*;
pub use super::views::activity::*;
pub use super::views::input_item::*;
pub use super::views::organisation::*;
