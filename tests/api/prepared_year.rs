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

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

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

/// Runs mutation `field` with `input` and answers with the payload's `selection`.
async fn call(app: &TestApp, token: &str, field: &str, selection: &str, input: Value) -> Value {
    app.call(token, field, selection, input).await
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

fn counts(pairs: &[(&str, u32)]) -> Value {
    pairs
        .iter()
        .map(|(category, count)| json!({ "category": category, "count": count }))
        .collect()
}

struct Officer<'a> {
    app: &'a TestApp,
    code: &'static str,
    token: String,
}

impl Officer<'_> {
    async fn call(&self, field: &str, selection: &str, input: Value) -> Value {
        call(self.app, &self.token, field, selection, input).await
    }

    async fn activity(&self, input: Value) -> String {
        id(&self.call("planActivity", "activity { id }", input).await["activity"])
    }

    async fn publish(&self, activity: &str, on: &str, formats: &[&str]) {
        self.call(
            "recordInformationPublished",
            "activity { id }",
            json!({ "activityId": activity, "publishedOn": on, "accessibleFormats": formats }),
        )
        .await;
    }

    async fn held(&self, activity: &str, on: &str, patients: u32, demographics: Value) {
        self.call(
            "recordActivityHeld",
            "activity { id }",
            json!({ "activityId": activity, "heldOn": on,
                "attendance": { "patients": patients, "carers": 1, "public": 0, "staff": 2 },
                "demographics": demographics }),
        )
        .await;
    }

    async fn tell_everyone(&self, activity: &str, on: &str) {
        self.call(
            "recordActivityFeedback",
            "activity { id }",
            json!({ "activityId": activity, "givenOn": on, "channel": "NEWSLETTER",
                "summary": "You said, we did: what happened to your input" }),
        )
        .await;
    }

    async fn item(&self, activity: &str, summary: &str, themes: &[&str], on: &str) -> String {
        id(&self
            .call(
                "recordInputItem",
                "inputItem { id }",
                json!({ "activityId": activity, "kind": "RECOMMENDATION", "summary": summary,
                    "themes": themes, "raisedBy": "PATIENT", "raisedOn": on }),
            )
            .await["inputItem"])
    }

    async fn decide(&self, item: &str, outcome: &str, on: &str, reason: &str) {
        self.call(
            "decideInputItem",
            "inputItem { id }",
            json!({ "inputItemId": item, "outcome": outcome, "decidedOn": on, "reason": reason }),
        )
        .await;
    }

    async fn refer(&self, item: &str, to: &str, on: &str) {
        self.call(
            "decideInputItem",
            "inputItem { id }",
            json!({ "inputItemId": item, "outcome": "REFERRED", "referredTo": to, "decidedOn": on }),
        )
        .await;
    }

    async fn tell(&self, item: &str, on: &str) {
        self.call(
            "recordInputFeedback",
            "inputItem { id }",
            json!({ "inputItemId": item, "givenOn": on, "channel": "EMAIL",
                "summary": "What we did with your suggestion" }),
        )
        .await;
    }

    /// Proposes an action for `items` on `proposed`, due `due`, agreed on `agreed` if given.
    async fn action(
        &self,
        title: &str,
        items: &[&str],
        (proposed, due): (&str, &str),
        agreed: Option<&str>,
    ) -> String {
        let owner = self.code;
        let action = id(&self
            .call(
                "proposeAction",
                "action { id }",
                json!({ "title": title, "ownerOrganisation": owner, "ownerRole": "Head of Patient Experience",
                    "decisionForum": "Quality Committee", "dueOn": due, "inputItemIds": items,
                    "proposedOn": proposed }),
            )
            .await["action"]);
        if let Some(on) = agreed {
            self.call(
                "agreeAction",
                "action { id }",
                json!({ "actionId": action, "agreedOn": on }),
            )
            .await;
        }
        action
    }

    async fn complete(&self, action: &str, on: &str) {
        self.call(
            "completeAction",
            "action { id }",
            json!({ "actionId": action, "completedOn": on,
                "outcome": "Done and checked with the people who asked", "evidence": "Minutes and photographs" }),
        )
        .await;
    }

    async fn baseline(&self, csv: &str) {
        let code = self.code;
        self.call(
            "uploadPopulationBaseline",
            "organisation",
            json!({ "organisation": code, "csv": csv, "uploadedOn": "2025-04-01" }),
        )
        .await;
    }
}

/// Registers a person of `org` and answers with their id.
async fn person(app: &TestApp, token: &str, org: &str, n: usize) -> String {
    id(&call(
        app,
        token,
        "registerParticipant",
        "participant { id }",
        json!({ "organisation": org, "registeredOn": "2025-04-01",
            "details": { "displayName": PARTICIPANT_NAMES[n], "email": PARTICIPANT_EMAILS[n] } }),
    )
    .await["participant"])
}

/// Establishes a board on 1 April 2025 with `seats` (role, target, voting) from that day.
async fn board(
    app: &TestApp,
    token: &str,
    (org, name, kind): (&str, &str, &str),
    seats: &[(&str, u32, bool)],
) -> String {
    let board = id(&call(
        app,
        token,
        "establishBoard",
        "board { id }",
        json!({ "organisation": org, "name": name, "kind": kind, "establishedOn": "2025-04-01" }),
    )
    .await["board"]);
    for (role, target, voting) in seats {
        call(
            app,
            token,
            "setBoardSeats",
            "board { id }",
            json!({ "boardId": board, "role": role, "target": target, "voting": voting, "from": "2025-04-01" }),
        )
        .await;
    }
    board
}

async fn appoint(
    app: &TestApp,
    token: &str,
    board: &str,
    (who, role, voting): (&str, &str, bool),
    (start, end): (&str, &str),
) -> String {
    id(&call(
        app,
        token,
        "appointToBoard",
        "appointment { id }",
        json!({ "boardId": board, "participantId": who, "role": role, "voting": voting,
            "termStart": start, "termEnd": end }),
    )
    .await["appointment"])
}

