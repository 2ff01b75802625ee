//! A year of slips, put right.
//!
//! North Central Trust (QMJ) records its financial year 2025/26: a focus group on outpatient
//! letters on 1 May 2025 and a listening event on evening clinics on 25 September 2025, the input
//! raised at them, the decisions and the actions. Five slips are made on the way:
//! - "Evening clinics" is entered as raised on 25 June, not 25 September: at the half year it
//!   shows `OVERDUE`, and its decline in October `LATE_RESPONSE`, when it was neither;
//! - "Text reminders" is entered twice, and the copy declined;
//! - the listening event is entered as held on 2 October (the next calendar quarter) with 4
//!   patients, when 14 came on 25 September;
//! - the letters action is entered as proposed and agreed in March, before the focus group that
//!   asked for it (so `DECIDED_BEFORE_INPUT`), owned by the wrong role at the wrong forum;
//! - "Step-free access" is referred to the Royal Free (RAL), which lets its 30-day window pass.
//!
//! Then each is put right with a correcting event, and the Royal Free answers the referral and
//! acts on it. Every verdict, roll-up, scorecard figure and annual-report figure the slips move
//! is checked before and after, as of several days; the record as it stood before the
//! corrections (`recordedAsOf`) answers exactly as it did then; the log verifies, and a rebuild
//! gives the same views.

use std::collections::{BTreeMap, HashMap};

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(a_year_of_slips_is_put_right);

/// RAL's answer to the referral of 10 May is due within its 30-day window, by 9 June.
const REFERRAL_DUE: &str = "2025-06-09";
const REFERRAL_OVERDUE: &str = "2025-06-10";
/// After the focus group's decisions; the misdated item is raised by then, as entered.
const SUMMER: &str = "2025-07-01";
/// The half year, and the end of the third calendar quarter.
const MID_YEAR: &str = "2025-09-30";
const YEAR_END: &str = "2026-03-31";

/// The records of the year, by id, with the names the expectations use.
struct Year {
    names: HashMap<String, &'static str>,
    ids: HashMap<&'static str, String>,
}

impl Year {
    fn add(&mut self, name: &'static str, id: String) -> String {
        self.names.insert(id.clone(), name);
        self.ids.insert(name, id.clone());
        id
    }

    fn id(&self, name: &str) -> &str {
        &self.ids[name]
    }

    fn name(&self, id: &Value) -> &'static str {
        let id = id.as_str().expect("id");
        self.names
            .get(id)
            .unwrap_or_else(|| panic!("{id} is none of the year's records"))
    }
}

fn reason(category: &str, detail: &str) -> Value {
    json!({ "category": category, "detail": detail })
}

/// An engagement officer of one organisation, recording.
struct Officer<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Officer<'a> {
    fn of(app: &'a TestApp, org: &str) -> Self {
        let token = app.token(Role::EngagementOfficer, &[org]);
        Self { app, token }
    }

    /// Runs mutation `field`; answers with the id of the `record` its payload names.
    async fn run(&self, field: &str, record: &str, input: Value) -> String {
        let payload = self
            .app
            .call(&self.token, field, &format!("{record} {{ id }}"), input)
            .await;
        payload[record]["id"].as_str().expect("id").to_owned()
    }

    async fn plan(&self, kind: &str, title: &str, planned_on: &str) -> String {
        let plan = json!({ "kind": kind, "title": title, "topic": "Outpatients",
            "leadOrganisation": "QMJ", "principles": ["SEEKING_INPUT"], "plannedOn": planned_on });
        self.run("planActivity", "activity", plan).await
    }

    /// Publishes information on `activity`, holds it, and answers with its id.
    async fn hold(&self, activity: &str, published: Value, held: Value) -> String {
        let (mut published, mut held) = (published, held);
        published["activityId"] = json!(activity);
        held["activityId"] = json!(activity);
        self.run("recordInformationPublished", "activity", published)
            .await;
        self.run("recordActivityHeld", "activity", held).await
    }

    async fn raise(&self, activity: &str, summary: &str, theme: &str, on: &str) -> String {
        let item = json!({ "activityId": activity, "kind": "RECOMMENDATION", "summary": summary,
            "themes": [theme], "raisedBy": "PATIENT", "raisedOn": on });
        self.run("recordInputItem", "inputItem", item).await
    }

    async fn decide(&self, item: &str, decision: Value) {
        let mut decision = decision;
        decision["inputItemId"] = json!(item);
        self.run("decideInputItem", "inputItem", decision).await;
    }

    /// Proposes an action, agrees it on `agreed_on`, completes it if `completion` is given,
    /// and answers with its id.
    async fn act(&self, proposal: Value, agreed_on: &str, completion: Option<Value>) -> String {
        let action = self.run("proposeAction", "action", proposal).await;
        let agreement = json!({ "actionId": action, "agreedOn": agreed_on });
        self.run("agreeAction", "action", agreement).await;
        if let Some(mut completion) = completion {
            completion["actionId"] = json!(action);
            self.run("completeAction", "action", completion).await;
        }
        action
    }
}

