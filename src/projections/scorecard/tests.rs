//! One small ledger for organisation AAA (with partner BBB's records mixed in, which must not be
//! counted), every measure worked out by hand for the second quarter of 2025.

use super::fixture::{check, day, q2, span};
use super::ledger::*;
use super::*;

use RecordKind::{Action as Act, Activity as Acy, Appointment as App, BoardDecision as Dec};
use RecordKind::{InputItem as Item, Seat};

#[test]
fn previous_period_has_the_same_length_and_ends_the_day_before() {
    let p = span(day(2025, 4, 1), day(2025, 6, 30));
    let prev = p.previous();
    assert_eq!((prev.from, prev.to), (day(2024, 12, 31), day(2025, 3, 31)));
    assert_eq!(prev.days(), p.days());
    let one = span(day(2025, 3, 1), day(2025, 3, 1));
    assert_eq!(one.previous(), span(day(2025, 2, 28), day(2025, 2, 28)));
}

#[test]
fn quarters_are_calendar_quarters() {
    let q = |y, n| Period::quarter(y, n).map(|p| (p.from, p.to));
    assert_eq!(q(2025, 1), Some((day(2025, 1, 1), day(2025, 3, 31))));
    assert_eq!(q(2024, 1), Some((day(2024, 1, 1), day(2024, 3, 31))));
    assert_eq!(q(2025, 2), Some((day(2025, 4, 1), day(2025, 6, 30))));
    assert_eq!(q(2025, 3), Some((day(2025, 7, 1), day(2025, 9, 30))));
    assert_eq!(q(2025, 4), Some((day(2025, 10, 1), day(2025, 12, 31))));
    assert_eq!(q(2025, 0), None);
    assert_eq!(q(2025, 5), None);
}

#[test]
fn financial_years_run_april_to_march() {
    let fy = Period::financial_year(2025).expect("a year");
    assert_eq!((fy.from, fy.to), (day(2025, 4, 1), day(2026, 3, 31)));
    assert_eq!(Period::financial_year(2023).map(|p| p.days()), Some(366));
    assert_eq!(
        Period::financial_year(300_000),
        None,
        "beyond chrono's dates"
    );
    assert_eq!(Period::financial_year(i32::MAX), None);
    assert!(fy.contains(day(2026, 3, 31)) && !fy.contains(day(2026, 4, 1)));
}

#[test]
fn the_scorecard_has_every_measure_in_principle_order() {
    let ledger = Ledger::build();
    let keys: Vec<_> = scorecard(&ledger.inputs(), &q2())
        .iter()
        .map(|m| (m.principle, m.key))
        .collect();
    use Principle::*;
    assert_eq!(
        keys,
        vec![
            (Equals, "patient_seats_filled"),
            (Equals, "voting_share"),
            (Equals, "days_vacant"),
            (Equals, "patient_attendance"),
            (Equals, "terms_expiring_90_days"),
            (Informed, "information_before_activity"),
            (Informed, "days_information_before"),
            (Informed, "accessible_formats"),
            (Informed, "feedback_given"),
            (SharedDecisions, "decisions_citing_input"),
            (SharedDecisions, "actions_tracing_to_input"),
            (SharedDecisions, "days_input_to_board_decision"),
            (Inequalities, "demographics_recorded"),
            (Inequalities, "population_groups_reached"),
            (SeekingInput, "answered_within_window"),
            (SeekingInput, "acted_on"),
            (SeekingInput, "loop_closed"),
            (SeekingInput, "genuinely_acted_on"),
            (JoiningServices, "joint_activities"),
            (JoiningServices, "referred_input_answered"),
            (JoiningServices, "partner_actions_completed"),
        ]
    );
}

#[test]
fn equals_counts_patient_seats_on_boards_standing_at_the_period_end() {
    let m = scorecard(&Ledger::build().inputs(), &q2());
    // B1: 2 patient members (A1 holds one, A2's term ended 31 March) + 1 lay member (A3);
    // B3 was dissolved in May; B2 is BBB's; A4 is a Healthwatch seat.
    check(
        &m,
        "patient_seats_filled",
        (2.0, 3.0),
        Some(66.7),
        &[(Seat, A1), (Seat, A3)],
    );
    check(
        &m,
        "voting_share",
        (1.0, 2.0),
        Some(50.0),
        &[(Seat, A1), (Seat, A3)],
    );
    // A2's seat vacant from 1 April to 30 June.
    check(&m, "days_vacant", (91.0, 1.0), Some(91.0), &[]);
    // M1 (A1, A3 present) and M2 (A3 present); A2 held no seat at either.
    check(
        &m,
        "patient_attendance",
        (3.0, 4.0),
        Some(75.0),
        &[(App, A1), (App, A3)],
    );
    // A1 ends 31 August, within 90 days of 30 June; A3 ends in 2027.
    check(
        &m,
        "terms_expiring_90_days",
        (1.0, 2.0),
        Some(1.0),
        &[(App, A1), (App, A3)],
    );
}