/// Holds a meeting of `board` on `held` (papers issued on `papers`) attended by `attended`, with
/// one decision per (title, cited items); answers with the meeting's id and the decisions' ids.
async fn meeting(
    app: &TestApp,
    token: &str,
    board: &str,
    (papers, held): (&str, &str),
    attended: &[&str],
    decisions: &[(&str, &[&str])],
) -> (String, Vec<String>) {
    let meeting = id(&call(
        app,
        token,
        "scheduleBoardMeeting",
        "meeting { id }",
        json!({ "boardId": board, "scheduledFor": held }),
    )
    .await["meeting"]);
    call(
        app,
        token,
        "recordPapersIssued",
        "meeting { id }",
        json!({ "meetingId": meeting, "issuedOn": papers }),
    )
    .await;
    call(
        app,
        token,
        "recordBoardMeetingHeld",
        "meeting { id }",
        json!({ "meetingId": meeting, "heldOn": held, "attendedAppointmentIds": attended, "quorate": true }),
    )
    .await;
    let mut ids = Vec::new();
    for (title, cited) in decisions {
        let after = call(
            app,
            token,
            "recordBoardDecision",
            "meeting { decisions { id title } }",
            json!({ "meetingId": meeting, "title": title, "citedInputItemIds": cited,
                "patientMembersPresent": true, "patientMembersVoted": true }),
        )
        .await;
        let decision = after["meeting"]["decisions"]
            .as_array()
            .expect("decisions")
            .iter()
            .find(|d| d["title"] == *title)
            .expect("the decision just recorded");
        ids.push(id(decision));
    }
    (meeting, ids)
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

    // QMJ's activities.
    let letters_group = qmj
        .activity(json!({ "kind": "FOCUS_GROUP", "title": "Outpatient letters", "topic": "Communication",
            "leadOrganisation": ICB, "principles": ["INFORMED", "SEEKING_INPUT"], "plannedOn": "2025-05-20" }))
        .await;
    qmj.publish(&letters_group, "2025-05-06", &["EASY_READ", "LARGE_PRINT"])
        .await;
    qmj.publish(&letters_group, "2025-05-16", &[]).await;
    qmj.held(
        &letters_group,
        "2025-05-20",
        10,
        json!({ "ageBand": counts(&[("18-44", 2), ("45-64", 3), ("65+", 5)]),
            "ethnicGroup": counts(&[("White", 7), ("Asian", 1), ("Black", 2)]),
            "deprivationQuintile": counts(&[("Q1", 1), ("Q2-Q5", 9)]) }),
    )
    .await;
    let discharge_event = qmj
        .activity(json!({ "kind": "LISTENING_EVENT", "title": "Leaving hospital", "topic": "Discharge",
            "leadOrganisation": ICB, "partnerOrganisations": [TRUST], "principles": ["JOINING_SERVICES"],
            "plannedOn": "2025-11-12" }))
        .await;
    qmj.publish(&discharge_event, "2025-11-02", &["BRITISH_SIGN_LANGUAGE"])
        .await;
    qmj.held(
        &discharge_event,
        "2025-11-12",
        9,
        json!({ "ageBand": counts(&[("18-44", 3), ("45-64", 4), ("65+", 2)]),
            "ethnicGroup": counts(&[("White", 6), ("Asian", 2), ("Black", 1)]),
            "deprivationQuintile": counts(&[("Q1", 2), ("Q2-Q5", 7)]) }),
    )
    .await;
    let crisis_workshop = qmj
        .activity(
            json!({ "kind": "CO_DESIGN_WORKSHOP", "title": "Crisis line", "topic": "Mental health",
            "leadOrganisation": ICB, "plannedOn": "2026-02-10" }),
        )
        .await;
    qmj.publish(&crisis_workshop, "2026-02-03", &[]).await;
    qmj.held(
        &crisis_workshop,
        "2026-02-10",
        10,
        json!({ "ageBand": counts(&[("18-44", 7), ("45-64", 1), ("65+", 2)]),
            "ethnicGroup": counts(&[("White", 5), ("Asian", 3), ("Black", 2)]),
            "deprivationQuintile": counts(&[("Q1", 4), ("Q2-Q5", 6)]) }),
    )
    .await;
    let pharmacy_survey = qmj
        .activity(
            json!({ "kind": "SURVEY", "title": "Community pharmacy", "topic": "Pharmacy",
            "leadOrganisation": ICB, "plannedOn": "2026-03-02" }),
        )
        .await;
    qmj.publish(&pharmacy_survey, "2026-03-02", &["AUDIO"])
        .await;
    qmj.held(&pharmacy_survey, "2026-03-02", 40, json!({}))
        .await;

    // RAL's activities, and RJ1's (another ICS) with RAL as partner.
    let maternity_panel = ral
        .activity(
            json!({ "kind": "PATIENT_PANEL", "title": "Maternity voices", "topic": "Maternity",
            "leadOrganisation": TRUST, "plannedOn": "2025-07-08" }),
        )
        .await;
    ral.publish(&maternity_panel, "2025-06-24", &["TRANSLATION"])
        .await;
    ral.held(
        &maternity_panel,
        "2025-07-08",
        10,
        json!({ "ageBand": counts(&[("18-44", 9), ("45-64", 1)]),
            "sex": counts(&[("female", 9), ("male", 1)]) }),
    )
    .await;
    let emergency_group = ral
        .activity(
            json!({ "kind": "FOCUS_GROUP", "title": "Waiting in A&E", "topic": "Urgent care",
            "leadOrganisation": TRUST, "plannedOn": "2026-01-20" }),
        )
        .await;
    ral.held(
        &emergency_group,
        "2026-01-20",
        10,
        json!({ "ageBand": counts(&[("18-44", 3), ("45-64", 4), ("65+", 3)]),
            "sex": counts(&[("female", 5), ("male", 5)]) }),
    )
    .await;
    let outside_activity = rj1
        .activity(json!({ "kind": "FOCUS_GROUP", "title": "Renal transport", "topic": "Transport",
            "leadOrganisation": OUTSIDER, "partnerOrganisations": [TRUST], "plannedOn": "2025-09-01" }))
        .await;
    rj1.publish(&outside_activity, "2025-08-01", &["EASY_READ"])
        .await;
    rj1.held(
        &outside_activity,
        "2025-09-01",
        50,
        json!({ "ageBand": counts(&[("18-44", 50)]), "sex": counts(&[("male", 50)]) }),
    )
    .await;

    // QMJ's input at A1: accepted and done, declined, and referred to RAL, which answers.
    let plain_letters = qmj
        .item(
            &letters_group,
            "Send letters in plain English",
            &["letters", "access"],
            "2025-05-20",
        )
        .await;
    let saturday_clinics = qmj
        .item(
            &letters_group,
            "Open clinics on Saturdays",
            &["access"],
            "2025-05-20",
        )
        .await;
    let text_reminders = qmj
        .item(
            &letters_group,
            "Text reminders for hospital appointments",
            &["reminders"],
            "2025-05-20",
        )
        .await;
    qmj.decide(&plain_letters, "ACCEPTED", "2025-06-10", "")
        .await;
    let rewrite_letters = qmj
        .action(
            "Rewrite outpatient letter templates",
            &[&plain_letters],
            ("2025-06-10", "2025-12-31"),
            Some("2025-06-15"),
        )
        .await;
    qmj.complete(&rewrite_letters, "2025-09-30").await;
    qmj.tell(&plain_letters, "2025-10-15").await;
    qmj.decide(
        &saturday_clinics,
        "DECLINED",
        "2025-06-10",
        "No weekend staffing budget this year",
    )
    .await;
    qmj.refer(&text_reminders, TRUST, "2025-06-05").await;
    // While the item is referred to it, RAL takes an action for it, then answers.
    let reminder_service = ral
        .action(
            "Switch on text reminders in the booking system",
            &[&text_reminders],
            ("2025-06-20", "2025-11-30"),
            Some("2025-06-25"),
        )
        .await;
    ral.call(
        "reviseDecision",
        "inputItem { id }",
        json!({ "inputItemId": text_reminders, "outcome": "ACCEPTED", "decidedOn": "2025-06-20",
            "why": "RAL runs the booking system and takes it on" }),
    )
    .await;
    ral.complete(&reminder_service, "2025-10-01").await;
    qmj.tell_everyone(&letters_group, "2025-06-20").await;

    // QMJ's input at A2: accepted with an open action, and never decided.
    let gp_letters = qmj
        .item(
            &discharge_event,
            "Send discharge letters to the GP the same day",
            &["discharge", "letters"],
            "2025-11-12",
        )
        .await;
    let discharge_medicines = qmj
        .item(
            &discharge_event,
            "Have medicines ready before discharge",
            &["discharge"],
            "2025-11-12",
        )
        .await;
    qmj.decide(&gp_letters, "ACCEPTED", "2025-12-01", "").await;
    let gp_letters_pilot = qmj
        .action(
            "Same-day discharge letters pilot",
            &[&gp_letters],
            ("2025-12-01", "2026-06-30"),
            Some("2025-12-05"),
        )
        .await;
    qmj.tell_everyone(&discharge_event, "2025-12-10").await;

    // QMJ's input at A3: accepted and done, and answered only after the year.
    let weekend_crisis_line = qmj
        .item(
            &crisis_workshop,
            "Open the crisis line at weekends",
            &["mental health"],
            "2026-02-10",
        )
        .await;
    let peer_support = qmj
        .item(
            &crisis_workshop,
            "Peer support workers on the crisis line",
            &["mental health"],
            "2026-02-10",
        )
        .await;
    qmj.decide(&weekend_crisis_line, "ACCEPTED", "2026-02-20", "")
        .await;
    let weekend_rota = qmj
        .action(
            "Weekend crisis-line rota",
            &[&weekend_crisis_line],
            ("2026-02-20", "2026-06-30"),
            Some("2026-02-24"),
        )
        .await;
    qmj.complete(&weekend_rota, "2026-03-20").await;
    qmj.tell(&weekend_crisis_line, "2026-03-25").await;
    qmj.decide(
        &peer_support,
        "ALREADY_IN_PLACE",
        "2026-04-20",
        "Peer supporters joined the line in January",
    )
    .await;

    // QMJ's input at A4: referred to RAL, which takes an action but never answers.
    let pharmacy_hours = qmj
        .item(
            &pharmacy_survey,
            "Longer pharmacy opening hours",
            &["pharmacy"],
            "2026-03-02",
        )
        .await;
    qmj.refer(&pharmacy_hours, TRUST, "2026-03-10").await;
    let pharmacy_pilot = ral
        .action(
            "Late-opening hospital pharmacy pilot",
            &[&pharmacy_hours],
            ("2026-03-25", "2026-09-30"),
            None,
        )
        .await;

    // RAL's input.
    let interpreters = ral
        .item(
            &maternity_panel,
            "Interpreters at antenatal appointments",
            &["maternity", "access"],
            "2025-07-08",
        )
        .await;
    let overnight_stays = ral
        .item(
            &maternity_panel,
            "Birth partners staying overnight",
            &["maternity"],
            "2025-07-08",
        )
        .await;
    ral.decide(&interpreters, "ACCEPTED", "2025-07-20", "")
        .await;
    let interpreter_booking = ral
        .action(
            "Book interpreters with the appointment",
            &[&interpreters],
            ("2025-07-20", "2025-10-31"),
            Some("2025-07-22"),
        )
        .await;
    ral.tell_everyone(&maternity_panel, "2025-08-01").await;
    ral.decide(
        &overnight_stays,
        "DECLINED",
        "2025-10-01",
        "The postnatal ward has no room for beds",
    )
    .await;
    let waiting_screens = ral
        .item(
            &emergency_group,
            "Show waiting times on screens",
            &["urgent care"],
            "2026-01-20",
        )
        .await;
    ral.decide(&waiting_screens, "ACCEPTED", "2026-01-30", "")
        .await;
    let ed_screens = ral
        .action(
            "Waiting-time screens in the emergency department",
            &[&waiting_screens],
            ("2026-01-30", "2026-05-31"),
            Some("2026-02-02"),
        )
        .await;
    ral.complete(&ed_screens, "2026-03-15").await;
    ral.tell(&waiting_screens, "2026-03-18").await;

    // People: three board members and a contributor.
    let qmj_secretary = app.token(Role::BoardSecretary, &[ICB]);
    let ral_secretary = app.token(Role::BoardSecretary, &[TRUST]);
    let participants = vec![
        person(app, &qmj_secretary, ICB, 0).await,
        person(app, &qmj_secretary, ICB, 1).await,
        person(app, &ral_secretary, TRUST, 2).await,
        person(app, &qmj.token, ICB, 3).await,
    ];
    for link in [
        json!({ "participantId": participants[3], "activityId": letters_group }),
        json!({ "participantId": participants[3], "inputItemId": plain_letters }),
    ] {
        qmj.call("linkParticipant", "participant { id }", link)
            .await;
    }
    qmj.call(
        "recordConsent",
        "participant { id }",
        json!({ "participantId": participants[3], "purpose": "FEEDBACK_CONTACT", "given": true, "on": "2025-05-20" }),
    )
    .await;

    // Boards.
    let icb_board = board(
        app,
        &qmj_secretary,
        (ICB, "ICB Board", "ICB_BOARD"),
        &[("PATIENT_MEMBER", 2, true), ("LAY_MEMBER", 1, false)],
    )
    .await;
    let patient_member = appoint(
        app,
        &qmj_secretary,
        &icb_board,
        (&participants[0], "PATIENT_MEMBER", true),
        ("2025-04-01", "2026-05-31"),
    )
    .await;
    let lay_member = appoint(
        app,
        &qmj_secretary,
        &icb_board,
        (&participants[1], "LAY_MEMBER", false),
        ("2025-09-01", "2027-08-31"),
    )
    .await;
    let (m1, d) = meeting(
        app,
        &qmj_secretary,
        &icb_board,
        ("2025-07-08", "2025-07-15"),
        &[&patient_member],
        &[
            ("Adopt plain-English letters", &[&plain_letters]),
            ("Approve the budget", &[]),
        ],
    )
    .await;
    let (letters_decision, budget_decision) = (d[0].clone(), d[1].clone());
    let (m2, d) = meeting(
        app,
        &qmj_secretary,
        &icb_board,
        ("2025-12-09", "2025-12-16"),
        &[&lay_member],
        &[(
            "Commission a discharge pathway",
            &[&gp_letters, &discharge_medicines],
        )],
    )
    .await;
    let discharge_decision = d[0].clone();
    let (m3, d) = meeting(
        app,
        &qmj_secretary,
        &icb_board,
        ("2026-03-10", "2026-03-17"),
        &[&patient_member, &lay_member],
        &[
            ("Fund weekend crisis cover", &[&weekend_crisis_line]),
            ("Estates strategy", &[]),
        ],
    )
    .await;
    let (crisis_decision, estates_decision) = (d[0].clone(), d[1].clone());
    let committee = board(
        app,
        &ral_secretary,
        (TRUST, "Patient Experience Committee", "COMMITTEE"),
        &[("CARER_REPRESENTATIVE", 1, false)],
    )
    .await;
    let carer_rep = appoint(
        app,
        &ral_secretary,
        &committee,
        (&participants[2], "CARER_REPRESENTATIVE", false),
        ("2025-06-01", "2026-04-30"),
    )
    .await;
    let (m4, d) = meeting(
        app,
        &ral_secretary,
        &committee,
        ("2026-01-20", "2026-01-27"),
        &[],
        &[("Install waiting-time screens", &[&waiting_screens])],
    )
    .await;
    let screens_decision = d[0].clone();

    PreparedYear {
        letters_group,
        discharge_event,
        crisis_workshop,
        pharmacy_survey,
        maternity_panel,
        emergency_group,
        outside_activity,
        plain_letters,
        saturday_clinics,
        text_reminders,
        gp_letters,
        discharge_medicines,
        weekend_crisis_line,
        peer_support,
        pharmacy_hours,
        interpreters,
        overnight_stays,
        waiting_screens,
        rewrite_letters,
        gp_letters_pilot,
        weekend_rota,
        reminder_service,
        interpreter_booking,
        ed_screens,
        pharmacy_pilot,
        icb_board,
        patient_member,
        lay_member,
        committee,
        carer_rep,
        meetings: vec![m1, m2, m3, m4],
        letters_decision,
        budget_decision,
        discharge_decision,
        crisis_decision,
        estates_decision,
        screens_decision,
        participants,
    }
}