/// Records the year as it was first entered, slips and all.
async fn record_the_year(app: &TestApp) -> Year {
    let mut year = Year {
        names: HashMap::new(),
        ids: HashMap::new(),
    };
    app.register("QMJ", "North Central Trust").await;
    app.register("RAL", "Royal Free").await;
    let (qmj, ral) = (Officer::of(app, "QMJ"), Officer::of(app, "RAL"));
    let window = json!({ "odsCode": "RAL", "days": 30 });
    ral.run("setResponseWindow", "organisation", window).await;

    // The focus group: information in easy read 11 days before; 8 patients and 2 carers.
    let group = qmj
        .plan("FOCUS_GROUP", "Outpatient letters", "2025-05-01")
        .await;
    let group = year.add("letters group", group);
    qmj.hold(
        &group,
        json!({ "publishedOn": "2025-04-20", "accessibleFormats": ["EASY_READ"] }),
        json!({ "heldOn": "2025-05-01", "attendance": { "patients": 8, "carers": 2, "staff": 2 } }),
    )
    .await;
    let raised = [
        ("plain letters", "Plainer appointment letters", "letters"),
        (
            "text reminders",
            "Text reminders before appointments",
            "reminders",
        ),
        // Slip: the same point entered twice.
        (
            "text reminders again",
            "Text message reminders",
            "reminders",
        ),
        (
            "step-free access",
            "Step-free access at the east entrance",
            "access",
        ),
    ];
    for (name, summary, theme) in raised {
        let id = qmj.raise(&group, summary, theme, "2025-05-01").await;
        year.add(name, id);
    }
    // Slip: the step-free access is the Royal Free's to answer, and it lets its window pass.
    let referral = json!({ "outcome": "REFERRED", "referredTo": "RAL", "decidedOn": "2025-05-10" });
    qmj.decide(year.id("step-free access"), referral).await;
    for name in ["plain letters", "text reminders"] {
        let accepted = json!({ "outcome": "ACCEPTED", "decidedOn": "2025-05-20" });
        qmj.decide(year.id(name), accepted).await;
    }
    let declined = json!({ "outcome": "DECLINED", "reason": "Covered by the reminder service",
        "decidedOn": "2025-05-20" });
    qmj.decide(year.id("text reminders again"), declined).await;

    // Slip: proposed and agreed in May, entered as March, owned by the wrong role and forum.
    let letters = json!({ "title": "Rewrite the appointment letter templates",
        "ownerOrganisation": "QMJ", "ownerRole": "Head of Estates",
        "decisionForum": "Estates Board", "dueOn": "2025-09-30", "proposedOn": "2025-03-20",
        "inputItemIds": [year.id("plain letters")] });
    let done = json!({ "completedOn": "2025-08-15", "evidence": "The new templates",
        "outcome": "Letters rewritten in plain English" });
    let letters = qmj.act(letters, "2025-03-28", Some(done)).await;
    year.add("letters action", letters);
    let told = json!({ "inputItemId": year.id("plain letters"), "givenOn": "2025-08-20",
        "channel": "EMAIL", "summary": "Your letters are rewritten" });
    qmj.run("recordInputFeedback", "inputItem", told).await;
    // Agreed in June, due by the end of December, never finished.
    let reminders = json!({ "title": "Text reminder service", "ownerOrganisation": "QMJ",
        "ownerRole": "Head of Outpatients", "decisionForum": "Operations Board",
        "dueOn": "2025-12-31", "proposedOn": "2025-05-20",
        "inputItemIds": [year.id("text reminders")] });
    qmj.act(reminders, "2025-06-01", None).await;

    // The listening event: information 15 days before, in no accessible format.
    let event = qmj
        .plan("LISTENING_EVENT", "Evening clinics", "2025-09-25")
        .await;
    let event = year.add("listening event", event);
    // Slip: held on 25 September with 14 patients, entered as 2 October with 4.
    qmj.hold(
        &event,
        json!({ "publishedOn": "2025-09-10" }),
        json!({ "heldOn": "2025-10-02", "attendance": { "patients": 4, "carers": 1, "staff": 2 } }),
    )
    .await;
    // Slip: raised on 25 September, entered as 25 June.
    let summary = "Evening clinics for working people";
    let clinics = qmj.raise(&event, summary, "access", "2025-06-25").await;
    let clinics = year.add("evening clinics", clinics);
    let declined = json!({ "outcome": "DECLINED", "reason": "No evening staffing budget this year",
        "decidedOn": "2025-10-20" });
    qmj.decide(&clinics, declined).await;
    let told = json!({ "activityId": event, "givenOn": "2025-11-01", "channel": "NEWSLETTER",
        "summary": "What we heard" });
    qmj.run("recordActivityFeedback", "activity", told).await;
    year
}

