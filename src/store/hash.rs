//! The hash chain over each stream: tamper evidence that survives erasing a person's key,
//! because it covers the payload exactly as stored.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event of every stream.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a stored event the hash covers, in canonical order.
pub struct HashedFields<'a> {
    pub prev_hash: &'a str,
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub recorded_at: &'a str,
    pub metadata: &'a str,
    pub payload: &'a str,
}

/// SHA-256, hex-encoded, over each field prefixed by its length in bytes, so no two different
/// envelopes encode alike.
pub fn chain_hash(fields: &HashedFields<'_>) -> String {
    let sequence = fields.sequence.to_string();
    let parts = [
        fields.prev_hash,
        fields.aggregate_type,
        fields.aggregate_id,
        &sequence,
        fields.event_type,
        fields.event_version,
        fields.recorded_at,
        fields.metadata,
        fields.payload,
    ];
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(payload: &'a str, metadata: &'a str) -> HashedFields<'a> {
        HashedFields {
            prev_hash: GENESIS_HASH,
            aggregate_type: "Activity",
            aggregate_id: "a",
            sequence: 1,
            event_type: "ActivityPlanned",
            event_version: "1",
            recorded_at: "2026-01-01T00:00:00.000000Z",
            metadata,
            payload,
        }
    }

    #[test]
    fn a_changed_byte_changes_the_hash() {
        assert_ne!(
            chain_hash(&fields("{\"a\":1}", "{}")),
            chain_hash(&fields("{\"a\":2}", "{}"))
        );
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_hash() {
        assert_ne!(
            chain_hash(&fields("ab", "c")),
            chain_hash(&fields("a", "bc"))
        );
    }
}