const SCORECARD: &str = "query($org: String, $ics: String, $period: PeriodInput!, $margin: Float!) {
    scorecard(organisation: $org, ics: $ics, period: $period, marginPoints: $margin) {
    organisations period { from to } previousPeriod { from to }
    measures { principle key unit value numerator denominator previous change records { kind id } }
    populationGroups { organisation reach { dimension category baselineShare participants participantShare underRepresented } } } }";

/// The scorecard for `scope` (`{"org": ..}` or `{"ics": ..}`) over `period`, read by an auditor
/// of both organisations of the ICS.
async fn scorecard(app: &TestApp, scope: Value, period: Value, margin: f64) -> Value {
    let auditor = app.token(Role::Auditor, &[ICB, TRUST]);
    let mut vars = json!({ "org": null, "ics": null, "period": period, "margin": margin });
    for (k, v) in scope.as_object().expect("scope") {
        vars[k] = v.clone();
    }
    app.ok(&auditor, SCORECARD, vars).await["scorecard"].clone()
}

/// Every measure, in order, with its principle: 5 + 4 + 3 + 2 + 4 + 3 = 21.
const MEASURES: [(&str, &str, &str); 21] = [
    ("EQUALS", "patient_seats_filled", "PERCENT"),
    ("EQUALS", "voting_share", "PERCENT"),
    ("EQUALS", "days_vacant", "DAYS"),
    ("EQUALS", "patient_attendance", "PERCENT"),
    ("EQUALS", "terms_expiring_90_days", "COUNT"),
    ("INFORMED", "information_before_activity", "PERCENT"),
    ("INFORMED", "days_information_before", "DAYS"),
    ("INFORMED", "accessible_formats", "PERCENT"),
    ("INFORMED", "feedback_given", "PERCENT"),
    ("SHARED_DECISIONS", "decisions_citing_input", "PERCENT"),
    ("SHARED_DECISIONS", "actions_tracing_to_input", "PERCENT"),
    ("SHARED_DECISIONS", "days_input_to_board_decision", "DAYS"),
    ("INEQUALITIES", "demographics_recorded", "PERCENT"),
    ("INEQUALITIES", "population_groups_reached", "PERCENT"),
    ("SEEKING_INPUT", "answered_within_window", "PERCENT"),
    ("SEEKING_INPUT", "acted_on", "PERCENT"),
    ("SEEKING_INPUT", "loop_closed", "PERCENT"),
    ("SEEKING_INPUT", "genuinely_acted_on", "PERCENT"),
    ("JOINING_SERVICES", "joint_activities", "PERCENT"),
    ("JOINING_SERVICES", "referred_input_answered", "PERCENT"),
    ("JOINING_SERVICES", "partner_actions_completed", "PERCENT"),
];

