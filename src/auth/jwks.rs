//! Keys by `kid` from a JSON Web Key Set file, for key rotation: publish the new key beside
//! the old, move issuers to it, then remove the old one; a token naming a removed (retired) key
//! is refused from the next check on. Keys come only from this file, never from an address a
//! token names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

/// How often the file's modification time is looked at.
const RECHECK: Duration = Duration::from_secs(1);

/// The keys of a JWKS file, re-read when the file changes.
pub struct KeySet {
    path: PathBuf,
    algorithm: Algorithm,
    state: RwLock<State>,
}

struct State {
    keys: HashMap<String, DecodingKey>,
    /// The modification time of the file last read (or last found unreadable).
    modified: Option<SystemTime>,
    checked: Instant,
}

impl KeySet {
    /// Reads the key set at `path`, keeping the keys usable with `algorithm`; fails when the
    /// file cannot be read or holds no such key.
    pub fn load(path: &Path, algorithm: Algorithm) -> anyhow::Result<Self> {
        let modified = modified(path);
        let keys = read(path, algorithm)?;
        tracing::info!(
            path = %path.display(),
            keys = keys.len(),
            "token keys loaded"
        );
        Ok(Self {
            path: path.to_owned(),
            algorithm,
            state: RwLock::new(State {
                keys,
                modified,
                checked: Instant::now(),
            }),
        })
    }

    /// The key named `kid`, after re-reading the file if it changed.
    pub fn key(&self, kid: &str) -> Option<DecodingKey> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.keys.get(kid).cloned()
    }

    fn refresh(&self) {
        {
            let state = self.state.read().unwrap_or_else(|e| e.into_inner());
            if state.checked.elapsed() < RECHECK {
                return;
            }
        }
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        if state.checked.elapsed() < RECHECK {
            return;
        }
        state.checked = Instant::now();
        let now = modified(&self.path);
        if now == state.modified {
            return;
        }
        state.modified = now;
        match read(&self.path, self.algorithm) {
            Ok(keys) => {
                tracing::info!(
                    path = %self.path.display(),
                    keys = keys.len(),
                    "token keys reloaded"
                );
                state.keys = keys;
            }
            Err(error) => tracing::error!(
                path = %self.path.display(),
                error = format!("{error:#}"),
                "the token key set changed but cannot be used; keeping the keys it held before"
            ),
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The family of key each pinned algorithm needs.
fn usable(params: &AlgorithmParameters, algorithm: Algorithm) -> bool {
    match (params, algorithm) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        (AlgorithmParameters::OctetKey(_), Algorithm::HS256) => true,
        _ => false,
    }
}

/// The name a key set gives the configured algorithm.
fn key_algorithm(algorithm: Algorithm) -> KeyAlgorithm {
    match algorithm {
        Algorithm::HS256 => KeyAlgorithm::HS256,
        Algorithm::RS256 => KeyAlgorithm::RS256,
        Algorithm::ES256 => KeyAlgorithm::ES256,
        _ => KeyAlgorithm::UNKNOWN_ALGORITHM,
    }
}

fn read(path: &Path, algorithm: Algorithm) -> anyhow::Result<HashMap<String, DecodingKey>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read the key set {}", path.display()))?;
    let set: JwkSet = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a JSON Web Key Set", path.display()))?;
    let mut keys = HashMap::new();
    for (index, jwk) in set.keys.iter().enumerate() {
        let Some(kid) = jwk.common.key_id.clone().filter(|k| !k.is_empty()) else {
            tracing::warn!(index, "a key in the key set has no kid; it is not used");
            continue;
        };
        let skip = |why: &str| tracing::warn!(kid, why, "a key in the key set is not used");
        if matches!(&jwk.common.public_key_use, Some(u) if *u != PublicKeyUse::Signature) {
            skip("its use is not sig");
            continue;
        }
        if jwk
            .common
            .key_algorithm
            .is_some_and(|alg| alg != key_algorithm(algorithm))
        {
            skip("its alg is not the configured algorithm");
            continue;
        }
        if !usable(&jwk.algorithm, algorithm) {
            skip("it is not a key for the configured algorithm");
            continue;
        }
        let key = DecodingKey::from_jwk(jwk)
            .with_context(|| format!("key {kid} in {} is malformed", path.display()))?;
        anyhow::ensure!(
            keys.insert(kid.clone(), key).is_none(),
            "key id {kid} appears twice in {}",
            path.display()
        );
    }
    anyhow::ensure!(
        !keys.is_empty(),
        "{} holds no key with a kid for {algorithm:?}",
        path.display()
    );
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, keys: serde_json::Value) -> PathBuf {
        let path = dir.join("jwks.json");
        std::fs::write(&path, serde_json::json!({ "keys": keys }).to_string()).expect("write");
        path
    }

    fn oct(kid: &str) -> serde_json::Value {
        serde_json::json!({ "kty": "oct", "kid": kid, "alg": "HS256", "use": "sig",
            "k": "c2VjcmV0LXRoYXQtaXMtbG9uZy1lbm91Z2gtZm9yLWhzMjU2LTAxMjM0NTY3ODk" })
    }

    #[test]
    fn keys_for_other_algorithms_or_uses_are_left_out() {
        let dir = tempfile::tempdir().expect("dir");
        let mut encryption = oct("enc");
        encryption["use"] = "enc".into();
        let mut other = oct("hs512");
        other["alg"] = "HS512".into();
        let mut nameless = oct("x");
        nameless.as_object_mut().expect("object").remove("kid");
        let path = write(
            dir.path(),
            serde_json::json!([oct("a"), encryption, other, nameless]),
        );
        let set = KeySet::load(&path, Algorithm::HS256).expect("loads");
        assert!(set.key("a").is_some());
        for kid in ["enc", "hs512", "x"] {
            assert!(set.key(kid).is_none(), "{kid} should be left out");
        }
        let error = KeySet::load(&path, Algorithm::RS256)
            .err()
            .expect("no RSA key");
        assert!(error.to_string().contains("holds no key"), "{error}");
    }

    #[test]
    fn a_repeated_kid_or_bad_json_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("dir");
        let path = write(dir.path(), serde_json::json!([oct("a"), oct("a")]));
        let error = KeySet::load(&path, Algorithm::HS256).err().expect("twice");
        assert!(error.to_string().contains("appears twice"), "{error}");
        std::fs::write(&path, "{ not json").expect("write");
        let error = KeySet::load(&path, Algorithm::HS256)
            .err()
            .expect("bad json");
        assert!(
            error.to_string().contains("not a JSON Web Key Set"),
            "{error}"
        );
    }
}
