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

    /// The vectors' stream, actor and time: every field the hash covers, as the store writes
    /// them (metadata as sorted JSON, `recorded_at` in microseconds with a `Z`).
    const ID: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    const METADATA: &str =
        "{\"actor.organisations\":\"QMJ\",\"actor.role\":\"ENGAGEMENT_OFFICER\",\
        \"actor.subject\":\"officer@example.nhs.uk\",\"causation_id\":\"c-1\",\
        \"command\":\"planActivity\",\"correlation_id\":\"c-1\"}";
    const PLANNED: &str = "{\"ActivityPlanned\":{\"title\":\"Outpatient letters\"}}";
    const PUBLISHED: &str = "{\"InformationPublished\":{\"published_on\":\"2026-01-02\"}}";

    /// The first event of the vectors' stream, recorded at `recorded_at` by `metadata`.
    fn first<'a>(recorded_at: &'a str, metadata: &'a str) -> HashedFields<'a> {
        HashedFields {
            prev_hash: GENESIS_HASH,
            aggregate_type: "Activity",
            aggregate_id: ID,
            sequence: 1,
            event_type: "ActivityPlanned",
            event_version: "1",
            recorded_at,
            metadata,
            payload: PLANNED,
        }
    }

    /// The time of the first event, in the form the hash covers.
    fn recorded_at(micros: u32) -> String {
        use chrono::TimeZone;
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 1, 10, 9, 30, 0)
            .single()
            .expect("a valid time")
            + chrono::Duration::microseconds(i64::from(micros));
        crate::store::format_recorded_at(&at)
    }

    /// Fixed vectors: any change to what is hashed, or to how it is encoded, changes these
    /// hashes and breaks every stored chain, so it must fail here first. Computed apart from
    /// this code (SHA-256 over each field's 8-byte big-endian length and its UTF-8 bytes).
    #[test]
    fn fixed_vectors() {
        let at = recorded_at(123_456);
        assert_eq!(at, "2026-01-10T09:30:00.123456Z");
        let one = chain_hash(&first(&at, METADATA));
        assert_eq!(
            one,
            "b3a66c5e1a5242cb2612f4a06cfd51123c6af405f8cec1d20ca2d07ab4965c6a"
        );
        let two = chain_hash(&HashedFields {
            prev_hash: &one,
            aggregate_type: "Activity",
            aggregate_id: ID,
            sequence: 2,
            event_type: "InformationPublished",
            event_version: "1",
            recorded_at: &recorded_at(123_457),
            metadata: METADATA,
            payload: PUBLISHED,
        });
        assert_eq!(
            two,
            "3841808e0aef99a8de3e145392e59ad07674d99e764112f30b3e04a36994e2cf"
        );
    }

    /// Who recorded an event is covered: another actor subject, nothing else changed.
    #[test]
    fn another_actor_changes_the_hash() {
        let at = recorded_at(123_456);
        let someone_else = METADATA.replace("officer@", "someone.else@");
        assert_eq!(
            chain_hash(&first(&at, &someone_else)),
            "a7fe7960b442f0a12b409f6e17adf39d120432277126c57005d8929c1f7e009d"
        );
    }

    /// When an event was recorded is covered to the microsecond.
    #[test]
    fn a_microsecond_later_changes_the_hash() {
        let at = recorded_at(123_457);
        assert_eq!(at, "2026-01-10T09:30:00.123457Z");
        assert_eq!(
            chain_hash(&first(&at, METADATA)),
            "4cbfa24eb8b350ebe18cb3f0a5d6938d4e9adb682ed503d982749d6394188c54"
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
