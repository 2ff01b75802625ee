//! The master key that wraps every participant key.

use std::fmt;
use std::path::Path;

use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

/// 32 secret bytes; `Debug` never shows them.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// Parses a base64-encoded 32-byte key.
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD
            .decode(text.trim())
            .context("the master key is not valid base64")?;
        let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            bail!("the master key must be 32 bytes (44 characters of base64)");
        };
        Ok(Self(key))
    }

    /// The configured key (base64 text) if given, else the one kept in `data_dir/master.key`,
    /// generated there (owner-readable only) the first time.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(text) = configured {
            return Self::from_base64(text).context("PL_MASTER_KEY");
        }
        let path = data_dir.join("master.key");
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            return Self::from_base64(&text)
                .with_context(|| format!("{} is damaged", path.display()));
        }
        crate::config::create_private_dir(data_dir)?;
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        crate::config::write_private(&path, &STANDARD.encode(key))
            .with_context(|| format!("could not write {}", path.display()))?;
        tracing::info!(path = %path.display(), "generated a master key for personal data");
        Ok(Self(key))
    }

    /// The master key `settings` give (or the data directory's, see [`Self::load`]), and the
    /// one being replaced during a rotation (`PL_MASTER_KEY_PREVIOUS`), if given.
    pub fn configured(settings: &crate::config::Settings) -> anyhow::Result<(Self, Option<Self>)> {
        let master = Self::load(
            settings.master_key.as_ref().map(|k| k.expose().as_str()),
            &settings.data_dir,
        )?;
        let previous = settings
            .master_key_previous
            .as_ref()
            .map(|k| Self::from_base64(k.expose()).context("PL_MASTER_KEY_PREVIOUS"))
            .transpose()?;
        Ok((master, previous))
    }

    /// A freshly generated key (for tests and key ceremonies).
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Self(key)
    }

    /// The key as base64 text, for configuration.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}