/// One measure as worked out by hand.
struct Expected {
    key: &'static str,
    numerator: f64,
    denominator: f64,
    value: Option<f64>,
    records: Vec<(&'static str, String)>,
    previous: Option<f64>,
    change: Option<f64>,
}

/// A measure with no value in the previous period (so no change).
fn m(
    key: &'static str,
    (numerator, denominator): (f64, f64),
    value: Option<f64>,
    records: Vec<(&'static str, String)>,
) -> Expected {
    Expected {
        key,
        numerator,
        denominator,
        value,
        records,
        previous: None,
        change: None,
    }
}

impl Expected {
    /// The previous period's value, and the change from it.
    fn was(self, previous: Option<f64>, change: Option<f64>) -> Self {
        Self {
            previous,
            change,
            ..self
        }
    }
}

/// Records of one kind.
fn of(kind: &'static str, ids: &[&String]) -> Vec<(&'static str, String)> {
    ids.iter().map(|id| (kind, (*id).clone())).collect()
}

/// Compares every measure of `card` with `expected`: the same keys in the same order, and for
/// each its numerator, denominator, value, previous value, change and exactly its records.
fn check(card: &Value, expected: &[Expected]) {
    let measures = card["measures"].as_array().expect("measures");
    let keys: Vec<&str> = measures
        .iter()
        .map(|m| m["key"].as_str().expect("key"))
        .collect();
    let wanted: Vec<&str> = expected.iter().map(|e| e.key).collect();
    assert_eq!(keys, wanted, "every measure, in order");
    for (measure, want) in measures.iter().zip(expected) {
        let key = want.key;
        let (principle, _, unit) = MEASURES
            .iter()
            .find(|(_, k, _)| *k == key)
            .expect("a known measure");
        assert_eq!(measure["principle"], *principle, "{key}");
        assert_eq!(measure["unit"], *unit, "{key}");
        assert_eq!(
            (
                measure["numerator"].as_f64(),
                measure["denominator"].as_f64(),
                measure["value"].as_f64()
            ),
            (Some(want.numerator), Some(want.denominator), want.value),
            "{key}: numerator, denominator, value"
        );
        assert_eq!(
            (measure["previous"].as_f64(), measure["change"].as_f64()),
            (want.previous, want.change),
            "{key}: previous and change"
        );
        let mut got: Vec<(String, String)> = measure["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().expect("kind").to_owned(),
                    r["id"].as_str().expect("id").to_owned(),
                )
            })
            .collect();
        let mut records: Vec<(String, String)> = want
            .records
            .iter()
            .map(|(k, id)| ((*k).to_owned(), id.clone()))
            .collect();
        got.sort();
        records.sort();
        assert_eq!(got, records, "{key}: exactly the records it counts");
    }
}