#[test]
fn informed_counts_information_before_activities_and_feedback_on_items() {
    let m = scorecard(&Ledger::build().inputs(), &q2());
    let held = [(Acy, ACT1), (Acy, ACT2), (Acy, ACT3)];
    // ACT1: earliest of two publications 19 days before; ACT2 published on the day; ACT3 7 days.
    check(
        &m,
        "information_before_activity",
        (2.0, 3.0),
        Some(66.7),
        &held,
    );
    check(
        &m,
        "days_information_before",
        (26.0, 2.0),
        Some(13.0),
        &[(Acy, ACT1), (Acy, ACT3)],
    );
    // Only ACT1 offered a format by the day; ACT3's large print came after it was held.
    check(&m, "accessible_formats", (1.0, 3.0), Some(33.3), &held);
    let items = [(Item, I1), (Item, I2), (Item, I3), (Item, I4)];
    check(&m, "feedback_given", (2.0, 4.0), Some(50.0), &items);
}

#[test]
fn shared_decisions_count_citations_and_traced_actions() {
    let m = scorecard(&Ledger::build().inputs(), &q2());
    check(
        &m,
        "decisions_citing_input",
        (2.0, 3.0),
        Some(66.7),
        &[(Dec, D1), (Dec, D2), (Dec, D3)],
    );
    check(
        &m,
        "actions_tracing_to_input",
        (3.0, 4.0),
        Some(75.0),
        &[(Act, X1), (Act, X2), (Act, X3), (Act, X4)],
    );
    // D1 cites I1 after 9 days; D3 cites I1 after 44 and I2 after 40.
    check(
        &m,
        "days_input_to_board_decision",
        (93.0, 3.0),
        Some(40.0),
        &[(Dec, D1), (Item, I1), (Dec, D3), (Item, I2)],
    );
}

#[test]
fn seeking_input_rolls_up_verdicts_of_items_raised_in_the_period() {
    let m = scorecard(&Ledger::build().inputs(), &q2());
    let items = [(Item, I1), (Item, I2), (Item, I3), (Item, I4)];
    // I2's decision came after the period: unanswered (overdue) as of 30 June. I4 was referred
    // to CCC, which has not answered yet: a referral alone is no answer.
    check(&m, "answered_within_window", (2.0, 4.0), Some(50.0), &items);
    check(&m, "acted_on", (1.0, 4.0), Some(25.0), &items);
    check(&m, "loop_closed", (2.0, 4.0), Some(50.0), &items);
    check(&m, "genuinely_acted_on", (1.0, 4.0), Some(25.0), &items);
}

#[test]
fn inequalities_set_participants_against_each_organisations_own_baseline() {
    let mut ledger = Ledger::build();
    ledger.set_ages(ACT1, &[("18-44", 2), ("65+", 6)]);
    ledger.set_ages(ACT2, &[("45-64", 2)]);
    // BBB's activity is not AAA's reach, however many young people came.
    ledger.set_ages(ACT6, &[("18-44", 90)]);
    let ages = "dimension,category,count\nage_band,18-44,50\nage_band,45-64,30\nage_band,65+,20\n";
    let baseline = crate::domain::baseline::csv::parse(ages).expect("valid baseline");
    ledger.set_baselines(vec![
        ("AAA".to_owned(), baseline.clone()),
        ("BBB".to_owned(), baseline),
    ]);
    let m = scorecard(&ledger.inputs(), &q2());
    // AAA held ACT1, ACT2 and ACT3 in the quarter; the make-up was recorded at two.
    let held = [(Acy, ACT1), (Acy, ACT2), (Acy, ACT3)];
    check(&m, "demographics_recorded", (2.0, 3.0), Some(66.7), &held);
    // Ten participants: 18-44 are 20% against 50% and 45-64 20% against 30%, both more than
    // five points short; 65+ are 60% against 20%. One group of three reached.
    let counted = [(Acy, ACT1), (Acy, ACT2)];
    check(
        &m,
        "population_groups_reached",
        (1.0, 3.0),
        Some(33.3),
        &counted,
    );
    let under: Vec<_> = population_groups(&ledger.inputs(), &q2())
        .into_iter()
        .filter(|(_, g)| g.under_represented)
        .map(|(org, g)| (org, g.category))
        .collect();
    assert_eq!(
        under,
        vec![
            ("AAA".to_owned(), "18-44".to_owned()),
            ("AAA".to_owned(), "45-64".to_owned())
        ]
    );
    // A wider margin forgives the 45-64 shortfall.
    let wide = Inputs {
        margin_points: 15.0,
        ..ledger.inputs()
    };
    check(
        &scorecard(&wide, &q2()),
        "population_groups_reached",
        (2.0, 3.0),
        Some(66.7),
        &counted,
    );
}

