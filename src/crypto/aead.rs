//! AES-256-GCM with a random 96-bit nonce, encoded as base64 of nonce followed by ciphertext.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

/// Encryption failed, or sealed data did not authenticate (wrong key, altered bytes, or moved
/// to another place than it was sealed for).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("sealed data is malformed")]
    Malformed,
    #[error("sealed data did not authenticate")]
    Unauthentic,
}

const NONCE_BYTES: usize = 12;

/// Encrypts `plaintext` under `key`, bound to `aad`.
pub fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> String {
    let cipher = Aes256Gcm::new(key.into());
    let mut nonce = [0u8; NONCE_BYTES];
    rand::thread_rng().fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("AES-GCM encryption of an in-memory buffer does not fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ciphertext);
    STANDARD.encode(out)
}

/// Decrypts what [`seal`] produced for the same `key` and `aad`.
pub fn open(key: &[u8; 32], sealed: &str, aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let bytes = STANDARD
        .decode(sealed)
        .map_err(|_| CryptoError::Malformed)?;
    if bytes.len() <= NONCE_BYTES {
        return Err(CryptoError::Malformed);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
    Aes256Gcm::new(key.into())
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Unauthentic)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn round_trips_and_hides_the_plaintext() {
        let sealed = seal(&KEY, b"Ada Lovelace", b"here");
        assert!(!sealed.contains("Ada"));
        assert_eq!(
            open(&KEY, &sealed, b"here").as_deref(),
            Ok(&b"Ada Lovelace"[..])
        );
    }

    #[test]
    fn refuses_another_key_another_place_or_a_changed_byte() {
        let sealed = seal(&KEY, b"Ada Lovelace", b"here");
        assert_eq!(
            open(&[8; 32], &sealed, b"here"),
            Err(CryptoError::Unauthentic)
        );
        assert_eq!(
            open(&KEY, &sealed, b"elsewhere"),
            Err(CryptoError::Unauthentic)
        );
        let mut bytes = STANDARD.decode(&sealed).expect("base64");
        bytes[20] ^= 1;
        assert_eq!(
            open(&KEY, &STANDARD.encode(bytes), b"here"),
            Err(CryptoError::Unauthentic)
        );
        assert_eq!(
            open(&KEY, "not base64!", b"here"),
            Err(CryptoError::Malformed)
        );
    }
}
