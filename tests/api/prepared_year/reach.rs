//! Population groups under-represented against each organisation's baseline, named.

use serde_json::{json, Value};

use super::measures::*;
use super::*;
use crate::helpers::{spawn_app, Backend};
use crate::on_both;

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

on_both!(under_represented_groups_are_named,);
