//! The sheets of engagement: themes, activities and who took part, input and the decisions on
//! it, actions and their progress, and feedback.

use super::Takes::{Choice, Choices, Count, Day, List, Ods, OdsList, Own, Ref, Refs, Text};
use super::{col, Sheet, SheetFormat};

pub const THEMES: SheetFormat = SheetFormat {
    sheet: Sheet::Themes,
    name: "Themes",
    row_is: "a theme the organisation codes its input with",
    columns: &[col(
        "Theme",
        Text,
        true,
        "Access",
        "The theme's name, as the input sheet's Themes column writes it.",
    )],
};

pub const ACTIVITIES: SheetFormat = SheetFormat {
    sheet: Sheet::Activities,
    name: "Activities",
    row_is: "a co-production activity: a focus group, a survey, a panel meeting",
    columns: &[
        col(
            "Activity ref",
            Own,
            true,
            "A1",
            "Your reference for the activity; the other sheets name it by this.",
        ),
        col("Title", Text, true, "Outpatient letters focus group", ""),
        col("Kind", Choice("ActivityKind"), true, "Focus group", ""),
        col("Topic", Text, true, "Communication", ""),
        col(
            "Principles",
            Choices("Principle"),
            false,
            "Informed; Seeking input",
            "The Patients Association principles it serves.",
        ),
        col(
            "Partner organisations",
            OdsList,
            false,
            "RX1",
            "ODS codes of the organisations it was run with.",
        ),
        col("Planned on", Day, true, "2025-05-01", ""),
        col(
            "Information published on",
            Day,
            false,
            "2025-04-20",
            "When people were told about it beforehand.",
        ),
        col(
            "Accessible formats",
            Choices("AccessibleFormat"),
            false,
            "Easy read",
            "Formats the information was offered in.",
        ),
        col(
            "Held on",
            Day,
            false,
            "2025-05-10",
            "Blank while it has not been held.",
        ),
        col(
            "Patients",
            Count,
            false,
            "9",
            "How many patients took part.",
        ),
        col("Carers", Count, false, "3", ""),
        col("Public", Count, false, "0", "Members of the public."),
        col("Staff", Count, false, "2", ""),
        col(
            "Cancelled on",
            Day,
            false,
            "",
            "Only for an activity that did not go ahead.",
        ),
        col(
            "Cancellation reason",
            Text,
            false,
            "",
            "Needed with Cancelled on.",
        ),
    ],
};

pub const WHO_TOOK_PART: SheetFormat = SheetFormat {
    sheet: Sheet::WhoTookPart,
    name: "Who took part",
    row_is: "how many of those at an activity were in one group (counted, never named)",
    columns: &[
        col("Activity ref", Ref(Sheet::Activities), true, "A1", ""),
        col(
            "Characteristic",
            Choice("Characteristic"),
            true,
            "Age band",
            "Age band, sex, ethnic group, deprivation quintile or disability.",
        ),
        col(
            "Group",
            Text,
            true,
            "18-44",
            "As the population baseline names it.",
        ),
        col("Count", Count, true, "5", ""),
    ],
};

pub const INPUT_ITEMS: SheetFormat = SheetFormat {
    sheet: Sheet::InputItems,
    name: "Input",
    row_is: "one piece of input people gave at an activity, and the decision on it",
    columns: &[
        col("Input ref", Own, true, "I1", ""),
        col(
            "Activity ref",
            Ref(Sheet::Activities),
            true,
            "A1",
            "The activity it was raised at.",
        ),
        col("Kind", Choice("InputKind"), true, "Recommendation", ""),
        col(
            "Summary",
            Text,
            true,
            "Letters arrive after the appointment date",
            "Written for publication: no names.",
        ),
        col(
            "Themes",
            List,
            false,
            "Access",
            "Themes from the Themes sheet (or already on record), separated by ;.",
        ),
        col("Raised by", Choice("RaisedBy"), true, "Patient", ""),
        col(
            "Raised on",
            Day,
            false,
            "2025-05-10",
            "Blank for the day the activity was held.",
        ),
        col(
            "Decision",
            Choice("DecisionOutcome"),
            false,
            "Accepted",
            "Blank while undecided.",
        ),
        col(
            "Decided on",
            Day,
            false,
            "2025-05-20",
            "Needed with Decision.",
        ),
        col(
            "Reason",
            Text,
            false,
            "",
            "Why, for a decision to decline, or that it is already in place.",
        ),
        col(
            "Referred to",
            Ods,
            false,
            "",
            "The partner's ODS code, for a decision to refer it.",
        ),
    ],
};

pub const ACTIONS: SheetFormat = SheetFormat {
    sheet: Sheet::Actions,
    name: "Actions",
    row_is: "an action taken in answer to input, and how it ended",
    columns: &[
        col("Action ref", Own, true, "X1", ""),
        col("Title", Text, true, "Send letters three weeks ahead", ""),
        col(
            "Owner role",
            Text,
            true,
            "Outpatients manager",
            "The role answerable for it, not a person's name.",
        ),
        col("Decision forum", Text, true, "Operations board", ""),
        col(
            "Input refs",
            Refs(Sheet::InputItems),
            false,
            "I1",
            "The input it answers, separated by ;.",
        ),
        col("Proposed on", Day, true, "2025-05-21", ""),
        col("Due on", Day, true, "2025-09-30", ""),
        col("Agreed on", Day, false, "2025-05-28", ""),
        col("Completed on", Day, false, "2025-09-01", ""),
        col(
            "Outcome",
            Text,
            false,
            "Letters now arrive in time",
            "Needed with Completed on.",
        ),
        col(
            "Evidence",
            Text,
            false,
            "Letters audit, September 2025",
            "Needed with Completed on.",
        ),
        col("Abandoned on", Day, false, "", ""),
        col(
            "Abandon reason",
            Text,
            false,
            "",
            "Needed with Abandoned on.",
        ),
    ],
};

pub const PROGRESS: SheetFormat = SheetFormat {
    sheet: Sheet::Progress,
    name: "Action progress",
    row_is: "a note of progress on an action",
    columns: &[
        col("Action ref", Ref(Sheet::Actions), true, "X1", ""),
        col("Recorded on", Day, true, "2025-07-01", ""),
        col(
            "Note",
            Text,
            true,
            "Template rewritten; printing contract changed",
            "",
        ),
    ],
};

pub const FEEDBACK: SheetFormat = SheetFormat {
    sheet: Sheet::Feedback,
    name: "Feedback",
    row_is: "telling people what came of their input: one item's, or an activity's as a whole",
    columns: &[
        col(
            "Input ref",
            Ref(Sheet::InputItems),
            false,
            "I1",
            "The input it answers; or else give Activity ref.",
        ),
        col(
            "Activity ref",
            Ref(Sheet::Activities),
            false,
            "",
            "For feedback on the activity's input as a whole.",
        ),
        col("Given on", Day, true, "2025-09-10", ""),
        col("Channel", Choice("FeedbackChannel"), true, "Email", ""),
        col(
            "Summary",
            Text,
            true,
            "You said, we did: letters now arrive in time",
            "",
        ),
    ],
};