#[test]
fn without_a_baseline_inequalities_have_nothing_to_count() {
    let m = scorecard(&Ledger::build().inputs(), &q2());
    check(&m, "population_groups_reached", (0.0, 0.0), None, &[]);
    let held = [(Acy, ACT1), (Acy, ACT2), (Acy, ACT3)];
    check(&m, "demographics_recorded", (0.0, 3.0), Some(0.0), &held);
}

#[test]
fn joining_services_counts_joint_work_referrals_and_partner_actions() {
    let m = scorecard(&Ledger::build().inputs(), &q2());
    let held = [(Acy, ACT1), (Acy, ACT2), (Acy, ACT3)];
    check(&m, "joint_activities", (1.0, 3.0), Some(33.3), &held);
    // I3 referred to BBB, which then decided; I4 referred to CCC, which has not.
    check(
        &m,
        "referred_input_answered",
        (1.0, 2.0),
        Some(50.0),
        &[(Item, I3), (Item, I4)],
    );
    // X3 and X4 answer BBB's items; X3 is complete.
    check(
        &m,
        "partner_actions_completed",
        (1.0, 2.0),
        Some(50.0),
        &[(Act, X3), (Act, X4)],
    );
}

#[test]
fn a_referral_answered_after_the_period_does_not_count() {
    let ledger = Ledger::build();
    let may = span(day(2025, 5, 1), day(2025, 5, 15));
    let m = scorecard(&ledger.inputs(), &may);
    check(
        &m,
        "referred_input_answered",
        (0.0, 1.0),
        Some(0.0),
        &[(Item, I3)],
    );
}

#[test]
fn nothing_to_count_gives_no_value() {
    let ledger = Ledger::build();
    let empty = span(day(2010, 1, 1), day(2010, 3, 31));
    for m in scorecard(&ledger.inputs(), &empty) {
        assert_eq!(m.value, None, "{}", m.key);
        assert!(m.records.is_empty(), "{}", m.key);
    }
}

#[test]
fn other_organisations_scorecard_counts_only_theirs() {
    let ledger = Ledger::build();
    let orgs = vec!["BBB".to_owned()];
    let inputs = Inputs {
        organisations: &orgs,
        ..ledger.inputs()
    };
    let m = scorecard(&inputs, &q2());
    check(
        &m,
        "patient_seats_filled",
        (1.0, 1.0),
        Some(100.0),
        &[(Seat, A5)],
    );
    check(
        &m,
        "joint_activities",
        (1.0, 1.0),
        Some(100.0),
        &[(Acy, ACT6)],
    );
}

#[test]
fn compare_sets_each_measure_against_the_previous_period() {
    let ledger = Ledger::build();
    let changes = compare(&ledger.inputs(), &q2());
    assert_eq!(changes.len(), 21);
    let change = |key: &str| {
        let c = changes.iter().find(|c| c.measure.key == key).unwrap();
        (c.measure.value, c.previous, c.change)
    };
    // 31 March: A1, A2, A3 on B1 and B3's empty seat: 3 of 4.
    assert_eq!(
        change("patient_seats_filled"),
        (Some(66.7), Some(75.0), Some(-8.3))
    );
    // I0 was acted on and its loop closed in the first quarter.
    assert_eq!(
        change("feedback_given"),
        (Some(50.0), Some(100.0), Some(-50.0))
    );
    assert_eq!(
        change("genuinely_acted_on"),
        (Some(25.0), Some(100.0), Some(-75.0))
    );
    // ACT5: information 28 days before.
    assert_eq!(
        change("days_information_before"),
        (Some(13.0), Some(28.0), Some(-15.0))
    );
    // M3 (10 February) decision D4 cites I0 raised 1 February.
    assert_eq!(
        change("days_input_to_board_decision"),
        (Some(40.0), Some(9.0), Some(31.0))
    );
    // Nothing was referred in the first quarter.
    assert_eq!(change("referred_input_answered"), (Some(50.0), None, None));
}