/// Puts every slip right, and lets the Royal Free answer its referral.
async fn put_it_right(app: &TestApp, year: &Year) {
    let (qmj, ral) = (Officer::of(app, "QMJ"), Officer::of(app, "RAL"));
    let misdated = json!({ "inputItemId": year.id("evening clinics"), "raisedOn": "2025-09-25",
        "reason": reason("WRONG_DATE", "Raised at the September listening event") });
    qmj.run("amendInputItem", "inputItem", misdated).await;
    let duplicate = json!({ "inputItemId": year.id("text reminders again"),
        "duplicateOf": year.id("text reminders"), "withdrawDecision": true,
        "reason": reason("DUPLICATE", "Entered twice from the flip chart") });
    qmj.run("withdrawInputItem", "inputItem", duplicate).await;
    let miscounted = json!({ "activityId": year.id("listening event"), "heldOn": "2025-09-25",
        "attendance": { "patients": 14, "carers": 1, "staff": 2 },
        "reason": reason("WRONG_DATE", "Typed from the wrong sign-in sheet") });
    qmj.run("amendActivity", "activity", miscounted).await;
    let misattributed = json!({ "actionId": year.id("letters action"),
        "proposedOn": "2025-05-20", "agreedOn": "2025-05-28",
        "ownerRole": "Head of Patient Experience", "decisionForum": "Quality Committee",
        "reason": reason("WRONG_DETAIL", "Minuted at the Quality Committee of 28 May") });
    qmj.run("amendAction", "action", misattributed).await;

    // The Royal Free answers, four months late, and builds the ramp.
    let step_free = year.id("step-free access");
    let accepted = json!({ "outcome": "ACCEPTED", "decidedOn": "2025-10-15" });
    ral.decide(step_free, accepted).await;
    let ramp = json!({ "title": "Ramp at the east entrance", "ownerOrganisation": "RAL",
        "ownerRole": "Estates Lead", "decisionForum": "Estates Board", "dueOn": "2026-02-28",
        "proposedOn": "2025-10-20", "inputItemIds": [step_free] });
    let done = json!({ "completedOn": "2026-02-20", "outcome": "Ramp open",
        "evidence": "Estates sign-off" });
    ral.act(ramp, "2025-10-25", Some(done)).await;
}

