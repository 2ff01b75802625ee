//! What the page alone can tell of a form's answers, and what it sends.

use super::*;

fn sent(pairs: &[(&str, &str)]) -> Sent {
    Sent(
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

#[test]
fn a_date_is_three_parts_making_a_real_day() {
    let field = Field::new("heldOn", "Date held", Kind::Date);
    let day = |d: &str, m: &str, y: &str| {
        date_of(
            &sent(&[("heldOn-day", d), ("heldOn-month", m), ("heldOn-year", y)]),
            &field,
        )
    };
    assert_eq!(
        day("5", "12", "2026"),
        Ok(NaiveDate::from_ymd_opt(2026, 12, 5))
    );
    assert_eq!(day("", "", ""), Ok(None));
    assert_eq!(
        day("31", "2", "2026"),
        Err("Date held must be a real date".into())
    );
    assert_eq!(
        day("5", "", "2026"),
        Err("Date held must include a month".into())
    );
    assert_eq!(
        day("", "", "2026"),
        Err("Date held must include a day and a month".into())
    );
    assert_eq!(
        day("5", "12", "26"),
        Err("Year must include 4 numbers".into())
    );
    assert_eq!(
        day("x", "12", "2026"),
        Err("Date held must be a real date".into())
    );
}

#[test]
fn problems_name_each_field_and_input_carries_the_answers() {
    let fields = vec![
        Field::new("title", "Title", Kind::Text),
        Field::new("attendance.patients", "Patients", Kind::Count),
        Field::new(
            "kind",
            "Kind",
            Kind::One(vec![Choice::new("SURVEY", "Survey")]),
        ),
        Field::new("note", "Note", Kind::Long).optional(),
    ];
    let bad = sent(&[
        ("title", " "),
        ("attendance.patients", "-1"),
        ("kind", "PARTY"),
    ]);
    let found: Vec<String> = problems(&fields, &bad)
        .into_iter()
        .map(|p| p.message)
        .collect();
    assert_eq!(
        found,
        [
            "Enter the title",
            "Patients must be a whole number, 0 or more",
            "Select the kind from the list"
        ]
    );
    let good = sent(&[
        ("title", " Letters "),
        ("attendance.patients", "12"),
        ("kind", "SURVEY"),
        ("note", ""),
    ]);
    assert!(problems(&fields, &good).is_empty());
    assert_eq!(
        Value::Object(input_of(&fields, &good)),
        json!({ "title": "Letters", "attendance": { "patients": 12 }, "kind": "SURVEY" })
    );
}

#[test]
fn a_refusal_lands_by_the_field_it_names() {
    let fields = vec![Field::new("title", "Title", Kind::Text)];
    let found = refused(
        &fields,
        "title: must be at most 200 characters; plannedOn: is too far ahead",
    );
    assert_eq!(found[0].field, "title");
    assert_eq!(found[0].message, "Title must be at most 200 characters");
    assert_eq!(found[1].field, "");
    assert_eq!(found[1].message, "Is too far ahead");
}

#[test]
fn head_counts_by_group_are_sent_as_a_list_and_a_tick_as_true() {
    let fields = vec![
        Field::new(
            "demographics.ageBand",
            "Age band",
            Kind::Counts(vec![
                Choice::new("18-44", "18 to 44"),
                Choice::new("65+", "65 and over"),
            ]),
        )
        .optional(),
        Field::new("beforePlannedDate", "Held early", Kind::Yes("Yes".into())).optional(),
    ];
    let bad = sent(&[("demographics.ageBand-2", "lots")]);
    assert_eq!(
        problems(&fields, &bad)[0].message,
        "65 and over (age band) must be a whole number, 0 or more"
    );
    let good = sent(&[
        ("demographics.ageBand-1", ""),
        ("demographics.ageBand-2", "4"),
        ("beforePlannedDate", "true"),
    ]);
    assert!(problems(&fields, &good).is_empty());
    assert_eq!(
        Value::Object(input_of(&fields, &good)),
        json!({
            "demographics": { "ageBand": [{ "category": "65+", "count": 4 }] },
            "beforePlannedDate": true
        })
    );
    assert_eq!(
        Value::Object(input_of(&fields, &sent(&[]))),
        json!({}),
        "nothing given, nothing sent: the API's defaults hold"
    );
}
