//! Read models built from the global event log.
//!
//! The `views` projector reads the log in commit order from its checkpoint, applies each event
//! to the document of its aggregate, and writes the documents and the new checkpoint in one
//! transaction, so a crash at any point leaves tables and checkpoint in step. Rebuilding clears
//! the tables and replays the whole log through the same code.
//!
//! # Layout
//! - `views/`: one file per aggregate (its document, how each event changes it, its rows and
//!   tables, its reads), and the one list of them that everything else goes over;
//! - `view`: what a view is (the [`View`] trait);
//! - `projector/`: the projector (handle, live loop, batch, rebuild, shadow tables);
//! - `write/`: the batch writer; `select`: what the views' reads share;
//! - `held`, `kept`: what the projector's replica keeps in memory;
//! - `read`, `docs`, `boards`, `board_read`, `participants`: the views' documents and reads
//!   gathered under the names callers use;
//! - `reads`: which database a read goes to: the primary or a hot standby;
//! - `tally`: the maintained tallies that roll-ups are read from;
//! - `scorecard`, `reach`, `representation`, `rollup`, `period`, `documents`: measures
//!   computed from the documents.

pub mod board_read;
pub mod boards;
pub mod docs;
mod documents;
pub mod kept;
mod log;
pub mod participants;
pub mod period;
mod projector;
pub mod reach;
pub mod read;
pub mod reads;
pub mod representation;
pub mod rollup;
pub mod scorecard;
mod select;
pub mod status;
pub mod tally;
pub mod view;
pub mod views;
mod write;

pub use documents::Documents;
pub use log::{
    decode_event, read_log_after, read_stream, read_view_events_after, LoggedEvent, ViewEvent,
    EVENT_COLUMNS,
};
pub use projector::{
    rebuild, rebuild_with, Projector, ProjectorHandle, RebuildOptions, MAX_PARTS, PROJECTOR_NAME,
    VIEW_TABLES,
};
pub use view::View;
pub use views::Projected;
