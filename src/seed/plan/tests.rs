//! The script: the same for the same seed, and every date within the record's year.

use super::*;

#[test]
fn the_same_seed_writes_the_same_script() {
    assert_eq!(system(7, 3), system(7, 3));
    assert_ne!(system(7, 3), system(8, 3), "another seed, another record");
    assert_ne!(system(7, 3), system(7, 4), "each system differs");
}

#[test]
fn every_created_id_is_unique_and_nothing_happens_after_the_last_day() {
    let steps = system(1, 0);
    let mut ids: Vec<Uuid> = steps.iter().filter_map(|s| s.id).collect();
    let created = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), created);
    // Everything that happened is on or before the last day (terms and due dates may run on).
    let last = day(last_day());
    for step in &steps {
        for field in [
            "heldOn",
            "decidedOn",
            "givenOn",
            "completedOn",
            "recordedOn",
            "agreedOn",
        ] {
            if let Some(on) = step.input[field].as_str() {
                assert!(on <= last.as_str(), "{}: {field} {on}", step.field);
            }
        }
    }
    assert!(
        steps.len() > 300,
        "a system is a real year's work: {}",
        steps.len()
    );
}

#[test]
fn a_part_of_the_large_organisation_raises_the_items_asked_for() {
    let part = large_part(3, 2, 137);
    assert_eq!(part, large_part(3, 2, 137));
    let raised = part
        .iter()
        .filter(|s| s.field == "recordInputItem" && s.input["activityId"].is_string())
        .count();
    assert_eq!(raised, 137);
    assert!(part
        .iter()
        .filter(|s| s.field == "recordInputItem" || s.field == "planActivity")
        .all(|s| s.actor == Actor::Officer(LARGE.to_owned())));
    assert_ne!(large_part(3, 3, 137), part, "each part its own");
}