const ITEM: &str = "query($id: ID!, $on: Date, $at: DateTime) {
    inputItem(id: $id, asOf: $on, recordedAsOf: $at) {
      summary raisedOn verdict warnings loopClosed genuinelyActedOn respondBy referredTo
      decision { outcome decidedBy } withdrawal { category duplicateOf } } }";

const ROLLUP: &str = "query($on: Date, $at: DateTime) {
    organisation(odsCode: \"QMJ\", recordedAsOf: $at) { rollup(asOf: $on) {
      total answeredWithinWindow actedOn loopClosed genuinelyActedOn counts { verdict count } } } }";

const ACTIVITY: &str = "query($id: ID!, $at: DateTime) { activity(id: $id, recordedAsOf: $at) {
    heldOn attendance { patients carers public staff } } }";

const ACTION: &str = "query($id: ID!, $at: DateTime) { action(id: $id, recordedAsOf: $at) {
    ownerRole decisionForum proposedOn agreedOn completedOn } }";

/// How the record stands: as first entered, or with its slips put right.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Record {
    AsEntered,
    PutRight,
}

impl Record {
    /// The expectation for this state of the record, of an (as entered, put right) pair.
    fn pick<T>(self, (entered, right): (T, T)) -> T {
        match self {
            Record::AsEntered => entered,
            Record::PutRight => right,
        }
    }
}

/// Each item's verdict as of a day, as entered and put right: the verdict, its warnings, then
/// `closed` when the loop is closed and `genuinely` when genuinely acted on.
const VERDICTS: [(&str, &str, &str, &str); 12] = [
    // Acted on and fed back, but as entered by an action agreed on 28 March, before the input
    // was raised on 1 May: consultation after the fact, so not genuinely acted on.
    (
        "plain letters",
        MID_YEAR,
        "ACTED_ON DECIDED_BEFORE_INPUT closed",
        "ACTED_ON closed genuinely",
    ),
    (
        "plain letters",
        YEAR_END,
        "ACTED_ON DECIDED_BEFORE_INPUT closed",
        "ACTED_ON closed genuinely",
    ),
    // As entered, raised 25 June and due by 24 August: overdue at the half year, and declined
    // late on 20 October. Raised 25 September, it is five days old then, and due by 24 November.
    ("evening clinics", MID_YEAR, "OVERDUE", "UNANSWERED"),
    (
        "evening clinics",
        YEAR_END,
        "DECLINED LATE_RESPONSE closed",
        "DECLINED closed",
    ),
    // Its action was due by 31 December and never finished.
    ("text reminders", MID_YEAR, "PLANNED", "PLANNED"),
    ("text reminders", YEAR_END, "STALLED", "STALLED"),
    // A withdrawn item is withdrawn as of every day: it never was.
    ("text reminders again", MID_YEAR, "DECLINED", "WITHDRAWN"),
    ("text reminders again", YEAR_END, "DECLINED", "WITHDRAWN"),
    // Referred on 10 May; RAL's 30 days end on 9 June. RAL answers on 15 October, months late,
    // and its ramp opens on 20 February.
    ("step-free access", REFERRAL_DUE, "REFERRED", "REFERRED"),
    ("step-free access", REFERRAL_OVERDUE, "OVERDUE", "OVERDUE"),
    ("step-free access", MID_YEAR, "OVERDUE", "OVERDUE"),
    (
        "step-free access",
        YEAR_END,
        "OVERDUE",
        "ACTED_ON LATE_RESPONSE",
    ),
];

