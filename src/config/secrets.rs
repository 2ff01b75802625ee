//! Checks on the secrets in the settings, before anything is opened or generated.
//!
//! A secret given empty (`PL_MASTER_KEY=`, say) is a mistake, never "unset"; an HS256 secret
//! must be at least [`MIN_JWT_SECRET_CHARS`] long; and on PostgreSQL, where several replicas
//! share one database and a container's data directory is lost with it, the service never
//! generates its keys: each must be given.

use std::path::Path;

use anyhow::bail;

use super::{JwtAlgorithm, Secret, Settings};

/// The shortest HS256 secret accepted: 32 characters, at least the 256 bits RFC 7518 asks of
/// an HS256 key.
pub const MIN_JWT_SECRET_CHARS: usize = 32;

/// A key the service needs, named by its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `PL_MASTER_KEY`, wrapping participants' keys.
    Master,
    /// `PL_CHECKPOINT_KEY`, signing log checkpoints.
    Checkpoint,
    /// The key tokens are checked with: `PL_JWT_SECRET`, or a public key or JWKS file.
    Jwt,
}

impl Key {
    /// Every key a running service needs.
    pub const ALL: [Self; 3] = [Self::Master, Self::Checkpoint, Self::Jwt];

    /// The setting, and how to make a value for it.
    fn how_to_give(self, data_dir: &Path) -> String {
        let (setting, make, file) = match self {
            Self::Master => (
                "PL_MASTER_KEY",
                "32 random bytes in base64: `openssl rand -base64 32`",
                Some("master.key"),
            ),
            Self::Checkpoint => (
                "PL_CHECKPOINT_KEY",
                "32 random bytes in hex: `openssl rand -hex 32`",
                Some("checkpoint.key"),
            ),
            Self::Jwt => (
                "PL_JWT_SECRET",
                "at least 32 characters: `openssl rand -base64 48`; or your identity \
                 provider's keys with PL_JWT_ALGORITHM=RS256 or ES256 and PL_JWT_JWKS_FILE or \
                 PL_JWT_PUBLIC_KEY_FILE",
                Some("jwt-secret"),
            ),
        };
        let mut text = format!("{setting} ({make})");
        if let Some(file) = file.map(|f| data_dir.join(f)).filter(|f| f.exists()) {
            text.push_str(&format!(
                "; an earlier version generated {}: give its contents, or tokens and data made \
                 with it stop working",
                file.display()
            ));
        }
        text
    }
}

impl Settings {
    /// Refuses secrets given empty or too short and, on PostgreSQL, any of `needed` not given
    /// explicitly; the message names each setting and how to make a value for it.
    pub fn check_secrets(&self, needed: &[Key]) -> anyhow::Result<()> {
        for (setting, value) in [
            ("PL_MASTER_KEY", &self.master_key),
            ("PL_CHECKPOINT_KEY", &self.checkpoint_key),
            ("PL_JWT_SECRET", &self.jwt.secret),
        ] {
            if value.as_ref().is_some_and(|v| v.expose().trim().is_empty()) {
                bail!(
                    "{setting} is set but empty; give a value, or remove the setting{}",
                    if self.database_url.is_some() {
                        ""
                    } else {
                        " to use the one kept in the data directory"
                    }
                );
            }
        }
        if let Some(secret) = &self.jwt.secret {
            check_jwt_secret(secret, "PL_JWT_SECRET")?;
        }
        if self.database_url.is_none() {
            return Ok(());
        }
        let missing: Vec<String> = needed
            .iter()
            .filter(|key| !self.gives(**key))
            .map(|key| key.how_to_give(&self.data_dir))
            .collect();
        if !missing.is_empty() {
            bail!(
                "on PostgreSQL (DATABASE_URL is set) keys are never generated: give every \
                 replica the same ones from your secret store. Missing: {}",
                missing.join("; ")
            );
        }
        Ok(())
    }

    /// Whether `key` is given in the settings rather than left to the data directory.
    fn gives(&self, key: Key) -> bool {
        match key {
            Key::Master => self.master_key.is_some(),
            Key::Checkpoint => self.checkpoint_key.is_some(),
            Key::Jwt => match self.jwt.algorithm {
                JwtAlgorithm::Hs256 => self.jwt.secret.is_some() || self.jwt.jwks_file.is_some(),
                JwtAlgorithm::Rs256 | JwtAlgorithm::Es256 => {
                    self.jwt.public_key_file.is_some() || self.jwt.jwks_file.is_some()
                }
            },
        }
    }
}