async fn scorecard_of_the_icb_for_the_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "org": ICB }),
        json!({ "financialYear": 2025 }),
        5.0,
    )
    .await;
    assert_eq!(card["organisations"], json!([ICB]));
    assert_eq!(
        card["period"],
        json!({ "from": "2025-04-01", "to": "2026-03-31" })
    );
    assert_eq!(
        card["previousPeriod"],
        json!({ "from": "2024-04-01", "to": "2025-03-31" })
    );
    let keys: Vec<&str> = MEASURES.iter().map(|(_, k, _)| *k).collect();
    assert_eq!(keys.len(), 21);

    let seats = of("SEAT", &[&y.patient_member, &y.lay_member]);
    let appointments = of("APPOINTMENT", &[&y.patient_member, &y.lay_member]);
    let held = of(
        "ACTIVITY",
        &[
            &y.letters_group,
            &y.discharge_event,
            &y.crisis_workshop,
            &y.pharmacy_survey,
        ],
    );
    let items = of(
        "INPUT_ITEM",
        &[
            &y.plain_letters,
            &y.saturday_clinics,
            &y.text_reminders,
            &y.gp_letters,
            &y.discharge_medicines,
            &y.weekend_crisis_line,
            &y.peer_support,
            &y.pharmacy_hours,
        ],
    );
    // Nothing happened in 2024/25 (the boards were established on 1 April 2025), so no measure
    // has a previous value or a change.
    let expected = [
        // Equals, as of 31 March 2026: the ICB Board has 2 patient seats (P1 in one) and 1 lay
        // seat (L1): 2 of 3 filled; of the 2 filled, P1 votes and L1 does not.
        m(
            "patient_seats_filled",
            (2.0, 3.0),
            Some(66.7),
            seats.clone(),
        ),
        m("voting_share", (1.0, 2.0), Some(50.0), seats),
        // The second patient seat stood vacant every day from 1 April 2025 to 31 March 2026.
        m("days_vacant", (365.0, 1.0), Some(365.0), vec![]),
        // P1 at M1 yes, M2 no, M3 yes (2 of 3); L1 (from 1 September) at M2 and M3 (2 of 2): 4/5.
        m(
            "patient_attendance",
            (4.0, 5.0),
            Some(80.0),
            appointments.clone(),
        ),
        // In force on 31 March: P1 (ends 31 May 2026, within 90 days) and L1 (ends 2027): 1 of 2.
        m(
            "terms_expiring_90_days",
            (1.0, 2.0),
            Some(1.0),
            appointments,
        ),
        // Informed. Held: A1-A4. Published strictly before: A1 (earliest 6 May, 14 days), A2
        // (10 days), A3 (7 days); A4 only on the day: 3 of 4.
        m(
            "information_before_activity",
            (3.0, 4.0),
            Some(75.0),
            held.clone(),
        ),
        // 14 + 10 + 7 = 31 over 3; median 10.
        m(
            "days_information_before",
            (31.0, 3.0),
            Some(10.0),
            of(
                "ACTIVITY",
                &[&y.letters_group, &y.discharge_event, &y.crisis_workshop],
            ),
        ),
        // Accessible formats by the day held: A1 (easy read), A2 (BSL), A4 (audio, on the
        // day); A3 none: 3 of 4.
        m("accessible_formats", (3.0, 4.0), Some(75.0), held.clone()),
        // Loop closed as of 31 March: I1 (item feedback after the outcome), I2 (A1's feedback
        // after the decline), I4 (A2's feedback after the acceptance), I6: 4 of 8. Not I3 (A1's
        // feedback came before Y1's outcome), I5 and I7 (undecided), I8 (no feedback).
        m("feedback_given", (4.0, 8.0), Some(50.0), items.clone()),
        // Shared decisions: D1-D5 at M1-M3; D1, D3 and D4 cite input: 3 of 5.
        m(
            "decisions_citing_input",
            (3.0, 5.0),
            Some(60.0),
            of(
                "BOARD_DECISION",
                &[
                    &y.letters_decision,
                    &y.budget_decision,
                    &y.discharge_decision,
                    &y.crisis_decision,
                    &y.estates_decision,
                ],
            ),
        ),
        // X1, X2, X3 proposed in the year, all for input: 3 of 3.
        m(
            "actions_tracing_to_input",
            (3.0, 3.0),
            Some(100.0),
            of(
                "ACTION",
                &[&y.rewrite_letters, &y.gp_letters_pilot, &y.weekend_rota],
            ),
        ),
        // D1 cites I1: 20 May to 15 July = 56 days; D3 cites I4 and I5: 12 November to 16
        // December = 34 and 34; D4 cites I6: 10 February to 17 March = 35. Sum 159 over 4;
        // median of 34, 34, 35, 56 = 34.5.
        m(
            "days_input_to_board_decision",
            (159.0, 4.0),
            Some(34.5),
            [
                of(
                    "BOARD_DECISION",
                    &[
                        &y.letters_decision,
                        &y.discharge_decision,
                        &y.crisis_decision,
                    ],
                ),
                of(
                    "INPUT_ITEM",
                    &[
                        &y.plain_letters,
                        &y.gp_letters,
                        &y.discharge_medicines,
                        &y.weekend_crisis_line,
                    ],
                ),
            ]
            .concat(),
        ),
        // Inequalities: A1-A3 recorded demographics, A4 did not: 3 of 4.
        m(
            "demographics_recorded",
            (3.0, 4.0),
            Some(75.0),
            held.clone(),
        ),
        // 29 people over A1-A3. Age 18-44 12/29 = 41.4% against 50% (8.6 points under), 45-64
        // 8/29 = 27.6% against 30%, 65+ 9/29 = 31.0% against 20%; White 18/29 = 62.1% against
        // 60%, Asian 6/29 = 20.7% against 20%, Black 5/29 = 17.2% against 20% (2.8 under);
        // deprivation Q1 7/29 = 24.1% against 30% (5.9 under), Q2-Q5 22/29 against 70%.
        // Two of 8 groups more than 5 points under: 6 of 8 reached.
        m(
            "population_groups_reached",
            (6.0, 8.0),
            Some(75.0),
            of(
                "ACTIVITY",
                &[&y.letters_group, &y.discharge_event, &y.crisis_workshop],
            ),
        ),
        // Seeking input, I1-I8 as of 31 March. Decided within 60 days: I1, I2, I3 (referred
        // after 16 days), I4, I6, I8; not I5 (never), I7 (decided only in April): 6 of 8.
        m(
            "answered_within_window",
            (6.0, 8.0),
            Some(75.0),
            items.clone(),
        ),
        // Acted on (a linked action completed): I1 (X1), I3 (RAL's Y1), I6 (X3): 3 of 8.
        m("acted_on", (3.0, 8.0), Some(37.5), items.clone()),
        m("loop_closed", (4.0, 8.0), Some(50.0), items.clone()),
        // Acted on with the loop closed: I1 and I6 (I3's loop is open): 2 of 8.
        m("genuinely_acted_on", (2.0, 8.0), Some(25.0), items),
        // Joining services: of A1-A4, A2 was led jointly with RAL: 1 of 4.
        m("joint_activities", (1.0, 4.0), Some(25.0), held),
        // Referred: I3 (answered by RAL on 20 June) and I8 (not answered): 1 of 2.
        m(
            "referred_input_answered",
            (1.0, 2.0),
            Some(50.0),
            of("INPUT_ITEM", &[&y.text_reminders, &y.pharmacy_hours]),
        ),
        // QMJ took no action on another organisation's input.
        m("partner_actions_completed", (0.0, 0.0), None, vec![]),
    ];
    check(&card, &expected);
}