/// QMJ's roll-up as of a day, as entered and put right: the total, then each verdict counted.
const ROLLUPS: [(&str, &str, &str); 3] = [
    // Evening clinics counts from 25 June as entered, from 25 September put right; the
    // duplicate counts until withdrawn.
    (
        SUMMER,
        "5: UNANSWERED 1, OVERDUE 1, DECLINED 1, PLANNED 2",
        "3: OVERDUE 1, PLANNED 2",
    ),
    (
        MID_YEAR,
        "5: OVERDUE 2, DECLINED 1, PLANNED 1, ACTED_ON 1",
        "4: UNANSWERED 1, OVERDUE 1, PLANNED 1, ACTED_ON 1",
    ),
    (
        YEAR_END,
        "5: OVERDUE 1, DECLINED 2, STALLED 1, ACTED_ON 1",
        "4: DECLINED 1, STALLED 1, ACTED_ON 2",
    ),
];

/// Numerator and denominator of the scorecard's measures over 2025/26 that the slips could
/// move, as entered and put right.
type Share = (f64, f64);
const YEAR_MEASURES: [(&str, Share, Share); 11] = [
    ("information_before_activity", (2.0, 2.0), (2.0, 2.0)),
    // 11 days before the focus group; 22 before 2 October, then 15 before 25 September.
    ("days_information_before", (33.0, 2.0), (26.0, 2.0)),
    ("accessible_formats", (1.0, 2.0), (1.0, 2.0)),
    // Letters (by email) and evening clinics (the event's newsletter); the duplicate goes.
    ("feedback_given", (2.0, 5.0), (2.0, 4.0)),
    // As entered, the letters action was proposed in March, in the year before.
    ("actions_tracing_to_input", (1.0, 1.0), (2.0, 2.0)),
    // Evening clinics was answered late as entered. The referral of 10 May is no answer to the
    // step-free access until RAL's, due by 9 June: still to come as entered, and given only in
    // October once corrected, so it never counts as answered in time.
    ("answered_within_window", (3.0, 5.0), (3.0, 4.0)),
    ("acted_on", (1.0, 5.0), (2.0, 4.0)),
    ("loop_closed", (2.0, 5.0), (2.0, 4.0)),
    ("genuinely_acted_on", (0.0, 5.0), (1.0, 4.0)),
    ("joint_activities", (0.0, 2.0), (0.0, 2.0)),
    ("referred_input_answered", (0.0, 1.0), (1.0, 1.0)),
];

/// The same over July to September 2025: the listening event and evening clinics belong there,
/// but were entered in October and June.
const QUARTER_MEASURES: [(&str, Share, Share); 4] = [
    ("information_before_activity", (0.0, 0.0), (1.0, 1.0)),
    ("days_information_before", (0.0, 0.0), (15.0, 1.0)),
    ("feedback_given", (0.0, 0.0), (0.0, 1.0)),
    ("answered_within_window", (0.0, 0.0), (0.0, 1.0)),
];

/// Every figure of the annual report for 2025/26, as entered and put right: the count, what it
/// is a share of, and the records it counts.
const REPORT: [(&str, &str, &str); 14] = [
    (
        "activities_held",
        "2: letters group; listening event",
        "2: letters group; listening event",
    ),
    (
        "activities.focus_group",
        "1: letters group",
        "1: letters group",
    ),
    (
        "activities.listening_event",
        "1: listening event",
        "1: listening event",
    ),
    // 8 patients and 2 carers, with 4 patients and 1 carer, then 14 (staff do not count).
    (
        "people_taking_part",
        "15: letters group; listening event",
        "25: letters group; listening event",
    ),
    (
        "items_raised",
        "5: evening clinics; plain letters; step-free access; text reminders; text reminders again",
        "4: evening clinics; plain letters; step-free access; text reminders",
    ),
    (
        "theme.access",
        "2 of 5: evening clinics; step-free access",
        "2 of 4: evening clinics; step-free access",
    ),
    (
        "theme.reminders",
        "2 of 5: text reminders; text reminders again",
        "1 of 4: text reminders",
    ),
    (
        "theme.letters",
        "1 of 5: plain letters",
        "1 of 4: plain letters",
    ),
    (
        "acted_on",
        "1 of 5: plain letters",
        "2 of 4: plain letters; step-free access",
    ),
    ("genuinely_acted_on", "0 of 5: ", "1 of 4: plain letters"),
    (
        "declined",
        "2 of 5: evening clinics; text reminders again",
        "1 of 4: evening clinics",
    ),
    (
        "items_fed_back",
        "2 of 5: evening clinics; plain letters",
        "2 of 4: evening clinics; plain letters",
    ),
    ("feedback.email", "1: plain letters", "1: plain letters"),
    (
        "feedback.newsletter",
        "1: listening event",
        "1: listening event",
    ),
];

