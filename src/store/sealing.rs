//! The hook through which personal fields are encrypted on the way into the log and decrypted
//! on the way out. The store itself refuses any payload that still holds a plain value.

use async_trait::async_trait;
use serde_json::Value;

use super::StoreError;

/// Transforms an event's JSON payload as it is written and read.
#[async_trait]
pub trait Sealer: Send + Sync + std::fmt::Debug {
    /// Encrypts the personal fields of the event at `sequence` of the stream, in place.
    async fn seal(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        sequence: i64,
        payload: &mut Value,
    ) -> Result<(), StoreError>;
    /// Decrypts them again, or marks them erased when the key is gone.
    async fn open(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        sequence: i64,
        payload: &mut Value,
    ) -> Result<(), StoreError>;
}

/// Whether a serialised payload still holds a plain personal value: a JSON key `"Plain"` can only
/// come from `Sealed::Plain` (user text inside a string has its quotes escaped).
pub fn holds_plain_personal_data(payload: &str) -> bool {
    payload.contains("\"Plain\":")
}

#[cfg(test)]
mod tests {
    use super::holds_plain_personal_data;

    #[test]
    fn spots_plain_values_but_not_user_text_that_mentions_them() {
        assert!(holds_plain_personal_data(
            r#"{"details":{"Plain":{"display_name":"A"}}}"#
        ));
        let quoted = serde_json::json!({ "summary": "we wrote \"Plain\": English" }).to_string();
        assert!(!holds_plain_personal_data(&quoted));
        assert!(!holds_plain_personal_data(
            r#"{"details":{"Encrypted":"abc"}}"#
        ));
    }
}
