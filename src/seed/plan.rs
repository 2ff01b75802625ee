//! The script of one synthetic integrated care system: every mutation, in order, with the ids
//! of the records it creates chosen from a seeded generator, so the same seed writes the same
//! record on every run.
//!
//! Each system has an integrated care board, two trusts, a GP practice and a Healthwatch. Each
//! organisation uploads a population baseline, keeps a board with patient and lay seats,
//! appointments and meetings whose decisions cite input, and runs activities whose input gets
//! the mix an engagement team really sees: some answered and acted on with the loop closed,
//! some declined, already in place or referred to a partner, some still unanswered or overdue,
//! and some whose actions stalled or were abandoned.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;

use super::words;

/// Who sends a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Admin,
    Officer(String),
    Secretary(String),
}

/// One mutation of the script.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The mutation field, such as `planActivity`; its input type is named after it.
    pub field: &'static str,
    pub input: Value,
    /// The id of the record the step creates, if it creates one.
    pub id: Option<Uuid>,
    pub actor: Actor,
}

/// The day the synthetic record runs up to; fixed so that every run writes the same dates.
pub fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date")
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).expect("a date")
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The ODS codes of system `index`: the ICB first.
pub fn organisations(index: usize) -> [(String, &'static str, &'static str); 5] {
    [
        (
            format!("Q{index:05}"),
            "Integrated Care Board",
            "INTEGRATED_CARE_BOARD",
        ),
        (format!("R{index:05}A"), "Acute Trust", "NHS_TRUST"),
        (format!("R{index:05}M"), "Mental Health Trust", "NHS_TRUST"),
        (format!("G{index:05}"), "Health Centre", "GP_PRACTICE"),
        (format!("H{index:05}"), "Healthwatch", "HEALTHWATCH"),
    ]
}

struct Script {
    rng: StdRng,
    steps: Vec<Step>,
}

impl Script {
    fn id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.gen()).into_uuid()
    }

    /// Adds a step whose input `input` makes (drawing on the generator); answers with the id
    /// of the record it creates, when `creates`.
    fn push(
        &mut self,
        field: &'static str,
        actor: &Actor,
        creates: bool,
        input: impl FnOnce(&mut Self) -> Value,
    ) -> Uuid {
        let input = input(self);
        let id = creates.then(|| self.id());
        self.steps.push(Step {
            field,
            input,
            id,
            actor: actor.clone(),
        });
        id.unwrap_or_default()
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.rng.gen_range(0..from.len())]
    }

    fn between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = (to - from).num_days().max(0);
        from + Duration::days(self.rng.gen_range(0..=days))
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }
}

/// The script of system `index` under `seed`.
pub fn system(seed: u64, index: usize) -> Vec<Step> {
    let mut script = script(seed, index as u64);
    let orgs = organisations(index);
    let icb = orgs[0].0.clone();
    let place = script.pick(words::PLACES).to_string();
    for (code, suffix, kind) in &orgs {
        let ics = (code != &icb).then(|| icb.clone());
        script.push("registerOrganisation", &Actor::Admin, false, |_| json!({ "odsCode": code, "name": format!("{place} {suffix}"), "kind": kind, "ics": ics }));
    }
    let codes: Vec<String> = orgs.iter().map(|o| o.0.clone()).collect();
    for (n, code) in codes.iter().enumerate() {
        let partners: Vec<String> = codes.iter().filter(|c| *c != code).cloned().collect();
        organisation(&mut script, code, n, &partners);
    }
    script.steps
}

/// The ODS code of the large organisation (`seed --large-organisation`): an acute trust of
/// system 0's integrated care system.
pub const LARGE: &str = "RLARGE";
/// Input items per part of the large organisation's script: parts are written side by side.
pub const LARGE_PART_ITEMS: usize = 500;