/// Everything asked of the record about the year, recorded as of `at` (or now): each item's
/// verdict ("name @ day"), QMJ's roll-up ("rollup @ day"), the listening event, the letters
/// action, the scorecards of the year and of its third quarter, and the annual report.
async fn answers(app: &TestApp, year: &Year, at: Option<&str>) -> BTreeMap<String, Value> {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let mut all = BTreeMap::new();
    for (name, on, _, _) in VERDICTS {
        let vars = json!({ "id": year.id(name), "on": on, "at": at });
        let item = app.ok(&auditor, ITEM, vars).await["inputItem"].clone();
        all.insert(format!("{name} @ {on}"), item);
    }
    for (on, _, _) in ROLLUPS {
        let vars = json!({ "on": on, "at": at });
        let rollup = app.ok(&auditor, ROLLUP, vars).await["organisation"]["rollup"].clone();
        all.insert(format!("rollup @ {on}"), rollup);
    }
    let vars = json!({ "id": year.id("listening event"), "at": at });
    let activity = app.ok(&auditor, ACTIVITY, vars).await["activity"].clone();
    all.insert("listening event".into(), activity);
    let vars = json!({ "id": year.id("letters action"), "at": at });
    let action = app.ok(&auditor, ACTION, vars).await["action"].clone();
    all.insert("letters action".into(), action);
    for (name, period) in [
        ("scorecard 2025/26", financial_year()),
        ("scorecard Q3", third_quarter()),
    ] {
        let vars = json!({ "period": period, "at": at });
        let card = app.ok(&auditor, SCORECARD_AT, vars).await["scorecard"].clone();
        all.insert(name.into(), card);
    }
    let report = app.ok(&auditor, ANNUAL_AT, json!({ "at": at })).await["annualReport"].clone();
    all.insert("annual report".into(), report);
    all
}

/// The whole scorecard and annual report, recorded as of `$at` (or now).
const SCORECARD_AT: &str = "query($period: PeriodInput!, $at: DateTime) {
    scorecard(organisation: \"QMJ\", period: $period, recordedAsOf: $at) {
      measures { key value numerator denominator previous change records { kind id } } } }";
const ANNUAL_AT: &str = "query($at: DateTime) {
    annualReport(organisation: \"QMJ\", year: 2025, recordedAsOf: $at) {
      figures { key count of records { id } } markdown } }";

fn strings(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|s| s.as_str().expect("string"))
        .collect()
}

/// An item's verdict as `VERDICTS` writes it.
fn judged(item: &Value) -> String {
    let mut words = vec![item["verdict"].as_str().expect("verdict")];
    words.extend(strings(&item["warnings"]));
    if item["loopClosed"] == true {
        words.push("closed");
    }
    if item["genuinelyActedOn"] == true {
        words.push("genuinely");
    }
    words.join(" ")
}

