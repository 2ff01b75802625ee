//! Sealing and opening the personal fields of participant events as they cross the store.

use async_trait::async_trait;
use serde_json::Value;

use super::aead::{open, seal};
use super::keys::KeyStore;
use crate::store::{Sealer, StoreError};

/// Encrypts every `{"Plain": …}` value in a participant event with that participant's key, and
/// opens them again on reading (or marks them `"Erased"` once the key is gone).
#[derive(Clone, Debug)]
pub struct ParticipantSealer {
    keys: KeyStore,
}

impl ParticipantSealer {
    /// A sealer using `keys`.
    pub fn new(keys: KeyStore) -> Self {
        Self { keys }
    }
}

fn aad(aggregate_type: &str, aggregate_id: &str, sequence: i64, path: &str) -> Vec<u8> {
    format!("{aggregate_type}|{aggregate_id}|{sequence}|{path}").into_bytes()
}

/// Visits every object holding exactly one key `tag`, with its JSON path.
fn visit(value: &mut Value, tag: &str, path: &mut String, found: &mut dyn FnMut(&str, &mut Value)) {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key(tag) => found(path, value),
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let len = path.len();
                path.push('/');
                path.push_str(key);
                visit(child, tag, path, found);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                visit(child, tag, path, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn failed(error: anyhow::Error) -> StoreError {
    StoreError::Sealing(format!("{error:#}"))
}

#[async_trait]
impl Sealer for ParticipantSealer {
    async fn seal(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        sequence: i64,
        payload: &mut Value,
    ) -> Result<(), StoreError> {
        let mut plain_paths = Vec::new();
        visit(payload, "Plain", &mut String::new(), &mut |path, _| {
            plain_paths.push(path.to_owned())
        });
        if plain_paths.is_empty() {
            return Ok(());
        }
        let key = self
            .keys
            .key_or_create(aggregate_id)
            .await
            .map_err(failed)?;
        visit(payload, "Plain", &mut String::new(), &mut |path, value| {
            let plaintext = value["Plain"].to_string();
            let sealed = seal(
                &key,
                plaintext.as_bytes(),
                &aad(aggregate_type, aggregate_id, sequence, path),
            );
            *value = serde_json::json!({ "Encrypted": sealed });
        });
        Ok(())
    }

    async fn open(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        sequence: i64,
        payload: &mut Value,
    ) -> Result<(), StoreError> {
        let mut any = false;
        visit(payload, "Encrypted", &mut String::new(), &mut |_, _| {
            any = true
        });
        if !any {
            return Ok(());
        }
        let key = self.keys.key(aggregate_id).await.map_err(failed)?;
        let mut failure = None;
        visit(
            payload,
            "Encrypted",
            &mut String::new(),
            &mut |path, value| {
                let Some(key) = &key else {
                    *value = Value::String("Erased".to_owned());
                    return;
                };
                let sealed = value["Encrypted"].as_str().unwrap_or_default();
                match open(
                    key,
                    sealed,
                    &aad(aggregate_type, aggregate_id, sequence, path),
                ) {
                    Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                        Ok(inner) => *value = serde_json::json!({ "Plain": inner }),
                        Err(_) => failure = Some(path.to_owned()),
                    },
                    Err(_) => failure = Some(path.to_owned()),
                }
            },
        );
        match failure {
            // The field path is not personal data; the values never reach a message.
            Some(path) => Err(StoreError::Sealing(format!(
                "sealed field {path} of event {sequence} did not authenticate"
            ))),
            None => Ok(()),
        }
    }
}
