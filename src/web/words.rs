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