/// A roll-up as `ROLLUPS` writes it; every verdict is listed, so the zeros are left out.
fn counted(rollup: &Value) -> String {
    let counts = rollup["counts"].as_array().expect("counts");
    assert_eq!(counts.len(), 8, "a count for every verdict: {rollup}");
    let nonzero: Vec<String> = counts
        .iter()
        .filter(|c| c["count"] != 0)
        .map(|c| format!("{} {}", c["verdict"].as_str().expect("verdict"), c["count"]))
        .collect();
    format!("{}: {}", rollup["total"], nonzero.join(", "))
}

fn check_answers(answers: &BTreeMap<String, Value>, record: Record) {
    for (name, on, entered, right) in VERDICTS {
        let item = &answers[&format!("{name} @ {on}")];
        let expected = record.pick((entered, right));
        assert_eq!(judged(item), expected, "{name} as of {on}, {record:?}");
    }
    for (on, entered, right) in ROLLUPS {
        let rollup = &answers[&format!("rollup @ {on}")];
        let expected = record.pick((entered, right));
        assert_eq!(counted(rollup), expected, "roll-up as of {on}, {record:?}");
    }
}

const SCORECARD: &str = "query($period: PeriodInput!) {
    scorecard(organisation: \"QMJ\", period: $period) { measures { key numerator denominator } } }";

/// Numerator and denominator of every measure of QMJ's scorecard over `period`, by key.
async fn scorecard(app: &TestApp, period: Value) -> BTreeMap<String, Share> {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let card = app
        .ok(&auditor, SCORECARD, json!({ "period": period }))
        .await;
    card["scorecard"]["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .map(|m| {
            let n = |field: &str| m[field].as_f64().expect("a number");
            let key = m["key"].as_str().expect("key").to_owned();
            (key, (n("numerator"), n("denominator")))
        })
        .collect()
}

fn financial_year() -> Value {
    json!({ "financialYear": 2025 })
}

/// The third calendar quarter of 2025: July to September.
fn third_quarter() -> Value {
    json!({ "quarter": { "year": 2025, "quarter": 3 } })
}

async fn check_scorecards(app: &TestApp, record: Record) {
    for (period, expected) in [
        (financial_year(), &YEAR_MEASURES[..]),
        (third_quarter(), &QUARTER_MEASURES[..]),
    ] {
        let card = scorecard(app, period.clone()).await;
        for (key, entered, right) in expected {
            let found = card.get(*key).unwrap_or_else(|| panic!("no measure {key}"));
            let expected = record.pick((entered, right));
            assert_eq!(found, expected, "{key} over {period}, {record:?}");
        }
    }
}

const ANNUAL: &str = "query { annualReport(organisation: \"QMJ\", year: 2025) {
    covered { from to } figures { key count of records { id } } markdown } }";

/// The annual report for 2025/26: every figure by key, written as `REPORT` writes it, and the
/// Markdown.
async fn annual_report(app: &TestApp, year: &Year) -> (BTreeMap<String, String>, String) {
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let report = app.ok(&auditor, ANNUAL, json!({})).await["annualReport"].clone();
    assert_eq!(
        report["covered"],
        json!({ "from": "2025-04-01", "to": YEAR_END })
    );
    let figures = report["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .map(|f| {
            let mut names: Vec<&str> = f["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| year.name(&r["id"]))
                .collect();
            names.sort_unstable();
            let share = match f["of"].as_u64() {
                Some(of) => format!("{} of {of}", f["count"]),
                None => f["count"].to_string(),
            };
            let key = f["key"].as_str().expect("key").to_owned();
            (key, format!("{share}: {}", names.join("; ")))
        })
        .collect();
    let markdown = report["markdown"].as_str().expect("markdown").to_owned();
    (figures, markdown)
}

async fn check_report(app: &TestApp, year: &Year, record: Record) {
    let (figures, markdown) = annual_report(app, year).await;
    let expected: BTreeMap<String, String> = REPORT
        .iter()
        .map(|(key, entered, right)| ((*key).to_owned(), record.pick((*entered, *right)).into()))
        .collect();
    assert_eq!(figures, expected, "{record:?}");
    // The duplicate's decline is listed, with its reason, until it is withdrawn.
    assert_eq!(
        markdown.contains("Covered by the reminder service"),
        record == Record::AsEntered,
        "{markdown}"
    );
}

