//! Encryption of personal data (crypto-shredding).
//!
//! Each participant's personal fields are encrypted with a key of their own (AES-256-GCM, with
//! associated data binding each value to its stream, sequence and field). Those keys live in the
//! mutable `participant_keys` table, wrapped by the master key from configuration. Erasing a
//! person destroys their key and scrubs its old copies from the database files: the events
//! stay, and verify, but can never be read again.

mod aead;
mod keys;
mod master;
mod register;
mod scrub;
mod sealer;

pub use aead::{open, seal, CryptoError};
pub use keys::KeyStore;
pub use master::MasterKey;
pub use register::{Erasure, ErasureRegister};
pub use sealer::ParticipantSealer;