async fn scorecard_of_the_icb_for_a_quarter(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "org": ICB }),
        json!({ "quarter": { "year": 2026, "quarter": 1 } }),
        5.0,
    )
    .await;
    assert_eq!(
        card["period"],
        json!({ "from": "2026-01-01", "to": "2026-03-31" })
    );
    // 90 days, so the previous period is the 90 days to 31 December 2025.
    assert_eq!(
        card["previousPeriod"],
        json!({ "from": "2025-10-03", "to": "2025-12-31" })
    );

    let seats = of("SEAT", &[&y.patient_member, &y.lay_member]);
    let appointments = of("APPOINTMENT", &[&y.patient_member, &y.lay_member]);
    // Held in the quarter: A3 and A4 (before: A2 alone).
    let held = of("ACTIVITY", &[&y.crisis_workshop, &y.pharmacy_survey]);
    // Raised in the quarter: I6, I7, I8 (before: I4 and I5).
    let items = of(
        "INPUT_ITEM",
        &[&y.weekend_crisis_line, &y.peer_support, &y.pharmacy_hours],
    );
    let expected = [
        // Seats on 31 March as for the year; on 31 December the same two held (L1 from
        // September): 66.7 then and now.
        m(
            "patient_seats_filled",
            (2.0, 3.0),
            Some(66.7),
            seats.clone(),
        )
        .was(Some(66.7), Some(0.0)),
        m("voting_share", (1.0, 2.0), Some(50.0), seats).was(Some(50.0), Some(0.0)),
        // Vacant since 1 April 2025: 365 days by 31 March, 275 by 31 December: change 90.
        m("days_vacant", (365.0, 1.0), Some(365.0), vec![]).was(Some(275.0), Some(90.0)),
        // M3 only, both present: 2 of 2. Before, M2: L1 present, P1 absent: 1 of 2.
        m(
            "patient_attendance",
            (2.0, 2.0),
            Some(100.0),
            appointments.clone(),
        )
        .was(Some(50.0), Some(50.0)),
        // P1's term (to 31 May) ends within 90 days of 31 March but not of 31 December.
        m(
            "terms_expiring_90_days",
            (1.0, 2.0),
            Some(1.0),
            appointments,
        )
        .was(Some(0.0), Some(1.0)),
        // A3 published 7 days before, A4 on the day: 1 of 2. Before: A2, 10 days before: 1 of 1.
        m(
            "information_before_activity",
            (1.0, 2.0),
            Some(50.0),
            held.clone(),
        )
        .was(Some(100.0), Some(-50.0)),
        m(
            "days_information_before",
            (7.0, 1.0),
            Some(7.0),
            of("ACTIVITY", &[&y.crisis_workshop]),
        )
        .was(Some(10.0), Some(-3.0)),
        // A4's audio version (on the day) counts, A3 had none: 1 of 2. Before: A2 (BSL): 1 of 1.
        m("accessible_formats", (1.0, 2.0), Some(50.0), held.clone()).was(Some(100.0), Some(-50.0)),
        // Loop closed: I6 only: 1 of 3. Before, as of 31 December: I4 (A2's feedback on 10
        // December after its acceptance), not I5: 1 of 2.
        m("feedback_given", (1.0, 3.0), Some(33.3), items.clone()).was(Some(50.0), Some(-16.7)),
        // M3: D4 cites I6, D5 cites nothing: 1 of 2. Before, M2: D3 cites input: 1 of 1.
        m(
            "decisions_citing_input",
            (1.0, 2.0),
            Some(50.0),
            of("BOARD_DECISION", &[&y.crisis_decision, &y.estates_decision]),
        )
        .was(Some(100.0), Some(-50.0)),
        // X3 (before: X2): 1 of 1.
        m(
            "actions_tracing_to_input",
            (1.0, 1.0),
            Some(100.0),
            of("ACTION", &[&y.weekend_rota]),
        )
        .was(Some(100.0), Some(0.0)),
        // D4 cites I6 after 35 days. Before: D3 cites I4 and I5 after 34 days each: median 34.
        m(
            "days_input_to_board_decision",
            (35.0, 1.0),
            Some(35.0),
            [
                of("BOARD_DECISION", &[&y.crisis_decision]),
                of("INPUT_ITEM", &[&y.weekend_crisis_line]),
            ]
            .concat(),
        )
        .was(Some(34.0), Some(1.0)),
        // A3 recorded demographics, A4 did not: 1 of 2. Before: A2: 1 of 1.
        m(
            "demographics_recorded",
            (1.0, 2.0),
            Some(50.0),
            held.clone(),
        )
        .was(Some(100.0), Some(-50.0)),
        // A3's 10 people: age 70/10/20% against 50/30/20 (45-64 20 points under); White 50%
        // against 60% (10 under), Asian 30%, Black 20%; Q1 40%, Q2-Q5 60% against 70% (10
        // under): 5 of 8 reached. Before, A2's 9 people: 18-44 33.3% (16.7 under), Black 11.1%
        // (8.9 under), Q1 22.2% (7.8 under): also 5 of 8.
        m(
            "population_groups_reached",
            (5.0, 8.0),
            Some(62.5),
            of("ACTIVITY", &[&y.crisis_workshop]),
        )
        .was(Some(62.5), Some(0.0)),
        // I6 (10 days) and I8 (8 days) answered in time; I7 not by 31 March: 2 of 3. Before:
        // I4 (19 days); I5 not (still in its window on 31 December): 1 of 2.
        m(
            "answered_within_window",
            (2.0, 3.0),
            Some(66.7),
            items.clone(),
        )
        .was(Some(50.0), Some(16.7)),
        // I6 acted on: 1 of 3; before, I4 only planned: 0 of 2.
        m("acted_on", (1.0, 3.0), Some(33.3), items.clone()).was(Some(0.0), Some(33.3)),
        m("loop_closed", (1.0, 3.0), Some(33.3), items.clone()).was(Some(50.0), Some(-16.7)),
        m("genuinely_acted_on", (1.0, 3.0), Some(33.3), items).was(Some(0.0), Some(33.3)),
        // Neither A3 nor A4 was joint: 0 of 2. Before: A2 was: 1 of 1.
        m("joint_activities", (0.0, 2.0), Some(0.0), held).was(Some(100.0), Some(-100.0)),
        // I8 referred on 10 March and not answered: 0 of 1. Before: nothing referred.
        m(
            "referred_input_answered",
            (0.0, 1.0),
            Some(0.0),
            of("INPUT_ITEM", &[&y.pharmacy_hours]),
        ),
        m("partner_actions_completed", (0.0, 0.0), None, vec![]),
    ];
    check(&card, &expected);
}

