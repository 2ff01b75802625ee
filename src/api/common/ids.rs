//! Record ids as clients give them, and the refusal for a record that is missing or hidden.

use async_graphql::ID;
use uuid::Uuid;

use super::error::ApiError;
use crate::auth::Principal;

/// Parses a GraphQL ID as a record id, naming the argument when it is not one.
pub fn parse_id(field: &str, id: &ID) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| ApiError::Validation(format!("{field}: is not a valid id")))
}

/// The refusal for a record that does not exist or that the caller may not see (the same).
pub(crate) fn not_found(what: &str) -> ApiError {
    ApiError::NotFound(format!("{what} not found"))
}

/// Refuses, as not found, an organisation (by ODS code, in any case) the caller may not read.
pub(crate) fn check_org(who: &Principal, code: &str) -> Result<(), ApiError> {
    if who.can_read(&code.trim().to_ascii_uppercase()) {
        Ok(())
    } else {
        Err(not_found("organisation"))
    }
}
