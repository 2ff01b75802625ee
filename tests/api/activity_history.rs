//! Activities for the tallies' random history: held on any day over two years, some jointly
//! with a partner, with information published before or after (in accessible formats or
//! not), participants' make-up recorded or not, and corrections to the day held, the make-up
//! and the information; population baselines for some of the organisations.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::tally_history::{after, send};

/// A random make-up of participants: some groups of some dimensions, or none recorded.
fn demographics(rng: &mut StdRng) -> Value {
    let mut made = serde_json::Map::new();
    if rng.gen_bool(0.2) {
        return Value::Object(made);
    }
    for (field, categories) in [
        ("ageBand", &["18-44", "45-64", "65+"][..]),
        ("sex", &["Female", "Male"][..]),
        ("deprivationQuintile", &["Q1", "Q2-Q5"][..]),
    ] {
        if rng.gen_bool(0.3) {
            continue;
        }
        let mut counts = Vec::new();
        for category in categories {
            if rng.gen_bool(0.2) {
                continue;
            }
            counts.push(json!({ "category": category, "count": rng.gen_range(0..40) }));
        }
        made.insert(field.to_owned(), Value::Array(counts));
    }
    Value::Object(made)
}

fn formats(rng: &mut StdRng) -> Vec<&'static str> {
    ["EASY_READ", "LARGE_PRINT", "AUDIO"]
        .into_iter()
        .filter(|_| rng.gen_bool(0.25))
        .collect()
}

fn day(on: NaiveDate) -> String {
    on.to_string()
}

fn correction(detail: &str) -> Value {
    json!({ "category": "WRONG_DETAIL", "detail": detail })
}

/// Records activities led by each of `officers`' organisations, and baselines for QMJ and RAL.
pub async fn record_activities(app: &TestApp, rng: &mut StdRng, officers: &[(&str, String)]) {
    for (code, token) in officers {
        if ["QMJ", "RAL"].contains(code) {
            let csv = "dimension,category,count\nage_band,18-44,500\nage_band,45-64,300\n\
                age_band,65+,200\nsex,Female,520\nsex,Male,480\n";
            send(
                app,
                token,
                "uploadPopulationBaseline",
                "__typename",
                json!({ "organisation": code, "csv": csv, "uploadedOn": "2024-12-01" }),
            )
            .await
            .expect("a baseline");
        }
    }
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a day");
    let codes: Vec<&str> = officers.iter().map(|(c, _)| *c).collect();
    for _ in 0..24 {
        let (code, token) = &officers[rng.gen_range(0..officers.len())];
        let planned_on = after(rng, start, 640);
        let partners: Vec<&str> = codes
            .iter()
            .copied()
            .filter(|c| c != code && rng.gen_bool(0.2))
            .collect();
        let kind = ["FOCUS_GROUP", "SURVEY", "PATIENT_PANEL"]
            .choose(rng)
            .copied();
        let Some(planned) = send(
            app,
            token,
            "planActivity",
            "activity { id }",
            json!({
                "kind": kind,
                "title": "Listening event", "topic": "Access", "leadOrganisation": code,
                "partnerOrganisations": partners, "principles": ["INFORMED"],
                "plannedOn": day(planned_on)
            }),
        )
        .await
        else {
            continue;
        };
        let activity = planned["activity"]["id"].as_str().expect("id").to_owned();
        // Published before the activity, on its day, after it, or not at all; perhaps twice.
        for _ in 0..rng.gen_range(0..3) {
            let published_on = after(rng, planned_on - chrono::Days::new(40), 60);
            send(
                app,
                token,
                "recordInformationPublished",
                "__typename",
                json!({
                    "activityId": activity, "publishedOn": day(published_on),
                    "accessibleFormats": formats(rng)
                }),
            )
            .await;
        }
        if rng.gen_bool(0.15) {
            continue;
        }
        let held_on = after(rng, planned_on, 10);
        send(
            app,
            token,
            "recordActivityHeld",
            "__typename",
            json!({
                "activityId": activity, "heldOn": day(held_on), "demographics": demographics(rng),
                "attendance": { "patients": rng.gen_range(0..30) }
            }),
        )
        .await;
        // Corrections: the day it was held, who took part, what was published.
        if rng.gen_bool(0.3) {
            let mut amended = json!({
                "activityId": activity, "reason": correction("Typed from the wrong sheet")
            });
            if rng.gen_bool(0.5) {
                amended["heldOn"] = json!(day(after(rng, planned_on - chrono::Days::new(30), 60)));
            }
            if rng.gen_bool(0.5) {
                amended["demographics"] = demographics(rng);
            }
            send(app, token, "amendActivity", "__typename", amended).await;
        }
        if rng.gen_bool(0.3) {
            send(
                app,
                token,
                "amendInformationPublished",
                "__typename",
                json!({
                    "activityId": activity, "index": 0,
                    "publishedOn": day(after(rng, planned_on - chrono::Days::new(30), 40)),
                    "accessibleFormats": formats(rng),
                    "reason": correction("The easy read version went out too")
                }),
            )
            .await;
        }
    }
}
