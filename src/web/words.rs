//! The API's names for kinds and states, as people say them on the pages, and the choices
//! forms offer from them.

use super::form::Choice;

/// Each name with its words, in the order a form offers them.
pub const ACTIVITY_KINDS: &[(&str, &str)] = &[
    ("FOCUS_GROUP", "Focus group"),
    ("CO_DESIGN_WORKSHOP", "Co-design workshop"),
    ("PATIENT_PANEL", "Patient panel"),
    ("PPG_MEETING", "Patient participation group meeting"),
    ("SURVEY", "Survey"),
    ("LISTENING_EVENT", "Listening event"),
    ("PUBLIC_CONSULTATION", "Public consultation"),
    ("OTHER", "Other"),
];

pub const ACTIVITY_STATUSES: &[(&str, &str)] = &[
    ("PLANNED", "Planned"),
    ("HELD", "Held"),
    ("REPORT_PUBLISHED", "Report published"),
    ("CANCELLED", "Cancelled"),
];

pub const PRINCIPLES: &[(&str, &str)] = &[
    ("EQUALS", "Treating patients as equals"),
    ("INFORMED", "Patients fully informed"),
    ("SHARED_DECISIONS", "Shared decision making"),
    ("INEQUALITIES", "Recognising inequalities"),
    ("SEEKING_INPUT", "Seeking patient input"),
    ("JOINING_SERVICES", "Joining services around patients"),
];

pub const FORMATS: &[(&str, &str)] = &[
    ("EASY_READ", "Easy read"),
    ("LARGE_PRINT", "Large print"),
    ("BRAILLE", "Braille"),
    ("AUDIO", "Audio"),
    ("BRITISH_SIGN_LANGUAGE", "British Sign Language"),
    ("TRANSLATION", "Translation"),
    ("OTHER", "Other"),
];

pub const INPUT_KINDS: &[(&str, &str)] = &[
    ("RECOMMENDATION", "Recommendation"),
    ("CONCERN", "Concern"),
    ("IDEA", "Idea"),
    ("EXPERIENCE", "Experience"),
];

pub const RAISED_BY: &[(&str, &str)] = &[
    ("PATIENT", "A patient"),
    ("CARER", "A carer"),
    ("PUBLIC", "A member of the public"),
    ("GROUP", "A group"),
];

pub const FEEDBACK_CHANNELS: &[(&str, &str)] = &[
    ("MEETING", "At a meeting"),
    ("EMAIL", "Email"),
    ("LETTER", "Letter"),
    ("NEWSLETTER", "Newsletter"),
    ("WEBSITE", "Website"),
    ("SOCIAL_MEDIA", "Social media"),
    ("PHONE", "Phone"),
    ("OTHER", "Other"),
];

/// The words for `name` in `list`, or the name itself.
pub fn say(list: &[(&str, &'static str)], name: &str) -> String {
    list.iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| name.to_owned(), |(_, words)| (*words).to_owned())
}

/// Every name of `list` as a form's choices.
pub fn choices(list: &[(&str, &str)]) -> Vec<Choice> {
    list.iter().map(|(n, w)| Choice::new(*n, *w)).collect()
}

pub const OUTCOMES: &[(&str, &str)] = &[
    ("ACCEPTED", "Accepted: we will act on it"),
    ("DECLINED", "Declined"),
    ("ALREADY_IN_PLACE", "Already in place"),
    ("REFERRED", "Referred to a partner organisation"),
];

pub const ACTION_STATUSES: &[(&str, &str)] = &[
    ("PROPOSED", "Proposed"),
    ("AGREED", "Agreed"),
    ("IN_PROGRESS", "In progress"),
    ("COMPLETED", "Completed"),
    ("ABANDONED", "Abandoned"),
];

pub const WARNINGS: &[(&str, &str)] = &[
    (
        "DECIDED_BEFORE_INPUT",
        "Decided before the input was raised",
    ),
    (
        "NO_OUTCOME_EVIDENCE",
        "Completed with no evidence of the outcome",
    ),
    ("LATE_RESPONSE", "Answered after its response window"),
    ("NO_LINKED_ACTION", "Accepted, but no action answers it"),
];

/// The tag colour of an action's state.
pub fn action_tag(status: &str) -> &'static str {
    match status {
        "PROPOSED" => "nhsuk-tag--grey",
        "AGREED" => "nhsuk-tag--blue",
        "IN_PROGRESS" => "nhsuk-tag--aqua-green",
        "COMPLETED" => "nhsuk-tag--green",
        _ => "nhsuk-tag--red",
    }
}

