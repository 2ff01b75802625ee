//! Activities: the `Activity` object (what was planned, held and reported, the input raised at
//! it, the people linked to it), its enums, the queries finding activities, and the mutations
//! planning, holding, reporting on and cancelling them.
//!
//! [`record::Activity`] is the type other areas name (an input item's activity);
//! [`object`] gives it its fields.

pub mod corrections;
pub mod enums;
pub mod mutations;
pub mod object;
pub mod publishing;
pub mod queries;
pub mod record;