async fn scorecard_of_the_ics_for_the_year(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "ics": ICB }),
        json!({ "financialYear": 2025 }),
        5.0,
    )
    .await;
    assert_eq!(
        card["organisations"],
        json!([ICB, TRUST]),
        "the ICB and its trust, not RJ1 of another ICS"
    );

    let seats = of("SEAT", &[&y.patient_member, &y.lay_member, &y.carer_rep]);
    let appointments = of(
        "APPOINTMENT",
        &[&y.patient_member, &y.lay_member, &y.carer_rep],
    );
    // Held and led in the ICS: A1-A4 and B1, B2 (RJ1's activity, partnered by RAL, is not).
    let held = of(
        "ACTIVITY",
        &[
            &y.letters_group,
            &y.discharge_event,
            &y.crisis_workshop,
            &y.pharmacy_survey,
            &y.maternity_panel,
            &y.emergency_group,
        ],
    );
    let items = of(
        "INPUT_ITEM",
        &[
            &y.plain_letters,
            &y.saturday_clinics,
            &y.text_reminders,
            &y.gp_letters,
            &y.discharge_medicines,
            &y.weekend_crisis_line,
            &y.peer_support,
            &y.pharmacy_hours,
            &y.interpreters,
            &y.overnight_stays,
            &y.waiting_screens,
        ],
    );
    let expected = [
        // QMJ's 2 of 3 seats, and RAL's one carer seat held by R1: 3 of 4; only P1 votes: 1 of 3.
        m(
            "patient_seats_filled",
            (3.0, 4.0),
            Some(75.0),
            seats.clone(),
        ),
        m("voting_share", (1.0, 3.0), Some(33.3), seats),
        // RAL's seat was vacant in April and May 2025 but is filled on 31 March: still 365.
        m("days_vacant", (365.0, 1.0), Some(365.0), vec![]),
        // QMJ's 4 of 5, and R1 absent from M4: 4 of 6.
        m(
            "patient_attendance",
            (4.0, 6.0),
            Some(66.7),
            appointments.clone(),
        ),
        // P1 (31 May) and R1 (30 April) end within 90 days; L1 does not: 2 of 3.
        m(
            "terms_expiring_90_days",
            (2.0, 3.0),
            Some(2.0),
            appointments,
        ),
        // Before: A1 (14), A2 (10), A3 (7), B1 (24 June to 8 July, 14); not A4, B2: 4 of 6.
        m(
            "information_before_activity",
            (4.0, 6.0),
            Some(66.7),
            held.clone(),
        ),
        // 14 + 10 + 7 + 14 = 45 over 4; median of 7, 10, 14, 14 = 12.
        m(
            "days_information_before",
            (45.0, 4.0),
            Some(12.0),
            of(
                "ACTIVITY",
                &[
                    &y.letters_group,
                    &y.discharge_event,
                    &y.crisis_workshop,
                    &y.maternity_panel,
                ],
            ),
        ),
        // A1, A2, A4 and B1 (translation): 4 of 6.
        m("accessible_formats", (4.0, 6.0), Some(66.7), held.clone()),
        // QMJ's 4, and J1 (B1's feedback on 1 August after its acceptance) and J3; not J2 (the
        // feedback came before its decision): 6 of 11.
        m("feedback_given", (6.0, 11.0), Some(54.5), items.clone()),
        // D1-D5 and D6; D1, D3, D4, D6 cite input: 4 of 6.
        m(
            "decisions_citing_input",
            (4.0, 6.0),
            Some(66.7),
            of(
                "BOARD_DECISION",
                &[
                    &y.letters_decision,
                    &y.budget_decision,
                    &y.discharge_decision,
                    &y.crisis_decision,
                    &y.estates_decision,
                    &y.screens_decision,
                ],
            ),
        ),
        // X1-X3 and Y1-Y4, every one for input: 7 of 7.
        m(
            "actions_tracing_to_input",
            (7.0, 7.0),
            Some(100.0),
            of(
                "ACTION",
                &[
                    &y.rewrite_letters,
                    &y.gp_letters_pilot,
                    &y.weekend_rota,
                    &y.reminder_service,
                    &y.interpreter_booking,
                    &y.ed_screens,
                    &y.pharmacy_pilot,
                ],
            ),
        ),
        // QMJ's 56, 34, 34, 35 and D6 citing J3 after 7 days: sum 166 over 5; median 34.
        m(
            "days_input_to_board_decision",
            (166.0, 5.0),
            Some(34.0),
            [
                of(
                    "BOARD_DECISION",
                    &[
                        &y.letters_decision,
                        &y.discharge_decision,
                        &y.crisis_decision,
                        &y.screens_decision,
                    ],
                ),
                of(
                    "INPUT_ITEM",
                    &[
                        &y.plain_letters,
                        &y.gp_letters,
                        &y.discharge_medicines,
                        &y.weekend_crisis_line,
                        &y.waiting_screens,
                    ],
                ),
            ]
            .concat(),
        ),
        // All but A4: 5 of 6.
        m(
            "demographics_recorded",
            (5.0, 6.0),
            Some(83.3),
            held.clone(),
        ),
        // QMJ's groups against QMJ's baseline (6 of 8 reached), RAL's against RAL's: B1 and B2
        // gave age 12/5/3 of 20 = 60/25/15% against 40/35/25% (45-64 and 65+ 10 points under)
        // and sex 14/6 of 20 = 70/30% against 51/49% (male 19 under): 2 of 5. Together 8 of 13.
        m(
            "population_groups_reached",
            (8.0, 13.0),
            Some(61.5),
            of(
                "ACTIVITY",
                &[
                    &y.letters_group,
                    &y.discharge_event,
                    &y.crisis_workshop,
                    &y.maternity_panel,
                    &y.emergency_group,
                ],
            ),
        ),
        // QMJ's 6, J1 (12 days) and J3 (10 days); J2 was decided 85 days after: 8 of 11.
        m(
            "answered_within_window",
            (8.0, 11.0),
            Some(72.7),
            items.clone(),
        ),
        // QMJ's 3 and J3; J1 is stalled (Y2 past due), J2 declined: 4 of 11.
        m("acted_on", (4.0, 11.0), Some(36.4), items.clone()),
        m("loop_closed", (6.0, 11.0), Some(54.5), items.clone()),
        // I1, I6 and J3: 3 of 11.
        m("genuinely_acted_on", (3.0, 11.0), Some(27.3), items),
        // A2 of the 6: 1 of 6.
        m("joint_activities", (1.0, 6.0), Some(16.7), held),
        // I3 (answered) and I8 (not): 1 of 2; RAL referred nothing.
        m(
            "referred_input_answered",
            (1.0, 2.0),
            Some(50.0),
            of("INPUT_ITEM", &[&y.text_reminders, &y.pharmacy_hours]),
        ),
        // RAL's actions for QMJ's input: Y1 (completed 1 October) and Y4 (only proposed): 1 of 2.
        m(
            "partner_actions_completed",
            (1.0, 2.0),
            Some(50.0),
            of("ACTION", &[&y.reminder_service, &y.pharmacy_pilot]),
        ),
    ];
    check(&card, &expected);
    let text = card.to_string();
    assert!(
        !text.contains(&y.outside_activity),
        "RJ1's activity is counted nowhere"
    );
    for personal in PARTICIPANT_NAMES
        .iter()
        .chain(&PARTICIPANT_EMAILS)
        .map(|s| s.to_string())
        .chain(y.participants.iter().cloned())
    {
        assert!(!text.contains(&personal), "{personal} in the scorecard");
    }
}

