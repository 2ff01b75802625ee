//! Read models built from the global event log.
//!
//! The `views` projector reads the log in commit order from its checkpoint, applies each event
//! to the document of its aggregate, and writes the documents and the new checkpoint in one
//! transaction, so a crash at any point leaves tables and checkpoint in step. Rebuilding clears
//! the tables and replays the whole log through the same code.

pub mod board_read;
pub mod boards;
pub mod docs;
mod held;
pub mod kept;
mod log;
pub mod participants;
mod projector;
pub mod reach;
pub mod read;
pub mod representation;
pub mod rollup;
pub mod scorecard;
pub mod status;
mod write;

pub use held::Projected;
pub use log::{
    decode_event, read_log_after, read_stream, read_view_events_after, LoggedEvent, ViewEvent,
    EVENT_COLUMNS,
};
pub use projector::{
    rebuild, rebuild_with, Projector, ProjectorHandle, RebuildOptions, MAX_PARTS, PROJECTOR_NAME,
    VIEW_TABLES,
};
