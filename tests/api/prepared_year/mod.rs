//! A prepared year: the financial year 2025/26 (1 April 2025 to 31 March 2026) of one integrated
//! care system, its ICB (QMJ) and one trust (RAL), built through the API alone. Every scorecard
//! measure is worked out by hand below and compared with the service, for QMJ's year, for QMJ's
//! first calendar quarter of 2026, and for the ICS's year; each figure opens to exactly the
//! records it counts.
//!
//! The fixture, with the short names the arithmetic uses (all dates are the days things
//! happened; the response window is the default 60 days):
//!
//! QMJ (ICB) activities
//! - A1 `letters_group`, focus group, held 2025-05-20; information published 2025-05-06 (easy
//!   read, large print) and again 2025-05-16; demographics (10 people); feedback to all 2025-06-20.
//! - A2 `discharge_event`, listening event led by QMJ with RAL as partner, held 2025-11-12;
//!   published 2025-11-02 (BSL); demographics (9 people); feedback to all 2025-12-10.
//! - A3 `crisis_workshop`, co-design workshop, held 2026-02-10; published 2026-02-03 (no
//!   accessible format); demographics (10 people).
//! - A4 `pharmacy_survey`, survey, held 2026-03-02; published on the day (audio); no demographics.
//!
//! QMJ input items (owned by QMJ)
//! - I1 `plain_letters` (A1, 2025-05-20): accepted 2025-06-10; X1 completed 2025-09-30 with
//!   outcome and evidence; item feedback 2025-10-15.
//! - I2 `saturday_clinics` (A1): declined 2025-06-10 with a reason.
//! - I3 `text_reminders` (A1): referred to RAL 2025-06-05; RAL proposes Y1 (2025-06-20) and
//!   answers by accepting 2025-06-20; Y1 completed 2025-10-01. No feedback after the outcome.
//! - I4 `gp_letters` (A2, 2025-11-12): accepted 2025-12-01; X2 open, due 2026-06-30.
//! - I5 `discharge_medicines` (A2): never decided.
//! - I6 `weekend_crisis_line` (A3, 2026-02-10): accepted 2026-02-20; X3 completed 2026-03-20;
//!   item feedback 2026-03-25.
//! - I7 `peer_support` (A3): already in place, decided 2026-04-20 (after the year).
//! - I8 `pharmacy_hours` (A4, 2026-03-02): referred to RAL 2026-03-10, never answered; RAL
//!   proposes Y4 for it 2026-03-25.
//!
//! RAL (trust, ICS QMJ) activities and items
//! - B1 `maternity_panel`, patient panel, held 2025-07-08; published 2025-06-24 (translation);
//!   demographics (10 people); feedback to all 2025-08-01.
//!   - J1 `interpreters`: accepted 2025-07-20; Y2 due 2025-10-31, never completed.
//!   - J2 `overnight_stays`: declined 2025-10-01 (after the window closed on 2025-09-06).
//! - B2 `emergency_group`, focus group, held 2026-01-20; nothing published; demographics (10).
//!   - J3 `waiting_screens`: accepted 2026-01-30; Y3 completed 2026-03-15; item feedback
//!     2026-03-18.
//!
//! RJ1 (another ICS, QKK): `outside_activity`, held 2025-09-01 with RAL as partner; never counted.
//!
//! Boards
//! - QMJ "ICB Board" from 2025-04-01: 2 voting patient-member seats, 1 non-voting lay seat.
//!   P1 `patient_member` (2025-04-01 to 2026-05-31, voting); the second patient seat never
//!   filled; L1 `lay_member` (2025-09-01 to 2027-08-31, non-voting).
//!   - M1 2025-07-15 (P1 present): D1 cites I1, D2 cites nothing.
//!   - M2 2025-12-16 (L1 present, P1 absent): D3 cites I4 and I5.
//!   - M3 2026-03-17 (P1, L1 present): D4 cites I6, D5 cites nothing.
//! - RAL "Patient Experience Committee" from 2025-04-01: 1 non-voting carer seat; R1
//!   `carer_rep` (2025-06-01 to 2026-04-30).
//!   - M4 2026-01-27 (R1 absent): D6 cites J3.

mod builders;
mod engagement;
mod icb_quarter;
mod icb_year;
mod ics_year;
mod measures;
mod people_and_boards;
mod reach;
mod reads;

use partnership_ledger::auth::Role;
use serde_json::json;

use crate::helpers::TestApp;
use builders::{call, Officer};

pub(crate) const ICB: &str = "QMJ";
pub(crate) const TRUST: &str = "RAL";
pub(crate) const OUTSIDER: &str = "RJ1";

