//! The scorecard query, the measures it answers, and the check of a scorecard against the
//! figures and records worked out by hand.

use partnership_ledger::auth::Role;
use serde_json::{json, Value};

use super::*;
use crate::helpers::TestApp;

pub(super) const SCORECARD: &str = "query($org: String, $ics: String, $period: PeriodInput!, $margin: Float!) {
    scorecard(organisation: $org, ics: $ics, period: $period, marginPoints: $margin) {
    organisations period { from to } previousPeriod { from to }
    measures { principle key unit value numerator denominator previous change records { kind id } }
    populationGroups { organisation reach { dimension category baselineShare participants participantShare underRepresented } } } }";

/// The scorecard for `scope` (`{"org": ..}` or `{"ics": ..}`) over `period`, read by an auditor
/// of both organisations of the ICS.
pub(super) async fn scorecard(app: &TestApp, scope: Value, period: Value, margin: f64) -> Value {
    let auditor = app.token(Role::Auditor, &[ICB, TRUST]);
    let mut vars = json!({ "org": null, "ics": null, "period": period, "margin": margin });
    for (k, v) in scope.as_object().expect("scope") {
        vars[k] = v.clone();
    }
    app.ok(&auditor, SCORECARD, vars).await["scorecard"].clone()
}

/// Every measure, in order, with its principle: 5 + 4 + 3 + 2 + 4 + 3 = 21.
pub(super) const MEASURES: [(&str, &str, &str); 21] = [
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
pub(super) struct Expected {
    key: &'static str,
    numerator: f64,
    denominator: f64,
    value: Option<f64>,
    records: Vec<(&'static str, String)>,
    previous: Option<f64>,
    change: Option<f64>,
}

/// A measure with no value in the previous period (so no change).
pub(super) fn m(
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
    pub(super) fn was(self, previous: Option<f64>, change: Option<f64>) -> Self {
        Self {
            previous,
            change,
            ..self
        }
    }
}

/// Records of one kind.
pub(super) fn of(kind: &'static str, ids: &[&String]) -> Vec<(&'static str, String)> {
    ids.iter().map(|id| (kind, (*id).clone())).collect()
}

/// Compares every measure of `card` with `expected`: the same keys in the same order, and for
/// each its numerator, denominator, value, previous value, change and exactly its records.
pub(super) fn check(card: &Value, expected: &[Expected]) {
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
