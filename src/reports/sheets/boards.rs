//! The sheets of boards: boards and their seats, participants, appointments, meetings with
//! who attended, and the decisions taken at them.

use super::Takes::{Choice, Count, Day, Flag, Own, Ref, Refs, Text};
use super::{col, Sheet, SheetFormat};

pub const BOARDS: SheetFormat = SheetFormat {
    sheet: Sheet::Boards,
    name: "Boards",
    row_is: "a board or committee",
    columns: &[
        col("Board ref", Own, true, "B1", ""),
        col("Name", Text, true, "Quality committee", ""),
        col("Kind", Choice("BoardKind"), true, "Committee", ""),
        col("Established on", Day, true, "2025-04-01", ""),
    ],
};

pub const SEATS: SheetFormat = SheetFormat {
    sheet: Sheet::Seats,
    name: "Seats",
    row_is: "how many seats of one role a board has, from a day",
    columns: &[
        col("Board ref", Ref(Sheet::Boards), true, "B1", ""),
        col("Role", Choice("SeatRole"), true, "Patient member", ""),
        col("Target", Count, true, "2", "How many seats of the role."),
        col("Voting", Flag, true, "Yes", ""),
        col("From", Day, true, "2025-04-01", ""),
    ],
};

pub const PARTICIPANTS: SheetFormat = SheetFormat {
    sheet: Sheet::Participants,
    name: "Participants",
    row_is: "a person who sits on a board; named only where they agreed to be",
    columns: &[
        col("Participant ref", Own, true, "P1", ""),
        col(
            "Name",
            Text,
            false,
            "Pat Member",
            "Only where they agreed; blank records them as 'Participant' and their ref.",
        ),
        col(
            "Email",
            Text,
            false,
            "",
            "Only where they agreed to be contacted.",
        ),
        col("Phone", Text, false, "", ""),
        col("Registered on", Day, true, "2025-03-01", ""),
        col(
            "Board membership consent on",
            Day,
            false,
            "2025-03-01",
            "When they agreed to sit on a board.",
        ),
        col(
            "Feedback consent on",
            Day,
            false,
            "",
            "When they agreed to be told what came of their input.",
        ),
        col(
            "Quotes consent on",
            Day,
            false,
            "",
            "When they agreed to be quoted in reports.",
        ),
    ],
};

pub const APPOINTMENTS: SheetFormat = SheetFormat {
    sheet: Sheet::Appointments,
    name: "Appointments",
    row_is: "a participant's seat on a board, its term and how it ended",
    columns: &[
        col("Appointment ref", Own, true, "AP1", ""),
        col("Board ref", Ref(Sheet::Boards), true, "B1", ""),
        col("Participant ref", Ref(Sheet::Participants), true, "P1", ""),
        col("Role", Choice("SeatRole"), true, "Patient member", ""),
        col("Voting", Flag, true, "Yes", ""),
        col("Term start", Day, true, "2025-04-01", ""),
        col("Term end", Day, true, "2028-03-31", ""),
        col("Renewed on", Day, false, "", "When the term was extended."),
        col(
            "Renewed to",
            Day,
            false,
            "",
            "The new term end; needed with Renewed on.",
        ),
        col(
            "Ended on",
            Day,
            false,
            "",
            "When they left the seat before its term ended.",
        ),
        col(
            "End reason",
            Choice("EndReason"),
            false,
            "",
            "Needed with Ended on.",
        ),
    ],
};

pub const MEETINGS: SheetFormat = SheetFormat {
    sheet: Sheet::Meetings,
    name: "Meetings",
    row_is: "a board meeting, its papers and who attended",
    columns: &[
        col("Meeting ref", Own, true, "M1", ""),
        col("Board ref", Ref(Sheet::Boards), true, "B1", ""),
        col("Scheduled for", Day, true, "2025-06-12", ""),
        col("Papers issued on", Day, false, "2025-06-05", ""),
        col(
            "Held on",
            Day,
            false,
            "2025-06-12",
            "Blank while it has not been held.",
        ),
        col("Quorate", Flag, false, "Yes", "Needed with Held on."),
        col(
            "Attended",
            Refs(Sheet::Appointments),
            false,
            "AP1",
            "The appointments of those who attended, separated by ;.",
        ),
    ],
};

pub const DECISIONS: SheetFormat = SheetFormat {
    sheet: Sheet::Decisions,
    name: "Decisions",
    row_is: "a decision taken at a board meeting, and the input and actions it cites",
    columns: &[
        col("Meeting ref", Ref(Sheet::Meetings), true, "M1", ""),
        col(
            "Title",
            Text,
            true,
            "Adopt the rewritten letter templates",
            "",
        ),
        col("Summary", Text, false, "", ""),
        col("Cited input refs", Refs(Sheet::InputItems), false, "I1", ""),
        col("Cited action refs", Refs(Sheet::Actions), false, "X1", ""),
        col("Patient members present", Flag, false, "Yes", ""),
        col("Patient members voted", Flag, false, "Yes", ""),
    ],
};
