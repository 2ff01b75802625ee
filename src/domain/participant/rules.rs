//! Participant rules: the shape of personal details and which records a person may be linked to.
//!
//! Every problem names the field and never repeats what was typed: the text is personal data.

use uuid::Uuid;

use super::{ParticipantError, PersonalDetails, SelfDescription};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError, OdsCode};
use crate::domain::services::Services;

/// The longest email address, in characters (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;

/// The longest phone number, in characters.
const PHONE_MAX: usize = 32;

/// The fewest digits a phone number may have.
const PHONE_MIN_DIGITS: usize = 7;

/// Checks and tidies details for registration or update: text trimmed, blank optional text
/// dropped.
pub(super) fn check_details(details: PersonalDetails) -> Result<PersonalDetails, FieldError> {
    let PersonalDetails {
        display_name,
        email,
        phone,
        postal_address,
        self_description,
    } = details;
    check_fields! {
        display_name = bounded_text("displayName", &display_name, limits::TITLE, true);
        email = optional("email", email, EMAIL_MAX).and_then(|e| e.map(check_email).transpose());
        phone = optional("phone", phone, PHONE_MAX).and_then(|p| p.map(check_phone).transpose());
        postal_address = optional("postalAddress", postal_address, limits::TEXT);
        self_description = check_self_description(self_description);
    }
    Ok(PersonalDetails {
        display_name,
        email,
        phone,
        postal_address,
        self_description,
    })
}

fn check_self_description(raw: SelfDescription) -> Result<SelfDescription, FieldError> {
    let label = |field, text| optional(field, text, limits::LABEL);
    check_fields! {
        age_band = label("selfDescription.ageBand", raw.age_band);
        sex = label("selfDescription.sex", raw.sex);
        ethnic_group = label("selfDescription.ethnicGroup", raw.ethnic_group);
        disability = label("selfDescription.disability", raw.disability);
    }
    Ok(SelfDescription {
        age_band,
        sex,
        ethnic_group,
        disability,
    })
}

/// Trims optional text and checks its length; absent or blank text means none.
fn optional(
    field: &'static str,
    raw: Option<String>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let text = bounded_text(field, &raw, max_chars, false)?;
    Ok((!text.is_empty()).then_some(text))
}

/// Refuses trimmed text that does not look like an email address: exactly one `@`, something
/// before it, a `.` in the domain and no whitespace.
fn check_email(email: String) -> Result<String, FieldError> {
    let looks_right = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !looks_right {
        return Err(FieldError::new("email", "must be an email address"));
    }
    Ok(email)
}

/// Refuses trimmed text that is not a phone number: digits, spaces, `+`, `-`, `(` and `)` only,
/// with at least [`PHONE_MIN_DIGITS`] digits.
fn check_phone(phone: String) -> Result<String, FieldError> {
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')');
    if !phone.chars().all(allowed) {
        return Err(FieldError::new(
            "phone",
            "may contain only digits, spaces, +, -, ( and )",
        ));
    }
    if phone.chars().filter(char::is_ascii_digit).count() < PHONE_MIN_DIGITS {
        return Err(FieldError::new(
            "phone",
            format!("must have at least {PHONE_MIN_DIGITS} digits"),
        ));
    }
    Ok(phone)
}

/// Refuses unless the activity exists and `organisation` leads it or is a partner in it.
pub(super) async fn activity_is_ours(
    services: &Services,
    organisation: &OdsCode,
    activity_id: Uuid,
) -> Result<(), ParticipantError> {
    let activity = services
        .activity(activity_id)
        .await?
        .ok_or(ParticipantError::ActivityNotFound)?;
    if &activity.lead_organisation != organisation
        && !activity.partner_organisations.contains(organisation)
    {
        return Err(ParticipantError::ActivityNotOurs);
    }
    Ok(())
}

/// Refuses unless the input item exists and is owned by, or currently referred to,
/// `organisation`.
pub(super) async fn input_item_is_ours(
    services: &Services,
    organisation: &OdsCode,
    input_item_id: Uuid,
) -> Result<(), ParticipantError> {
    let item = services
        .input_item(input_item_id)
        .await?
        .ok_or(ParticipantError::InputItemNotFound)?;
    if &item.organisation != organisation && item.referred_to.as_ref() != Some(organisation) {
        return Err(ParticipantError::InputItemNotOurs);
    }
    Ok(())
}
