//! How the store fails, below both the event store and the committer that writes for it.

/// Failures of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another write to the same stream was appended first: the command was decided on a
    /// state that is no longer the stream's latest, and running it again may succeed.
    #[error("the stream was appended to since it was loaded")]
    Conflict,
    /// Another request with the same idempotency key committed first.
    #[error("idempotency key already used")]
    DuplicateIdempotencyKey,
    /// The database refused or failed.
    #[error("database failure: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored event could not be read back.
    #[error("stored event could not be decoded: {0}")]
    Decode(#[from] serde_json::Error),
    /// Personal fields could not be sealed or opened (the message holds no personal data).
    #[error("personal data could not be sealed or opened: {0}")]
    Sealing(String),
    /// An event still held plain personal data when it was about to be written.
    #[error("refused to write an event holding unsealed personal data")]
    Unsealed,
    /// The committer task is gone (the service is stopping).
    #[error("the store is stopping")]
    Stopped,
}
