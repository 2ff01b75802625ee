//! Checking personal details (on registering and updating) and updating them.

use super::*;

fn update(details: PersonalDetails, on: &str) -> ParticipantCommand {
    ParticipantCommand::UpdateDetails {
        details,
        updated_on: day(on),
    }
}

fn with_email(email: &str) -> PersonalDetails {
    PersonalDetails {
        email: Some(email.to_owned()),
        ..name_only("Sam")
    }
}

fn with_phone(phone: &str) -> PersonalDetails {
    PersonalDetails {
        phone: Some(phone.to_owned()),
        ..name_only("Sam")
    }
}

/// Refused with `error` both on registering and on updating.
fn refused_both_ways(details: PersonalDetails, error: &ParticipantError) {
    given(vec![])
        .when(register(details.clone()))
        .then_expect_error(error.clone());
    given(registered())
        .when(update(details, "2026-06-25"))
        .then_expect_error(error.clone());
}

#[test]
fn refuses_a_missing_or_overlong_display_name() {
    refused_both_ways(name_only("  "), &invalid("displayName", "is required"));
    refused_both_ways(
        name_only(&"n".repeat(201)),
        &invalid("displayName", "is 201 characters long; the limit is 200"),
    );
}

#[test]
fn accepts_a_display_name_at_the_limit() {
    let name = "n".repeat(200);
    given(vec![])
        .when(register(name_only(&format!(" {name} "))))
        .then_expect_events(vec![ParticipantEvent::ParticipantRegistered {
            participant_id: PERSON,
            organisation: ods("QMJ"),
            details: Sealed::Plain(name_only(&name)),
            registered_on: day("2026-06-01"),
        }]);
}

#[test]
fn refuses_an_email_that_is_not_an_address() {
    let error = invalid("email", "must be an email address");
    for email in [
        "sam.example.org",
        "sam@@example.org",
        "sam@home@example.org",
        "@example.org",
        "sam@localhost",
        "sam patel@example.org",
        "sam@exa\tmple.org",
    ] {
        refused_both_ways(with_email(email), &error);
    }
}

#[test]
fn refuses_an_overlong_email() {
    let email = format!("{}@example.org", "s".repeat(243));
    refused_both_ways(
        with_email(&email),
        &invalid("email", "is 255 characters long; the limit is 254"),
    );
}

#[test]
fn refuses_a_phone_with_other_characters_too_few_digits_or_too_long() {
    refused_both_ways(
        with_phone("020 7946 0000 ext. 12"),
        &invalid("phone", "may contain only digits, spaces, +, -, ( and )"),
    );
    refused_both_ways(
        with_phone("+44 (0) 12-3"),
        &invalid("phone", "must have at least 7 digits"),
    );
    refused_both_ways(
        with_phone(&"0".repeat(33)),
        &invalid("phone", "is 33 characters long; the limit is 32"),
    );
}

#[test]
fn refuses_an_overlong_postal_address() {
    let details = PersonalDetails {
        postal_address: Some("a".repeat(4_001)),
        ..name_only("Sam")
    };
    refused_both_ways(
        details,
        &invalid(
            "postalAddress",
            "is 4001 characters long; the limit is 4000",
        ),
    );
}

#[test]
fn refuses_an_overlong_self_description_field() {
    let long = || Some("d".repeat(61));
    let problem = "is 61 characters long; the limit is 60";
    let cases = [
        (
            SelfDescription {
                age_band: long(),
                ..SelfDescription::default()
            },
            "selfDescription.ageBand",
        ),
        (
            SelfDescription {
                sex: long(),
                ..SelfDescription::default()
            },
            "selfDescription.sex",
        ),
        (
            SelfDescription {
                ethnic_group: long(),
                ..SelfDescription::default()
            },
            "selfDescription.ethnicGroup",
        ),
        (
            SelfDescription {
                disability: long(),
                ..SelfDescription::default()
            },
            "selfDescription.disability",
        ),
    ];
    for (self_description, field) in cases {
        let details = PersonalDetails {
            self_description,
            ..name_only("Sam")
        };
        refused_both_ways(details, &invalid(field, problem));
    }
}

#[test]
fn refusals_never_repeat_what_was_typed() {
    let secret = "jo.bloggs-secret";
    let email = format!("{secret}@nowhere");
    let refusals = [
        with_email(&email),
        with_email(&format!("{secret}{}@example.org", "x".repeat(250))),
        with_phone(&format!("07700 {secret}")),
        name_only(&secret.repeat(20)),
        PersonalDetails {
            postal_address: Some(secret.repeat(300)),
            ..name_only("Sam")
        },
        PersonalDetails {
            self_description: SelfDescription {
                ethnic_group: Some(secret.repeat(5)),
                ..SelfDescription::default()
            },
            ..name_only("Sam")
        },
    ];
    for details in refusals {
        let error = given(vec![])
            .when(register(details))
            .inspect_result()
            .expect_err("must be refused");
        let message = error.to_string();
        assert!(!message.contains(secret), "leaked: {message}");
        assert!(!format!("{error:?}").contains(secret), "leaked: {error:?}");
    }
    let error = given(vec![])
        .when(register(with_email(&email)))
        .inspect_result()
        .expect_err("must be refused");
    assert_eq!(error.to_string(), "email: must be an email address");
}

#[test]
fn updates_details_with_checked_details_sealed_plain() {
    given(registered())
        .when(update(sent_details(), "2026-06-25"))
        .then_expect_events(vec![ParticipantEvent::DetailsUpdated {
            details: Sealed::Plain(checked_details()),
            updated_on: day("2026-06-25"),
        }]);
}

#[test]
fn updates_details_on_the_day_of_registration_or_today() {
    for on in ["2026-06-01", "2026-06-30"] {
        given(registered())
            .when(update(name_only("Sam"), on))
            .then_expect_events(vec![ParticipantEvent::DetailsUpdated {
                details: Sealed::Plain(name_only("Sam")),
                updated_on: day(on),
            }]);
    }
}

#[test]
fn refuses_an_update_in_the_future() {
    given(registered())
        .when(update(name_only("Sam"), "2026-07-01"))
        .then_expect_error(invalid("updatedOn", "must not be in the future"));
}

#[test]
fn refuses_an_update_before_registration() {
    given(registered())
        .when(update(name_only("Sam"), "2026-05-31"))
        .then_expect_error(invalid(
            "updatedOn",
            "2026-05-31 is before the participant was registered, on 2026-06-01",
        ));
}

#[test]
fn details_events_replace_the_details_as_given() {
    let mut participant = Participant::default();
    for event in registered() {
        participant.apply(event);
    }
    for details in [
        Sealed::Encrypted("bm9uY2U=.Y2lwaGVy".to_owned()),
        Sealed::Plain(name_only("Sam")),
        Sealed::Erased,
    ] {
        participant.apply(ParticipantEvent::DetailsUpdated {
            details: details.clone(),
            updated_on: day("2026-06-25"),
        });
        assert_eq!(participant.details(), Some(&details));
    }
    // Details read back from the store as erased do not by themselves mark the record erased.
    assert!(!participant.is_erased());
}
