//! Boards: the `Board`, `Appointment`, `BoardMeeting` and `BoardDecision` objects, their enums,
//! representation on a board or across an organisation's boards, the queries finding boards and
//! meetings, and the mutations on boards, appointments and meetings (with what they share in
//! [`write`](mod@write)).

pub mod appointment;
pub mod appointment_mutations;
pub mod enums;
pub mod meeting;
pub mod meeting_mutations;
pub mod mutations;
pub mod object;
pub mod queries;
pub mod representation;
pub mod write;
