//! Personal data inside events.
//!
//! A [`Sealed`] value is plain only in memory. The event store encrypts every `Plain` value with
//! the person's own key before writing, and on reading gives back `Plain` while the key exists
//! and `Erased` once it has been destroyed. The store refuses to write an event that still holds
//! a `Plain` value, so personal data cannot reach the log unencrypted.

use serde::{Deserialize, Serialize};

/// Personal data as it travels inside an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sealed<T> {
    /// Readable: just written, or decrypted with the person's key.
    Plain(T),
    /// As stored: nonce and ciphertext, base64. Never decrypted by domain code.
    Encrypted(String),
    /// The person's key was destroyed: the data is gone for good.
    Erased,
}

impl<T> Sealed<T> {
    /// The plain value, if readable.
    pub fn plain(&self) -> Option<&T> {
        match self {
            Self::Plain(value) => Some(value),
            _ => None,
        }
    }
}