fn script(seed: u64, salt: u64) -> Script {
    Script {
        rng: StdRng::seed_from_u64(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        steps: Vec::new(),
    }
}

/// The large organisation's registration and population baseline (after system 0's, whose
/// organisations are its partners).
pub fn large_registration(seed: u64) -> Vec<Step> {
    let mut script = script(seed, u64::MAX);
    let icb = organisations(0)[0].0.clone();
    script.push("registerOrganisation", &Actor::Admin, false, |_| {
        json!({ "odsCode": LARGE,
        "name": "Large Acute Trust", "kind": "NHS_TRUST", "ics": icb })
    });
    let csv = baseline_csv(&mut script);
    script.push(
        "uploadPopulationBaseline",
        &Actor::Officer(LARGE.to_owned()),
        false,
        |_| json!({ "organisation": LARGE, "csv": csv, "uploadedOn": day(first_day()) }),
    );
    script.steps
}

/// Part `part` of the large organisation's record: one activity (a survey or a listening
/// event, say) with `items` input items raised at it and answered with the usual mix.
pub fn large_part(seed: u64, part: usize, items: usize) -> Vec<Step> {
    let mut script = script(seed, u64::MAX - 1 - part as u64);
    let partners: Vec<String> = organisations(0).iter().map(|o| o.0.clone()).collect();
    let officer = Actor::Officer(LARGE.to_owned());
    activity(
        &mut script,
        LARGE,
        &officer,
        &partners,
        &mut Vec::new(),
        Some(items),
    );
    script.steps
}

fn baseline_csv(script: &mut Script) -> String {
    let mut csv = String::from("dimension,category,count\n");
    for (dimension, categories) in words::BASELINE {
        for category in *categories {
            let count = script.rng.gen_range(200..2_000);
            csv.push_str(&format!("{dimension},{category},{count}\n"));
        }
    }
    csv
}

fn organisation(script: &mut Script, code: &str, n: usize, partners: &[String]) {
    let officer = Actor::Officer(code.to_owned());
    let secretary = Actor::Secretary(code.to_owned());
    let csv = baseline_csv(script);
    script.push(
        "uploadPopulationBaseline",
        &officer,
        false,
        |_| json!({ "organisation": code, "csv": csv, "uploadedOn": day(first_day()) }),
    );
    let mut items = Vec::new();
    for _ in 0..7 {
        activity(script, code, &officer, partners, &mut items, None);
    }
    board(script, code, n, &secretary, &items);
}

/// An input item and the day it was raised.
struct Raised {
    id: Uuid,
    on: NaiveDate,
}

/// An activity of `code`: planned, perhaps cancelled, held, with input raised there (`raised`
/// items, or a few) and answered, and perhaps feedback given.
fn activity(
    script: &mut Script,
    code: &str,
    officer: &Actor,
    partners: &[String],
    items: &mut Vec<Raised>,
    raised: Option<usize>,
) {
    let planned = script.between(first_day(), last_day() - Duration::days(20));
    let kind = *script.pick(words::ACTIVITY_KINDS);
    let topic = *script.pick(words::TOPICS);
    let joint: Vec<&String> = if script.chance(25) {
        vec![script.pick(partners)]
    } else {
        vec![]
    };
    let activity = script.push("planActivity", officer, true, |script| json!({ "kind": kind, "title": format!("{topic}: {}", script.pick(words::TITLES)),
            "topic": topic, "leadOrganisation": code, "partnerOrganisations": joint,
            "principles": ["SEEKING_INPUT", script.pick(words::PRINCIPLES)], "plannedOn": day(planned) }));
    // The large organisation's parts are all held, so that it holds the items asked for.
    if raised.is_none() && script.chance(8) {
        script.push("cancelActivity", officer, false, |_| {
            json!({ "activityId": activity, "cancelledOn": day(planned - Duration::days(3)),
                "reason": "Venue unavailable; rescheduled as a new activity" })
        });
        return;
    }
    if script.chance(80) {
        let formats: Vec<&str> = words::FORMATS
            .iter()
            .copied()
            .filter(|_| script.chance(30))
            .collect();
        script.push("recordInformationPublished", officer, false, |script| json!({ "activityId": activity, "publishedOn": day(planned - Duration::days(script.rng.gen_range(3..30))),
                "accessibleFormats": formats }));
    }
    let mut demographics = serde_json::Map::new();
    let mut patients = 0;
    for (dimension, field) in [
        ("age_band", "ageBand"),
        ("ethnic_group", "ethnicGroup"),
        ("deprivation_quintile", "deprivationQuintile"),
    ] {
        let categories = words::BASELINE
            .iter()
            .find(|(d, _)| *d == dimension)
            .map_or(&[][..], |(_, c)| *c);
        let counts: Vec<Value> = categories
            .iter()
            .map(|c| json!({ "category": c, "count": script.rng.gen_range(0..8) }))
            .collect();
        patients = counts.iter().filter_map(|c| c["count"].as_u64()).sum();
        demographics.insert(field.to_owned(), Value::Array(counts));
    }
    script.push("recordActivityHeld", officer, false, |script| {
        json!({ "activityId": activity, "heldOn": day(planned),
            "attendance": { "patients": patients, "carers": script.rng.gen_range(0..5),
                "public": script.rng.gen_range(0..10), "staff": script.rng.gen_range(1..6) },
            "demographics": demographics })
    });
    let raised_here = match raised {
        Some(n) => n,
        None => script.rng.gen_range(2..6),
    };
    let mut raised = Vec::new();
    for _ in 0..raised_here {
        let theme = *script.pick(words::THEMES);
        let item = script.push("recordInputItem", officer, true, |script| {
            json!({ "activityId": activity, "kind": script.pick(words::INPUT_KINDS),
                "summary": format!("{} ({topic})", script.pick(words::SUMMARIES)),
                "themes": [theme, topic.to_lowercase()], "raisedBy": script.pick(words::RAISED_BY),
                "raisedOn": day(planned) })
        });
        raised.push(Raised {
            id: item,
            on: planned,
        });
    }
    for item in &raised {
        respond(script, code, officer, partners, item);
    }
    if script.chance(60) {
        let on = (planned + Duration::days(script.rng.gen_range(20..90))).min(last_day());
        script.push("recordActivityFeedback", officer, false, |script| json!({ "activityId": activity, "givenOn": day(on), "channel": script.pick(words::CHANNELS),
                "summary": "You said, we did: what happened to what you told us" }));
        if script.chance(50) {
            script.push("publishActivityReport", officer, false, |_| json!({ "activityId": activity, "publishedOn": day(on),
                    "summary": format!("Report of the {} on {topic}", kind.to_lowercase().replace('_', " ")) }));
        }
    }
    items.extend(raised);
}

/// The decision on an item, and what follows it: the realistic mix.
fn respond(script: &mut Script, code: &str, officer: &Actor, partners: &[String], item: &Raised) {
    let roll = script.rng.gen_range(0..100);
    let window_left = (last_day() - item.on).num_days();
    if roll < 10 || window_left < 14 {
        // Unanswered (or overdue, once its window has passed): nothing is recorded.
        return;
    }
    let decided = (item.on + Duration::days(script.rng.gen_range(5..80))).min(last_day());
    let decide = |script: &mut Script, outcome: &str, extra: Value| {
        let mut input =
            json!({ "inputItemId": item.id, "outcome": outcome, "decidedOn": day(decided) });
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        script.push("decideInputItem", officer, false, |_| input);
    };
    match roll {
        10..=21 => {
            let reason = *script.pick(words::DECLINE_REASONS);
            decide(script, "DECLINED", json!({ "reason": reason }));
        }
        22..=29 => decide(
            script,
            "ALREADY_IN_PLACE",
            json!({ "reason": "This is already offered; we will make it better known" }),
        ),
        30..=37 => {
            let partner = script.pick(partners).clone();
            decide(
                script,
                "REFERRED",
                json!({ "referredTo": partner, "reason": "The partner runs this service" }),
            );
            if script.chance(60) {
                let partner_officer = Actor::Officer(partner.clone());
                action(script, &partner, &partner_officer, item, decided);
            }
            return;
        }
        _ => {
            decide(script, "ACCEPTED", json!({}));
            action(script, code, officer, item, decided);
        }
    }
    if script.chance(55) {
        let told = (decided + Duration::days(script.rng.gen_range(1..40))).min(last_day());
        script.push("recordInputFeedback", officer, false, |script| json!({ "inputItemId": item.id, "givenOn": day(told), "channel": script.pick(words::CHANNELS),
                "summary": "What we decided about your suggestion, and why" }));
    }
}

/// An action for `item` owned by `owner`, proposed on `from`, carried as far as the dice say.
fn action(script: &mut Script, owner: &str, officer: &Actor, item: &Raised, from: NaiveDate) {
    let due = from + Duration::days(script.rng.gen_range(30..240));
    let action = script.push("proposeAction", officer, true, |script| json!({ "title": script.pick(words::ACTIONS), "ownerOrganisation": owner,
            "ownerRole": script.pick(words::OWNER_ROLES), "decisionForum": script.pick(words::FORUMS),
            "dueOn": day(due), "inputItemIds": [item.id], "proposedOn": day(from) }));
    let agreed = (from + Duration::days(script.rng.gen_range(1..20))).min(last_day());
    script.push(
        "agreeAction",
        officer,
        false,
        |_| json!({ "actionId": action, "agreedOn": day(agreed) }),
    );
    let mut on = agreed;
    for _ in 0..script.rng.gen_range(0..4) {
        on = (on + Duration::days(script.rng.gen_range(7..45))).min(last_day());
        script.push("recordActionProgress", officer, false, |script| json!({ "actionId": action, "recordedOn": day(on), "note": script.pick(words::PROGRESS) }));
    }
    let roll = script.rng.gen_range(0..100);
    let finished = (on + Duration::days(script.rng.gen_range(5..60))).min(last_day());
    if roll < 55 {
        let evidence = *script.pick(words::EVIDENCE);
        script.push("completeAction", officer, false, |script| {
            json!({ "actionId": action, "completedOn": day(finished),
                "outcome": script.pick(words::OUTCOMES), "evidence": evidence })
        });
    } else if roll < 65 {
        script.push("abandonAction", officer, false, |_| {
            json!({ "actionId": action, "abandonedOn": day(finished),
                "reason": "Funding withdrawn; the input is back for a decision" })
        });
    }
    // Otherwise still under way: planned, or stalled once past its due date.
}

fn board(script: &mut Script, code: &str, n: usize, secretary: &Actor, items: &[Raised]) {
    let kind = if n == 0 { "ICB_BOARD" } else { "TRUST_BOARD" };
    let board = script.push("establishBoard", secretary, true, |_| {
        json!({ "organisation": code, "name": format!("{code} Board"), "kind": kind,
            "establishedOn": day(first_day()) })
    });
    for (role, target, voting) in [
        ("PATIENT_MEMBER", 2, true),
        ("LAY_MEMBER", 2, true),
        ("CARER_REPRESENTATIVE", 1, false),
    ] {
        script.push("setBoardSeats", secretary, false, |_| {
            json!({ "boardId": board, "role": role, "target": target, "voting": voting,
                "from": day(first_day()) })
        });
    }
    let mut appointments = Vec::new();
    let seats = [
        ("PATIENT_MEMBER", true),
        ("PATIENT_MEMBER", true),
        ("LAY_MEMBER", true),
        ("CARER_REPRESENTATIVE", false),
    ];
    for (role, voting) in seats {
        if script.chance(15) {
            continue; // a seat left vacant
        }
        let name = format!(
            "{} {}",
            script.pick(words::GIVEN_NAMES),
            script.pick(words::FAMILY_NAMES)
        );
        let person = script.push("registerParticipant", secretary, true, |_| {
            json!({ "organisation": code, "registeredOn": day(first_day()),
                "details": { "displayName": name } })
        });
        let start = script.between(first_day(), first_day() + Duration::days(120));
        let end = start + Duration::days(365 * script.rng.gen_range(1..4));
        let appointment = script.push("appointToBoard", secretary, true, |_| {
            json!({ "boardId": board, "participantId": person, "role": role, "voting": voting,
                "termStart": day(start), "termEnd": day(end) })
        });
        appointments.push((appointment, start, end));
    }
    let mut held = first_day() + Duration::days(150);
    while held < last_day() {
        let meeting = script.push(
            "scheduleBoardMeeting",
            secretary,
            true,
            |_| json!({ "boardId": board, "scheduledFor": day(held) }),
        );
        script.push(
            "recordPapersIssued",
            secretary,
            false,
            |_| json!({ "meetingId": meeting, "issuedOn": day(held - Duration::days(7)) }),
        );
        let attended: Vec<Uuid> = appointments
            .iter()
            .filter(|(_, start, end)| *start <= held && held <= *end)
            .map(|(id, ..)| *id)
            .filter(|_| script.chance(80))
            .collect();
        script.push("recordBoardMeetingHeld", secretary, false, |_| {
            json!({ "meetingId": meeting, "heldOn": day(held), "attendedAppointmentIds": attended,
                "quorate": true })
        });
        let earlier: Vec<Uuid> = items.iter().filter(|i| i.on < held).map(|i| i.id).collect();
        for _ in 0..script.rng.gen_range(1..4) {
            let cited: Vec<Uuid> = if !earlier.is_empty() && script.chance(60) {
                vec![*script.pick(&earlier)]
            } else {
                vec![]
            };
            script.push("recordBoardDecision", secretary, true, |script| {
                json!({ "meetingId": meeting, "title": script.pick(words::BOARD_DECISIONS),
                    "citedInputItemIds": cited, "patientMembersPresent": !attended.is_empty(),
                    "patientMembersVoted": !attended.is_empty() && script.chance(70) })
            });
        }
        held += Duration::days(script.rng.gen_range(60..110));
    }
}

#[cfg(test)]
mod tests;