pub const VERDICTS: &[(&str, &str)] = &[
    ("UNANSWERED", "Waiting for a decision"),
    ("OVERDUE", "Overdue for a decision"),
    ("DECLINED", "Declined"),
    ("ALREADY_IN_PLACE", "Already in place"),
    ("REFERRED", "Referred to a partner"),
    ("PLANNED", "Planned"),
    ("STALLED", "Stalled"),
    ("ACTED_ON", "Acted on"),
    ("WITHDRAWN", "Withdrawn"),
];

pub const ORGANISATION_KINDS: &[(&str, &str)] = &[
    ("INTEGRATED_CARE_BOARD", "Integrated care board"),
    ("NHS_TRUST", "NHS trust"),
    ("GP_PRACTICE", "GP practice"),
    ("PRIMARY_CARE_NETWORK", "Primary care network"),
    ("HEALTHWATCH", "Healthwatch"),
    ("VCSE", "Voluntary, community or social enterprise"),
    ("LOCAL_AUTHORITY", "Local authority"),
    ("OTHER", "Other"),
];

pub const CORRECTION_CATEGORIES: &[(&str, &str)] = &[
    ("TYPO", "A slip of the keyboard"),
    ("WRONG_DATE", "A date was entered wrongly"),
    (
        "WRONG_DETAIL",
        "Another detail was entered wrongly (a count, a kind, an owner)",
    ),
    (
        "LATE_INFORMATION",
        "It was right then; more has come to light since",
    ),
    ("DUPLICATE", "It repeats another record"),
    ("RECORDED_IN_ERROR", "It should never have been recorded"),
    ("OTHER", "Something else"),
];

pub const BOARD_KINDS: &[(&str, &str)] = &[
    ("ICB_BOARD", "Integrated care board"),
    ("TRUST_BOARD", "Trust board"),
    ("COMMITTEE", "Committee"),
    ("PPG", "Patient participation group"),
    ("PATIENT_PANEL", "Patient panel"),
    ("OTHER", "Other"),
];

/// Seats' roles, one seat's name.
pub const SEAT_ROLES: &[(&str, &str)] = &[
    ("PATIENT_MEMBER", "Patient member"),
    ("LAY_MEMBER", "Lay member"),
    ("CARER_REPRESENTATIVE", "Carer representative"),
    ("HEALTHWATCH_REPRESENTATIVE", "Healthwatch representative"),
    ("VCSE_REPRESENTATIVE", "VCSE representative"),
];

/// Seats' roles, several seats' name.
pub const SEAT_ROLES_MANY: &[(&str, &str)] = &[
    ("PATIENT_MEMBER", "Patient members"),
    ("LAY_MEMBER", "Lay members"),
    ("CARER_REPRESENTATIVE", "Carer representatives"),
    ("HEALTHWATCH_REPRESENTATIVE", "Healthwatch representatives"),
    ("VCSE_REPRESENTATIVE", "VCSE representatives"),
];

pub const CONSENT_PURPOSES: &[(&str, &str)] = &[
    ("BOARD_MEMBERSHIP", "Board membership"),
    ("FEEDBACK_CONTACT", "Being told what came of their input"),
    ("QUOTES_IN_REPORTS", "Being quoted in reports"),
];

pub const END_REASONS: &[(&str, &str)] = &[
    ("RESIGNED", "Resigned"),
    ("TERM_EXPIRED", "Term expired"),
    ("REMOVED", "Removed"),
];