/// The people registered in the prepared year: board members P1, L1 and R1, and a contributor
/// linked to A1 and I1. None of them may appear in any report.
pub(crate) const PARTICIPANT_NAMES: [&str; 4] = [
    "Philippa Quennell-Ashdown",
    "Lysander Oyelaran-Whitby",
    "Rosalind Threlkeld-Mbeki",
    "Ignatius Fairweather-Kowalczyk",
];
pub(crate) const PARTICIPANT_EMAILS: [&str; 4] = [
    "philippa.qa-7301@example.org",
    "lysander.ow-5512@example.org",
    "rosalind.tm-2290@example.org",
    "ignatius.fk-8846@example.org",
];

/// QMJ's population: age 50/30/20, ethnic group 60/20/20, deprivation 30/70 (per cent).
const ICB_BASELINE: &str = "dimension,category,count
age_band,18-44,500
age_band,45-64,300
age_band,65+,200
ethnic_group,White,600
ethnic_group,Asian,200
ethnic_group,Black,200
deprivation_quintile,Q1,300
deprivation_quintile,Q2-Q5,700
";

/// RAL's population: age 40/35/25, sex 51/49 (per cent).
const TRUST_BASELINE: &str = "dimension,category,count
age_band,18-44,40
age_band,45-64,35
age_band,65+,25
sex,female,51
sex,male,49
";

/// The ids of everything the prepared year created (see the module documentation).
#[derive(Default)]
pub(crate) struct PreparedYear {
    /// A1 to A4, led by QMJ.
    pub letters_group: String,
    pub discharge_event: String,
    pub crisis_workshop: String,
    pub pharmacy_survey: String,
    /// B1 and B2, led by RAL.
    pub maternity_panel: String,
    pub emergency_group: String,
    /// Led by RJ1, outside the ICS, with RAL as partner.
    pub outside_activity: String,
    /// I1 to I8, owned by QMJ.
    pub plain_letters: String,
    pub saturday_clinics: String,
    pub text_reminders: String,
    pub gp_letters: String,
    pub discharge_medicines: String,
    pub weekend_crisis_line: String,
    pub peer_support: String,
    pub pharmacy_hours: String,
    /// J1 to J3, owned by RAL.
    pub interpreters: String,
    pub overnight_stays: String,
    pub waiting_screens: String,
    /// X1 to X3, owned by QMJ.
    pub rewrite_letters: String,
    pub gp_letters_pilot: String,
    pub weekend_rota: String,
    /// Y1 to Y4, owned by RAL; Y1 and Y4 answer QMJ's referred input.
    pub reminder_service: String,
    pub interpreter_booking: String,
    pub ed_screens: String,
    pub pharmacy_pilot: String,
    /// QMJ's board, and the appointments P1 and L1 on it.
    pub icb_board: String,
    pub patient_member: String,
    pub lay_member: String,
    /// RAL's committee, and the appointment R1 on it.
    pub committee: String,
    pub carer_rep: String,
    /// M1 to M4.
    pub meetings: Vec<String>,
    /// D1 to D6.
    pub letters_decision: String,
    pub budget_decision: String,
    pub discharge_decision: String,
    pub crisis_decision: String,
    pub estates_decision: String,
    pub screens_decision: String,
    /// The people, in the order of `PARTICIPANT_NAMES`.
    pub participants: Vec<String>,
}

/// Builds the prepared year (see the module documentation) through the API.
pub(crate) async fn prepare(app: &TestApp) -> PreparedYear {
    let admin = app.admin();
    for (code, name, kind, ics) in [
        (
            ICB,
            "North Central London ICB",
            "INTEGRATED_CARE_BOARD",
            None,
        ),
        (
            TRUST,
            "Royal Free London NHS Foundation Trust",
            "NHS_TRUST",
            Some(ICB),
        ),
        // The outsider's own ICB, registered first: an ICS must name a registered ICB.
        (
            "QKK",
            "South East London ICB",
            "INTEGRATED_CARE_BOARD",
            None,
        ),
        (
            OUTSIDER,
            "Guy's and St Thomas' NHS Foundation Trust",
            "NHS_TRUST",
            Some("QKK"),
        ),
    ] {
        call(
            app,
            &admin,
            "registerOrganisation",
            "organisation { odsCode }",
            json!({ "odsCode": code, "name": name, "kind": kind, "ics": ics }),
        )
        .await;
    }
    let qmj = Officer {
        app,
        code: ICB,
        token: app.token(Role::EngagementOfficer, &[ICB]),
    };
    let ral = Officer {
        app,
        code: TRUST,
        token: app.token(Role::EngagementOfficer, &[TRUST]),
    };
    let rj1 = Officer {
        app,
        code: OUTSIDER,
        token: app.token(Role::EngagementOfficer, &[OUTSIDER]),
    };
    qmj.baseline(ICB_BASELINE).await;
    ral.baseline(TRUST_BASELINE).await;

    let mut year = engagement::build(&qmj, &ral, &rj1).await;
    people_and_boards::build(app, &qmj, &mut year).await;
    year
}
