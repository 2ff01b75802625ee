//! `keys generate` and `keys rotate-master`.

use anyhow::Context;
use base64::Engine as _;
use rand::RngCore;

use super::args::*;
use super::Cli;
use crate::config::Key;
use crate::crypto::{KeyStore, MasterKey};
use crate::startup::open_database;

impl Cli {
    pub(super) async fn keys(&self, command: &KeysCommand) -> anyhow::Result<()> {
        match command {
            KeysCommand::Generate(args) => generate(args),
            KeysCommand::RotateMaster => self.rotate_master().await,
        }
    }

    async fn rotate_master(&self) -> anyhow::Result<()> {
        let settings = self.checked_settings(&[Key::Master])?;
        let (master, previous) = MasterKey::configured(&settings)?;
        anyhow::ensure!(
            previous.is_some(),
            "PL_MASTER_KEY_PREVIOUS: give the master key being replaced (and the new one in \
             PL_MASTER_KEY)"
        );
        let db = open_database(&settings).await?;
        db.migrate().await?;
        let new = master.to_base64();
        let old = previous.as_ref().map(MasterKey::to_base64);
        let keys = KeyStore::new(db, master).with_previous(previous);
        let rewrapped = keys.rotate_master().await?;
        println!(
            "re-wrapped {rewrapped} participant keys under the new master key; restart the \
             replicas without PL_MASTER_KEY_PREVIOUS"
        );
        // The embedded default keeps its key in the data directory: that copy moves too, or
        // the next start would find the old key there.
        let kept = settings.data_dir.join("master.key");
        if let Ok(text) = std::fs::read_to_string(&kept) {
            if Some(text.trim()) == old.as_deref() {
                // Written beside it, then moved over it: never a half-written key.
                let fresh = settings.data_dir.join("master.key.new");
                crate::config::write_private(&fresh, &new)
                    .and_then(|()| std::fs::rename(&fresh, &kept))
                    .with_context(|| {
                        format!(
                            "could not replace {}: put the new key there by hand",
                            kept.display()
                        )
                    })?;
                println!("{} now holds the new master key", kept.display());
            }
        }
        Ok(())
    }
}

/// Three fresh keys, as the settings take them: base64 for the master key, hex for the
/// checkpoint seed, URL-safe base64 for the token secret.
fn fresh() -> [(&'static str, &'static str, String); 3] {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let mut secret = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    [
        (
            "PL_MASTER_KEY",
            "master.key",
            MasterKey::generate().to_base64(),
        ),
        ("PL_CHECKPOINT_KEY", "checkpoint.key", hex::encode(seed)),
        (
            "PL_JWT_SECRET",
            "jwt-secret",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
        ),
    ]
}

fn generate(args: &GenerateArgs) -> anyhow::Result<()> {
    let keys = fresh();
    let Some(dir) = &args.dir else {
        for (variable, _, value) in &keys {
            println!("{variable}={value}");
        }
        return Ok(());
    };
    crate::config::create_private_dir(dir)?;
    for (_, file, value) in &keys {
        let path = dir.join(file);
        if path.exists() {
            println!("kept {}: it exists already", path.display());
            continue;
        }
        crate::config::write_private(&path, value)
            .with_context(|| format!("could not write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
