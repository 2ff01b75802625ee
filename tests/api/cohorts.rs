//! The scorecard read from the maintained cohorts against the scorecard counted from every
//! record, over the random history `tallies` records: every measure's numerator, denominator
//! and value, and the records behind it, for one organisation, an integrated care system and
//! an organisation outside it, over years, quarters and arbitrary spans.

use chrono::NaiveDate;
use partnership_ledger::auth::Role;
use partnership_ledger::projections::scorecard::{self, Inputs, Period};
use partnership_ledger::reports::Documents;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::json;

use crate::helpers::TestApp;

/// Periods to compare over: financial years, quarters, and spans starting and ending on any day.
fn periods(rng: &mut StdRng) -> Vec<Period> {
    let mut periods: Vec<Period> = [2024, 2025, 2026]
        .into_iter()
        .filter_map(Period::financial_year)
        .collect();
    periods.extend((1..=4).filter_map(|q| Period::quarter(2025, q)));
    let first = NaiveDate::from_ymd_opt(2024, 11, 1).expect("a day");
    for _ in 0..12 {
        let from = first + chrono::Days::new(rng.gen_range(0..800));
        let to = from + chrono::Days::new(rng.gen_range(0..500));
        periods.push(Period { from, to });
    }
    periods
}

pub async fn the_scorecard_agrees_with_counting_every_record(app: &TestApp, rng: &mut StdRng) {
    crate::helpers::tallies_caught_up(app).await;
    let db = app.db();
    let mut partners_counted = (0, 0);
    // What the activity measures counted, to show the history exercised them.
    let mut activities_counted: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
    for codes in [vec!["QMJ"], vec!["QOP", "QMJ", "RRV"], vec!["RAL"]] {
        let codes: Vec<String> = codes.into_iter().map(str::to_owned).collect();
        let every = Documents::load(db, &codes).await.expect("documents");
        for period in periods(rng) {
            let (light, cohorts) = Documents::load_with_cohorts(db, &codes, &[period])
                .await
                .expect("read")
                .expect("the tallies are complete");
            let kept_inputs = Inputs {
                cohorts: &cohorts,
                ..light.inputs(&codes, 5.0)
            };
            let kept = scorecard::scorecard(&kept_inputs, &period);
            let counted = scorecard::scorecard(&every.inputs(&codes, 5.0), &period);
            assert_eq!(
                scorecard::population_groups(&kept_inputs, &period),
                scorecard::population_groups(&every.inputs(&codes, 5.0), &period),
                "population groups of {codes:?} over {period:?}"
            );
            assert_eq!(kept.len(), counted.len());
            for (kept, counted) in kept.iter().zip(&counted) {
                let what = format!("{} of {codes:?} over {period:?}", counted.key);
                assert_eq!(kept.key, counted.key);
                assert_eq!(
                    (kept.numerator, kept.denominator, kept.value),
                    (counted.numerator, counted.denominator, counted.value),
                    "{what}"
                );
                let records = match kept.listed {
                    Some(listed) => every.inputs(&codes, 5.0).records(&period, listed).0,
                    None => kept.records.clone(),
                };
                assert_eq!(records, counted.records, "records of {what}");
                if counted.key == "partner_actions_completed" {
                    partners_counted.0 += counted.denominator as u64;
                    partners_counted.1 += counted.numerator as u64;
                }
                if [
                    "information_before_activity",
                    "days_information_before",
                    "accessible_formats",
                    "demographics_recorded",
                    "population_groups_reached",
                    "joint_activities",
                ]
                .contains(&counted.key)
                {
                    let sum = activities_counted.entry(counted.key).or_default();
                    sum.0 += counted.numerator;
                    sum.1 += counted.denominator;
                }
            }
        }
    }
    assert!(
        partners_counted.0 > 0 && partners_counted.1 > 0,
        "the history took no (completed) action on a partner's input: {partners_counted:?}"
    );
    assert!(
        activities_counted.len() == 6
            && activities_counted.iter().all(|(key, (part, whole))| {
                *part > 0.0 && (part < whole || *key == "days_information_before")
            }),
        "the history left an activity measure untried: {activities_counted:?}"
    );

    // Through the API, which reads the figures from the cohorts and the records when asked.
    let auditor = app.token(Role::Auditor, &["QMJ"]);
    let data = app
        .ok(
            &auditor,
            "{ scorecard(organisation: \"QMJ\", period: { financialYear: 2025 }) {
                 measures { key numerator denominator records { kind id } } } }",
            json!({}),
        )
        .await;
    let codes = vec!["QMJ".to_owned()];
    let every = Documents::load(db, &codes).await.expect("documents");
    let period = Period::financial_year(2025).expect("a year");
    let counted = scorecard::scorecard(&every.inputs(&codes, 5.0), &period);
    let answered = data["scorecard"]["measures"].as_array().expect("measures");
    for (answer, counted) in answered.iter().zip(&counted) {
        assert_eq!(answer["key"], json!(counted.key));
        assert_eq!(
            answer["numerator"],
            json!(counted.numerator),
            "{}",
            counted.key
        );
        assert_eq!(
            answer["denominator"],
            json!(counted.denominator),
            "{}",
            counted.key
        );
        let ids: Vec<String> = counted.records.iter().map(|r| r.id.to_string()).collect();
        let answered_ids: Vec<String> = answer["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| r["id"].as_str().expect("an id").to_owned())
            .collect();
        assert_eq!(answered_ids, ids, "records of {}", counted.key);
    }
}
