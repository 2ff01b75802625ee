//! Given/when/then tests of the `Organisation` aggregate.

use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;

use super::*;
use crate::domain::common::{FieldError, OrganisationKind};
use crate::domain::services::OrganisationFacts;
use crate::domain::testing::{ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

/// QMJ is a registered ICB, R1K a registered trust.
fn framework() -> TestFramework<Organisation> {
    TestFramework::with(
        FakeLookups::new()
            .with_icb("QMJ")
            .with_organisation("R1K")
            .build(),
    )
}

fn registered() -> Vec<OrganisationEvent> {
    vec![OrganisationEvent::OrganisationRegistered {
        ods_code: ods("QMJ"),
        name: "North Central London ICB".to_owned(),
        kind: OrganisationKind::IntegratedCareBoard,
        ics: None,
        response_window_days: DEFAULT_RESPONSE_WINDOW_DAYS,
    }]
}

fn register(ods_code: &str, name: &str, ics: Option<&str>) -> OrganisationCommand {
    OrganisationCommand::Register {
        ods_code: ods_code.to_owned(),
        name: name.to_owned(),
        kind: OrganisationKind::GpPractice,
        ics: ics.map(str::to_owned),
    }
}

fn invalid(field: &'static str, problem: &str) -> OrganisationError {
    OrganisationError::Invalid(FieldError::new(field, problem))
}

#[test]
fn registers_with_normalised_code_name_and_default_window() {
    framework()
        .given_no_previous_events()
        .when(register(" f83004 ", "  Somewhere Surgery ", Some("qmj")))
        .then_expect_events(vec![OrganisationEvent::OrganisationRegistered {
            ods_code: ods("F83004"),
            name: "Somewhere Surgery".to_owned(),
            kind: OrganisationKind::GpPractice,
            ics: Some(ods("QMJ")),
            response_window_days: 60,
        }]);
}

#[test]
fn refuses_an_ics_that_is_not_a_registered_integrated_care_board() {
    framework()
        .given_no_previous_events()
        .when(register("F83004", "Somewhere Surgery", Some("QXX")))
        .then_expect_error(OrganisationError::IcsNotFound);
    framework()
        .given_no_previous_events()
        .when(register("F83004", "Somewhere Surgery", Some("R1K")))
        .then_expect_error(invalid(
            "ics",
            "R1K is registered, but not as an integrated care board",
        ));
    framework()
        .given_no_previous_events()
        .when(OrganisationCommand::Register {
            ods_code: "QWE".to_owned(),
            name: "East ICB".to_owned(),
            kind: OrganisationKind::IntegratedCareBoard,
            ics: Some("QMJ".to_owned()),
        })
        .then_expect_error(invalid(
            "ics",
            "must be empty for an integrated care board, which is its own ICS",
        ));
    assert_eq!(OrganisationError::IcsNotFound.kind(), RefusalKind::NotFound);
}

#[test]
fn blank_ics_means_none() {
    framework()
        .given_no_previous_events()
        .when(register("F83004", "Somewhere Surgery", Some("  ")))
        .then_expect_events(vec![OrganisationEvent::OrganisationRegistered {
            ods_code: ods("F83004"),
            name: "Somewhere Surgery".to_owned(),
            kind: OrganisationKind::GpPractice,
            ics: None,
            response_window_days: 60,
        }]);
}

#[test]
fn refuses_a_malformed_ods_code() {
    framework()
        .given_no_previous_events()
        .when(register("F8-3004", "Somewhere Surgery", None))
        .then_expect_error(invalid(
            "odsCode",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
}

#[test]
fn refuses_a_malformed_ics_code() {
    framework()
        .given_no_previous_events()
        .when(register("F83004", "Somewhere Surgery", Some("Q")))
        .then_expect_error(invalid(
            "ics",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
}

#[test]
fn refuses_a_missing_name() {
    framework()
        .given_no_previous_events()
        .when(register("F83004", "   ", None))
        .then_expect_error(invalid("name", "is required"));
}

#[test]
fn refuses_an_overlong_name() {
    framework()
        .given_no_previous_events()
        .when(register("F83004", &"n".repeat(201), None))
        .then_expect_error(invalid("name", "is 201 characters long; the limit is 200"));
}

#[test]
fn refuses_registering_twice() {
    framework()
        .given(registered())
        .when(register("QMJ", "Again", None))
        .then_expect_error(OrganisationError::AlreadyRegistered);
}

#[test]
fn sets_the_response_window() {
    framework()
        .given(registered())
        .when(OrganisationCommand::SetResponseWindow { days: 365 })
        .then_expect_events(vec![OrganisationEvent::ResponseWindowSet { days: 365 }]);
}

#[test]
fn refuses_a_zero_day_window() {
    framework()
        .given(registered())
        .when(OrganisationCommand::SetResponseWindow { days: 0 })
        .then_expect_error(invalid("days", "must be between 1 and 365"));
}

#[test]
fn refuses_a_window_over_a_year() {
    framework()
        .given(registered())
        .when(OrganisationCommand::SetResponseWindow { days: 366 })
        .then_expect_error(invalid("days", "must be between 1 and 365"));
}

#[test]
fn refuses_a_window_before_registration() {
    framework()
        .given_no_previous_events()
        .when(OrganisationCommand::SetResponseWindow { days: 30 })
        .then_expect_error(OrganisationError::NotFound);
}

#[test]
fn turns_its_public_page_on_and_off_once_each() {
    let on = OrganisationCommand::SetPublicPage { published: true };
    let off = OrganisationCommand::SetPublicPage { published: false };
    framework()
        .given(registered())
        .when(off.clone())
        .then_expect_error(OrganisationError::PublicPageAlready { published: false });
    framework()
        .given(registered())
        .when(on.clone())
        .then_expect_events(vec![OrganisationEvent::PublicPageSet { published: true }]);
    let mut published = registered();
    published.push(OrganisationEvent::PublicPageSet { published: true });
    framework()
        .given(published.clone())
        .when(on)
        .then_expect_error(OrganisationError::PublicPageAlready { published: true });
    framework()
        .given(published)
        .when(off)
        .then_expect_events(vec![OrganisationEvent::PublicPageSet { published: false }]);
}

#[test]
fn facts_follow_the_events() {
    let mut organisation = Organisation::default();
    assert_eq!(organisation.facts(), None);
    for event in registered() {
        organisation.apply(event);
    }
    organisation.apply(OrganisationEvent::ResponseWindowSet { days: 28 });
    assert_eq!(
        organisation.facts(),
        Some(OrganisationFacts {
            ods_code: ods("QMJ"),
            kind: OrganisationKind::IntegratedCareBoard,
            response_window_days: 28,
        })
    );
    assert_eq!(organisation.name(), Some("North Central London ICB"));
    assert_eq!(
        organisation.kind(),
        Some(OrganisationKind::IntegratedCareBoard)
    );
    assert_eq!(organisation.ics(), None);
}

#[test]
fn refusals_map_to_kinds() {
    assert_eq!(invalid("days", "x").kind(), RefusalKind::Validation);
    assert_eq!(
        OrganisationError::AlreadyRegistered.kind(),
        RefusalKind::Conflict
    );
    assert_eq!(OrganisationError::NotFound.kind(), RefusalKind::NotFound);
    assert_eq!(
        invalid("days", "must be between 1 and 365").to_string(),
        "days: must be between 1 and 365"
    );
}

#[test]
fn keeps_a_theme_list_of_additions_renames_and_merges() {
    let mut kept = registered();
    kept.extend(
        ["Access", "Parking", "Transport"]
            .map(|name| OrganisationEvent::ThemeAdded { name: name.into() }),
    );
    framework()
        .given(registered())
        .when(OrganisationCommand::AddTheme {
            name: " Access ".into(),
        })
        .then_expect_events(vec![OrganisationEvent::ThemeAdded {
            name: "Access".into(),
        }]);
    framework()
        .given(kept.clone())
        .when(OrganisationCommand::RenameTheme {
            from: "access".into(),
            to: "Getting an appointment".into(),
        })
        .then_expect_events(vec![OrganisationEvent::ThemeRenamed {
            from: "Access".into(),
            to: "Getting an appointment".into(),
        }]);
    framework()
        .given(kept.clone())
        .when(OrganisationCommand::MergeThemes {
            from: vec!["parking".into(), "Parking".into()],
            into: "transport".into(),
        })
        .then_expect_events(vec![OrganisationEvent::ThemesMerged {
            from: vec!["Parking".into()],
            into: "Transport".into(),
        }]);
    framework()
        .given(kept)
        .when(OrganisationCommand::MergeThemes {
            from: vec![],
            into: "Transport".into(),
        })
        .then_expect_error(invalid("from", "name 1 to 20 themes to merge"));
}

#[test]
fn refuses_themes_for_an_organisation_not_registered() {
    framework()
        .given(vec![])
        .when(OrganisationCommand::AddTheme {
            name: "Access".into(),
        })
        .then_expect_error(OrganisationError::NotFound);
}