/// The verdicts the measures above rest on, as of the year's last day, and the boards.
async fn the_prepared_year_reads_as_described(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let auditor = app.token(Role::Auditor, &[ICB, TRUST]);
    for (item, verdict, loop_closed, genuinely) in [
        (&y.plain_letters, "ACTED_ON", true, true),
        (&y.saturday_clinics, "DECLINED", true, false),
        (&y.text_reminders, "ACTED_ON", false, false),
        (&y.gp_letters, "PLANNED", true, false),
        (&y.discharge_medicines, "OVERDUE", false, false),
        (&y.weekend_crisis_line, "ACTED_ON", true, true),
        (&y.peer_support, "UNANSWERED", false, false),
        (&y.pharmacy_hours, "REFERRED", false, false),
        (&y.interpreters, "STALLED", true, false),
        (&y.overnight_stays, "DECLINED", false, false),
        (&y.waiting_screens, "ACTED_ON", true, true),
    ] {
        let got = app
            .ok(
                &auditor,
                "query($id: ID!) { inputItem(id: $id, asOf: \"2026-03-31\") { verdict loopClosed genuinelyActedOn } }",
                json!({ "id": item }),
            )
            .await["inputItem"]
            .clone();
        assert_eq!(
            got,
            json!({ "verdict": verdict, "loopClosed": loop_closed, "genuinelyActedOn": genuinely }),
            "item {item}"
        );
    }
    for (board, meetings) in [
        (&y.icb_board, &y.meetings[..3]),
        (&y.committee, &y.meetings[3..]),
    ] {
        let got = app
            .ok(
                &auditor,
                "query($id: ID!) { board(id: $id) { meetings { nodes { id } } } }",
                json!({ "id": board }),
            )
            .await;
        let mut ids: Vec<&str> = got["board"]["meetings"]["nodes"]
            .as_array()
            .expect("meetings")
            .iter()
            .map(|m| m["id"].as_str().expect("id"))
            .collect();
        let mut want: Vec<&str> = meetings.iter().map(String::as_str).collect();
        ids.sort_unstable();
        want.sort_unstable();
        assert_eq!(ids, want);
    }
    let people = app
        .ok(
            &app.admin(),
            "{ participants { nodes { id displayName contact { email } } } }",
            json!({}),
        )
        .await;
    let mut got: Vec<(String, String, String)> = people["participants"]["nodes"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id").to_owned(),
                p["displayName"].as_str().expect("name").to_owned(),
                p["contact"]["email"].as_str().expect("email").to_owned(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String)> = (0..4)
        .map(|n| {
            (
                y.participants[n].clone(),
                PARTICIPANT_NAMES[n].to_owned(),
                PARTICIPANT_EMAILS[n].to_owned(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// The groups `card` names under-represented, as (organisation, dimension, category), sorted.
fn under_represented(card: &Value) -> Vec<(String, String, String)> {
    let mut groups: Vec<(String, String, String)> = card["populationGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["reach"]["underRepresented"] == true)
        .map(|g| {
            (
                g["organisation"].as_str().expect("org").to_owned(),
                g["reach"]["dimension"]
                    .as_str()
                    .expect("dimension")
                    .to_owned(),
                g["reach"]["category"]
                    .as_str()
                    .expect("category")
                    .to_owned(),
            )
        })
        .collect();
    groups.sort();
    groups
}

fn group<'a>(card: &'a Value, org: &str, category: &str) -> &'a Value {
    card["populationGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["organisation"] == org && g["reach"]["category"] == category)
        .map(|g| &g["reach"])
        .expect("group listed")
}

fn named(groups: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut named: Vec<_> = groups
        .iter()
        .map(|(o, d, c)| ((*o).to_owned(), (*d).to_owned(), (*c).to_owned()))
        .collect();
    named.sort();
    named
}

async fn under_represented_groups_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    prepare(&app).await;
    let year = json!({ "financialYear": 2025 });

    // QMJ's year: 29 people at A1-A3 (see the year's scorecard): 18-44 and deprivation Q1.
    let card = scorecard(&app, json!({ "org": ICB }), year.clone(), 5.0).await;
    assert_eq!(
        card["populationGroups"].as_array().map(Vec::len),
        Some(8),
        "3 age bands, 3 ethnic groups, 2 quintiles"
    );
    assert_eq!(
        under_represented(&card),
        named(&[
            (ICB, "age_band", "18-44"),
            (ICB, "deprivation_quintile", "Q1")
        ])
    );
    let young = group(&card, ICB, "18-44");
    assert_eq!(
        (
            young["participants"].as_i64(),
            young["baselineShare"].as_f64()
        ),
        (Some(12), Some(0.5))
    );
    assert_eq!(young["participantShare"].as_f64(), Some(12.0 / 29.0));
    // Black: 5 of 29 = 17.2% against 20%, within the 5-point margin.
    let black = group(&card, ICB, "Black");
    assert_eq!(
        (
            black["participants"].as_i64(),
            black["underRepresented"].as_bool()
        ),
        (Some(5), Some(false))
    );

    // A margin of 8 points leaves only 18-44 (8.6 under), not Q1 (5.9 under).
    let wide = scorecard(&app, json!({ "org": ICB }), year.clone(), 8.0).await;
    assert_eq!(
        under_represented(&wide),
        named(&[(ICB, "age_band", "18-44")])
    );
    let reached = wide["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["key"] == "population_groups_reached")
        .expect("measure");
    assert_eq!(
        (
            reached["numerator"].as_f64(),
            reached["denominator"].as_f64(),
            reached["value"].as_f64()
        ),
        (Some(7.0), Some(8.0), Some(87.5))
    );

    // QMJ's first quarter of 2026, A3 alone: 45-64 (10% against 30%), White (50% against
    // 60%) and Q2-Q5 (60% against 70%); 65+ exactly at its 20% share is not named.
    let quarter = scorecard(
        &app,
        json!({ "org": ICB }),
        json!({ "quarter": { "year": 2026, "quarter": 1 } }),
        5.0,
    )
    .await;
    assert_eq!(
        under_represented(&quarter),
        named(&[
            (ICB, "age_band", "45-64"),
            (ICB, "ethnic_group", "White"),
            (ICB, "deprivation_quintile", "Q2-Q5"),
        ])
    );
    assert_eq!(
        group(&quarter, ICB, "65+")["participantShare"].as_f64(),
        Some(0.2)
    );

    // The ICS: each organisation against its own baseline, side by side; RJ1's 50 men aged
    // 18-44 (at an activity RAL partnered) count for no one.
    let ics = scorecard(&app, json!({ "ics": ICB }), year, 5.0).await;
    assert_eq!(ics["populationGroups"].as_array().map(Vec::len), Some(13));
    assert_eq!(
        under_represented(&ics),
        named(&[
            (ICB, "age_band", "18-44"),
            (ICB, "deprivation_quintile", "Q1"),
            (TRUST, "age_band", "45-64"),
            (TRUST, "age_band", "65+"),
            (TRUST, "sex", "male"),
        ])
    );
    let men = group(&ics, TRUST, "male");
    assert_eq!(
        (
            men["participants"].as_i64(),
            men["participantShare"].as_f64()
        ),
        (Some(6), Some(0.3))
    );
}

/// The trust alone: the actions it took on QMJ's referred input still count once it has answered
/// the referral (and I3 is no longer referred to it).
async fn the_trust_counts_actions_on_referrals_it_answered(backend: Backend) {
    let app = spawn_app(backend).await;
    let y = prepare(&app).await;
    let card = scorecard(
        &app,
        json!({ "org": TRUST }),
        json!({ "financialYear": 2025 }),
        5.0,
    )
    .await;
    let partner = card["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["key"] == "partner_actions_completed")
        .expect("measure");
    // Y1 (for I3, answered; completed 1 October) and Y4 (for I8, still referred; open).
    assert_eq!(
        (
            partner["numerator"].as_f64(),
            partner["denominator"].as_f64(),
            partner["value"].as_f64()
        ),
        (Some(1.0), Some(2.0), Some(50.0)),
        "{partner}"
    );
    let mut ids: Vec<&str> = partner["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    let mut expected = vec![y.reminder_service.as_str(), y.pharmacy_pilot.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
}

on_both!(
    the_trust_counts_actions_on_referrals_it_answered,
    the_prepared_year_reads_as_described,
    scorecard_of_the_icb_for_the_year,
    scorecard_of_the_icb_for_a_quarter,
    scorecard_of_the_ics_for_the_year,
    under_represented_groups_are_named
);
