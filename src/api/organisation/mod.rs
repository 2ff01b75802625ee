//! Organisations: the `Organisation` object (registration, boards' representation, verdicts
//! over its input), the queries finding one or all the caller may read, and the mutations
//! registering and changing one.

pub mod mutations;
pub mod object;
pub mod queries;