/// Refuses an HS256 secret shorter than [`MIN_JWT_SECRET_CHARS`]; `source` names where it came
/// from (a setting or a file).
pub fn check_jwt_secret(secret: &Secret<String>, source: &str) -> anyhow::Result<()> {
    if secret.expose().chars().count() < MIN_JWT_SECRET_CHARS {
        bail!(
            "{source}: the token signing secret must be at least {MIN_JWT_SECRET_CHARS} \
             characters (make one with `openssl rand -base64 48`)"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded() -> Settings {
        Settings::embedded("/nonexistent/data", "127.0.0.1:0".parse().expect("address"))
    }

    fn on_postgres() -> Settings {
        let mut settings = embedded();
        settings.database_url = Some(Secret::new("postgres://db/ledger".to_owned()));
        settings
    }

    fn refusal(settings: &Settings, needed: &[Key]) -> String {
        format!(
            "{:#}",
            settings
                .check_secrets(needed)
                .expect_err("the settings must be refused")
        )
    }

    #[test]
    fn the_embedded_default_needs_no_secret() {
        embedded()
            .check_secrets(&Key::ALL)
            .expect("no secret needed");
    }

    #[test]
    fn an_empty_secret_is_an_error_naming_its_setting() {
        for (setting, set) in [
            (
                "PL_MASTER_KEY",
                (|s: &mut Settings| s.master_key = Some(Secret::new(String::new())))
                    as fn(&mut Settings),
            ),
            ("PL_CHECKPOINT_KEY", |s| {
                s.checkpoint_key = Some(Secret::new(" ".to_owned()))
            }),
            ("PL_JWT_SECRET", |s| {
                s.jwt.secret = Some(Secret::new(String::new()))
            }),
        ] {
            for mut settings in [embedded(), on_postgres()] {
                set(&mut settings);
                let message = refusal(&settings, &[]);
                assert!(
                    message.starts_with(&format!("{setting} is set but empty")),
                    "{message}"
                );
            }
        }
    }

    #[test]
    fn a_short_jwt_secret_is_refused_and_32_characters_accepted() {
        let mut settings = embedded();
        settings.jwt.secret = Some(Secret::new("x".repeat(31)));
        let message = refusal(&settings, &[]);
        assert!(message.contains("PL_JWT_SECRET"), "{message}");
        assert!(message.contains("at least 32 characters"), "{message}");
        assert!(
            !message.contains(&"x".repeat(31)),
            "the secret is never shown"
        );
        settings.jwt.secret = Some(Secret::new("x".repeat(32)));
        settings.check_secrets(&Key::ALL).expect("32 characters do");
    }

    #[test]
    fn postgres_refuses_to_start_without_every_key_and_names_the_missing() {
        let message = refusal(&on_postgres(), &Key::ALL);
        for wanted in [
            "DATABASE_URL is set",
            "PL_MASTER_KEY (32 random bytes in base64: `openssl rand -base64 32`)",
            "PL_CHECKPOINT_KEY (32 random bytes in hex: `openssl rand -hex 32`)",
            "PL_JWT_SECRET (at least 32 characters",
            "PL_JWT_JWKS_FILE",
        ] {
            assert!(message.contains(wanted), "{wanted} in: {message}");
        }

        let mut settings = on_postgres();
        settings.master_key = Some(Secret::new("a key".to_owned()));
        settings.jwt.secret = Some(Secret::new("y".repeat(40)));
        let message = refusal(&settings, &Key::ALL);
        assert!(message.contains("PL_CHECKPOINT_KEY"), "{message}");
        assert!(!message.contains("PL_MASTER_KEY"), "{message}");
        assert!(!message.contains("PL_JWT_SECRET"), "{message}");
        settings
            .check_secrets(&[Key::Master, Key::Jwt])
            .expect("only what a command needs is required");
        settings.checkpoint_key = Some(Secret::new("a seed".to_owned()));
        settings.check_secrets(&Key::ALL).expect("all given");
    }

    #[test]
    fn postgres_takes_an_identity_providers_public_keys_for_tokens() {
        let mut settings = on_postgres();
        settings.master_key = Some(Secret::new("a key".to_owned()));
        settings.checkpoint_key = Some(Secret::new("a seed".to_owned()));
        settings.jwt.algorithm = JwtAlgorithm::Rs256;
        assert!(refusal(&settings, &Key::ALL).contains("PL_JWT_SECRET"));
        settings.jwt.jwks_file = Some("/etc/partnership-ledger/jwks.json".into());
        settings
            .check_secrets(&Key::ALL)
            .expect("a JWKS file will do");
    }

    #[test]
    fn postgres_points_at_keys_an_earlier_version_generated() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("master.key"), "bWFzdGVyLWtleS1ieXRlcw==").expect("write");
        let mut settings = on_postgres();
        settings.data_dir = dir.path().to_owned();
        let message = refusal(&settings, &[Key::Master]);
        assert!(
            message.contains("master.key: give its contents"),
            "{message}"
        );
        assert!(
            !message.contains("bWFzdGVy"),
            "the key itself is never shown: {message}"
        );
    }
}
