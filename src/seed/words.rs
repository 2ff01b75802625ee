//! The vocabulary synthetic records are made of: plausible, and nobody's real details.

pub const PLACES: &[&str] = &[
    "Northfield",
    "Eastmoor",
    "Riverside",
    "Westbury",
    "Southgate",
    "Kingsmead",
    "Ashworth",
    "Brookvale",
    "Castleford",
    "Dunmore",
    "Elmstead",
    "Fairhaven",
    "Greenhill",
    "Hollowell",
];

pub const ACTIVITY_KINDS: &[&str] = &[
    "FOCUS_GROUP",
    "CO_DESIGN_WORKSHOP",
    "PATIENT_PANEL",
    "PPG_MEETING",
    "SURVEY",
    "LISTENING_EVENT",
    "PUBLIC_CONSULTATION",
];

pub const TOPICS: &[&str] = &[
    "Maternity",
    "Outpatients",
    "Mental health",
    "Urgent care",
    "Cancer screening",
    "Diabetes",
    "Discharge",
    "Pharmacy",
    "Children's services",
    "Dementia care",
];

pub const TITLES: &[&str] = &[
    "what would make it better",
    "listening to carers",
    "redesigning the pathway",
    "waiting times",
    "getting information right",
    "access for disabled people",
];

pub const PRINCIPLES: &[&str] = &[
    "EQUALS",
    "INFORMED",
    "SHARED_DECISIONS",
    "INEQUALITIES",
    "JOINING_SERVICES",
];

pub const FORMATS: &[&str] = &["EASY_READ", "LARGE_PRINT", "TRANSLATION", "AUDIO"];

pub const THEMES: &[&str] = &[
    "access",
    "communication",
    "waiting",
    "dignity",
    "transport",
    "digital",
    "staffing",
];

pub const INPUT_KINDS: &[&str] = &["RECOMMENDATION", "CONCERN", "IDEA", "EXPERIENCE"];

pub const RAISED_BY: &[&str] = &["PATIENT", "CARER", "PUBLIC", "GROUP"];

pub const SUMMARIES: &[&str] = &[
    "Offer evening appointments for working parents",
    "Letters arrive after the appointment date",
    "Signs in the car park are confusing",
    "Interpreters are hard to book at short notice",
    "Text reminders would cut missed appointments",
    "Carers are not told when discharge is planned",
    "The waiting room has no quiet space",
    "Online booking does not work with screen readers",
    "Transport to the clinic is unreliable",
    "Staff explained the options clearly and kindly",
];

pub const CHANNELS: &[&str] = &["MEETING", "EMAIL", "LETTER", "NEWSLETTER", "WEBSITE"];

pub const DECLINE_REASONS: &[&str] = &[
    "Outside the budget this year; we will look again at the next planning round",
    "National guidance requires the current arrangement",
    "The building cannot be adapted; we are moving the service in 2027",
];

pub const ACTIONS: &[&str] = &[
    "Pilot evening clinics",
    "Rewrite appointment letters with patients",
    "Add text message reminders",
    "Improve signage with a patient walk-through",
    "Book interpreters through one number",
    "Tell carers the discharge date",
];

pub const OWNER_ROLES: &[&str] = &[
    "Head of Patient Experience",
    "Clinic Manager",
    "Director of Nursing",
    "Practice Manager",
];

pub const FORUMS: &[&str] = &["Quality Committee", "Operations Group", "Patient Panel"];

pub const PROGRESS: &[&str] = &[
    "Draft shared with the patient panel",
    "Funding agreed",
    "Staff briefed",
    "First month's figures collected",
];

pub const OUTCOMES: &[&str] = &[
    "Missed appointments fell by a fifth",
    "Patients on the panel checked the new letters and signed them off",
    "Evening clinics now run twice a week",
    "Carers receive the discharge date two days ahead",
];

pub const EVIDENCE: &[&str] = &[
    "Minutes of the quality committee",
    "Before and after figures",
    "The new letter, checked by the patient panel",
];

pub const BOARD_DECISIONS: &[&str] = &[
    "Approve the patient experience strategy",
    "Agree the outpatient redesign",
    "Adopt the interpreter booking policy",
    "Fund the evening clinic pilot",
    "Note the quarterly involvement report",
];

pub const GIVEN_NAMES: &[&str] = &[
    "Alex", "Sam", "Jordan", "Priya", "Tomasz", "Aisha", "Morgan", "Chen", "Olu", "Rhiannon",
];

pub const FAMILY_NAMES: &[&str] = &[
    "Example",
    "Sample",
    "Testwell",
    "Placeholder",
    "Fictional",
    "Madeup",
    "Synthetic",
];

/// Baseline dimensions and their categories (the activity snapshots use the same ones).
pub const BASELINE: &[(&str, &[&str])] = &[
    ("age_band", &["0-17", "18-44", "45-64", "65+"]),
    (
        "ethnic_group",
        &["Asian", "Black", "Mixed", "White", "Other"],
    ),
    ("deprivation_quintile", &["Q1", "Q2", "Q3", "Q4", "Q5"]),
];
