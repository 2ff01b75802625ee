//! Input items: the `InputItem` object with its decisions and verdict as of a date, the verdict
//! roll-ups over sets of items, their enums, the queries finding items, and the mutations
//! recording, deciding on and giving feedback about them.

pub mod coding;
pub mod enums;
pub mod listing;
pub mod mutations;
pub mod object;
pub mod queries;
pub mod rollup;
