//! Reports: the six-principles scorecard, reach against the population baseline, the
//! annual-report involvement section, and the population baseline itself (its query and its
//! upload).

pub mod annual;
pub mod baseline;
pub mod reach;
pub mod scorecard;
