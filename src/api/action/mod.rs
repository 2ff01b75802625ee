//! Actions: the `Action` object (a change committed in response to input, its due dates,
//! progress and outcome), the queries finding actions, and the mutations proposing, agreeing,
//! progressing, completing and abandoning them.

pub mod mutations;
pub mod object;
pub mod queries;
