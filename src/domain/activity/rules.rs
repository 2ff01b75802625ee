//! Activity rules that need more than a line: partner lists and demographic snapshots.

use std::collections::HashSet;

use crate::domain::common::{limits, Attendance, DemographicSnapshot, FieldError, OdsCode};
use crate::domain::rules::short_list;
use crate::domain::services::Services;

use super::ActivityError;

/// The most categories one demographic dimension may have.
pub const MAX_DEMOGRAPHIC_CATEGORIES: usize = 30;

/// Parses partner codes, refusing the lead (when it is known) and dropping repeats; keeps each
/// code's position as sent.
pub(super) fn partner_codes(
    lead: Option<&OdsCode>,
    raw: &[String],
) -> Result<Vec<(usize, OdsCode)>, FieldError> {
    const FIELD: &str = "partnerOrganisations";
    short_list(FIELD, raw.len())?;
    let mut seen = HashSet::with_capacity(raw.len());
    let mut kept: Vec<(usize, OdsCode)> = Vec::with_capacity(raw.len());
    for (index, text) in raw.iter().enumerate() {
        let code = OdsCode::parse(FIELD, text)?;
        if Some(&code) == lead {
            return Err(FieldError::new(
                FIELD,
                "must not include the lead organisation",
            ));
        }
        if seen.insert(code.clone()) {
            kept.push((index, code));
        }
    }
    Ok(kept)
}

/// Refuses the command unless the lead and every partner are registered.
pub(super) async fn organisations_exist(
    services: &Services,
    lead: &OdsCode,
    partners: &[(usize, OdsCode)],
) -> Result<(), ActivityError> {
    if services.organisation(lead).await?.is_none() {
        return Err(ActivityError::LeadOrganisationNotFound);
    }
    for (index, code) in partners {
        if services.organisation(code).await?.is_none() {
            return Err(ActivityError::PartnerOrganisationNotFound { index: *index });
        }
    }
    Ok(())
}

/// Refuses an attendance count beyond [`limits::HEAD_COUNT`].
pub(super) fn check_attendance(attendance: &Attendance) -> Result<(), FieldError> {
    let counts = [
        ("attendance.patients", attendance.patients),
        ("attendance.carers", attendance.carers),
        ("attendance.public", attendance.public),
        ("attendance.staff", attendance.staff),
    ];
    for (field, count) in counts {
        if count > limits::HEAD_COUNT {
            return Err(FieldError::new(
                field,
                format!("must be at most {}", limits::HEAD_COUNT),
            ));
        }
    }
    Ok(())
}

/// Checks each dimension's category count, head counts and label lengths.
pub(super) fn check_demographics(snapshot: &DemographicSnapshot) -> Result<(), FieldError> {
    let dimensions = [
        ("demographics.ageBand", &snapshot.age_band),
        ("demographics.sex", &snapshot.sex),
        ("demographics.ethnicGroup", &snapshot.ethnic_group),
        (
            "demographics.deprivationQuintile",
            &snapshot.deprivation_quintile,
        ),
        ("demographics.disability", &snapshot.disability),
    ];
    for (field, counts) in dimensions {
        if counts.len() > MAX_DEMOGRAPHIC_CATEGORIES {
            return Err(FieldError::new(
                field,
                format!(
                    "has {} categories; the limit is {MAX_DEMOGRAPHIC_CATEGORIES}",
                    counts.len()
                ),
            ));
        }
        if counts.values().any(|n| *n > limits::HEAD_COUNT) {
            return Err(FieldError::new(
                field,
                format!("each count must be at most {}", limits::HEAD_COUNT),
            ));
        }
        let bad_label = counts.keys().any(|label| {
            let chars = label.trim().chars().count();
            chars == 0 || chars > limits::LABEL
        });
        if bad_label {
            return Err(FieldError::new(
                field,
                format!(
                    "each category label must be 1 to {} characters",
                    limits::LABEL
                ),
            ));
        }
    }
    Ok(())
}