async fn a_year_of_slips_is_put_right(backend: Backend) {
    let app = spawn_app(backend).await;
    let year = record_the_year(&app).await;

    let uncorrected = answers(&app, &year, None).await;
    check_answers(&uncorrected, Record::AsEntered);
    let step_free = &uncorrected[&format!("step-free access @ {YEAR_END}")];
    assert_eq!(
        (&step_free["respondBy"], &step_free["decision"]),
        (
            &json!(REFERRAL_DUE),
            &json!({ "outcome": "REFERRED", "decidedBy": "QMJ" })
        )
    );
    check_scorecards(&app, Record::AsEntered).await;
    check_report(&app, &year, Record::AsEntered).await;

    let before_corrections = chrono::Utc::now().to_rfc3339();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    put_it_right(&app, &year).await;

    let corrected = answers(&app, &year, None).await;
    check_answers(&corrected, Record::PutRight);
    let step_free = &corrected[&format!("step-free access @ {YEAR_END}")];
    assert_eq!(
        (&step_free["referredTo"], &step_free["decision"]),
        (
            &json!("RAL"),
            &json!({ "outcome": "ACCEPTED", "decidedBy": "RAL" })
        ),
        "the referral stays shown beside the partner's answer"
    );
    assert_eq!(
        corrected[&format!("text reminders again @ {YEAR_END}")]["withdrawal"],
        json!({ "category": "DUPLICATE", "duplicateOf": year.id("text reminders") })
    );
    assert_eq!(
        corrected[&format!("evening clinics @ {MID_YEAR}")]["raisedOn"],
        "2025-09-25"
    );
    assert_eq!(
        corrected["listening event"],
        json!({ "heldOn": "2025-09-25",
            "attendance": { "patients": 14, "carers": 1, "public": 0, "staff": 2 } })
    );
    assert_eq!(
        corrected["letters action"],
        json!({ "ownerRole": "Head of Patient Experience", "decisionForum": "Quality Committee",
            "proposedOn": "2025-05-20", "agreedOn": "2025-05-28", "completedOn": "2025-08-15" })
    );
    check_scorecards(&app, Record::PutRight).await;
    check_report(&app, &year, Record::PutRight).await;

    // The record as it stood before the corrections answers every question as it did then.
    let then = answers(&app, &year, Some(&before_corrections)).await;
    assert_eq!(then, uncorrected, "recorded as of {before_corrections}");
    for question in ["scorecard 2025/26", "scorecard Q3", "annual report"] {
        assert_ne!(
            then[question], corrected[question],
            "{question} was put right"
        );
    }

    // The log verifies, and a rebuild gives the same views and the same answers.
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let verified = app
        .ok(
            &auditor,
            "{ verifyLog { verified events failures } }",
            json!({}),
        )
        .await["verifyLog"]
        .clone();
    assert_eq!(
        verified,
        json!({ "verified": true, "events": app.event_count().await, "failures": 0 })
    );
    let tables = crate::projections::dump(app.db()).await;
    let cards = (
        scorecard(&app, financial_year()).await,
        scorecard(&app, third_quarter()).await,
    );
    let report = annual_report(&app, &year).await;
    let applied = app.ledger.projector().rebuild().await.expect("rebuild");
    assert_eq!(applied as i64, app.event_count().await);
    assert_eq!(crate::projections::dump(app.db()).await, tables);
    assert_eq!(answers(&app, &year, None).await, corrected);
    assert_eq!(
        (
            scorecard(&app, financial_year()).await,
            scorecard(&app, third_quarter()).await,
        ),
        cards
    );
    assert_eq!(annual_report(&app, &year).await, report);
}
