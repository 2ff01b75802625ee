//! The command line's part in the web interface: sign-in links, and the identity provider's
//! settings.

use super::args::{ServeArgs, SignInLinkArgs};
use super::Cli;
use crate::config::Secret;
use crate::startup::open_database;

impl Cli {
    pub(super) async fn sign_in_link(&self, args: &SignInLinkArgs) -> anyhow::Result<()> {
        use crate::web::sign_in::link;
        anyhow::ensure!(
            args.valid_for <= 24 * 3600,
            "--valid-for: at most a day (24h)"
        );
        let settings = self.checked_settings(&[])?;
        let db = open_database(&settings).await?;
        db.migrate().await?;
        let grant = link::Grant {
            subject: args.who.sub.clone(),
            role: args.who.role,
            organisations: args
                .who
                .orgs
                .iter()
                .map(|o| o.trim().to_ascii_uppercase())
                .collect(),
        };
        let token =
            link::issue(&db, &grant, std::time::Duration::from_secs(args.valid_for)).await?;
        println!("{}/sign-in/link?token={token}", settings.web.public_url);
        Ok(())
    }
}

/// The identity provider's settings, when an issuer is given; its client id and secret are
/// then required.
pub(super) fn oidc_settings(
    args: &ServeArgs,
) -> anyhow::Result<Option<crate::config::OidcSettings>> {
    let Some(issuer) = args.oidc_issuer.clone().filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    let client_id = args.oidc_client_id.clone().filter(|c| !c.is_empty());
    let client_secret = args.oidc_client_secret.clone().filter(|c| !c.is_empty());
    let (Some(client_id), Some(client_secret)) = (client_id, client_secret) else {
        anyhow::bail!(
            "PL_OIDC_ISSUER is set: PL_OIDC_CLIENT_ID and PL_OIDC_CLIENT_SECRET are needed too"
        );
    };
    Ok(Some(crate::config::OidcSettings {
        issuer,
        client_id,
        client_secret: Secret::new(client_secret),
        role_claim: args.oidc_role_claim.clone(),
        orgs_claim: args.oidc_orgs_claim.clone(),
        scopes: args
            .oidc_scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        name: args.oidc_name.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::args::ServeArgs;
    use super::oidc_settings;

    fn serve_args(args: &[&str]) -> ServeArgs {
        use clap::{Args, FromArgMatches};
        let matches = ServeArgs::augment_args(clap::Command::new("serve"))
            .try_get_matches_from(args)
            .expect("arguments");
        ServeArgs::from_arg_matches(&matches).expect("serve arguments")
    }

    #[test]
    fn an_identity_provider_needs_its_client_id_and_secret() {
        assert!(oidc_settings(&serve_args(&["serve"]))
            .expect("none")
            .is_none());
        let missing = oidc_settings(&serve_args(&[
            "serve",
            "--oidc-issuer",
            "https://login.example",
        ]))
        .expect_err("refused");
        assert!(
            missing
                .to_string()
                .contains("PL_OIDC_CLIENT_ID and PL_OIDC_CLIENT_SECRET"),
            "{missing}"
        );
        let given = oidc_settings(&serve_args(&[
            "serve",
            "--oidc-issuer",
            "https://login.example",
            "--oidc-client-id",
            "ledger",
            "--oidc-client-secret",
            "s3cret",
            "--oidc-scopes",
            "openid  ledger",
        ]))
        .expect("settings")
        .expect("a provider");
        assert_eq!(given.scopes, ["openid", "ledger"]);
        assert_eq!(
            (given.role_claim.as_str(), given.orgs_claim.as_str()),
            ("roles", "ods_codes")
        );
        assert!(
            !format!("{given:?}").contains("s3cret"),
            "the secret is never shown"
        );
    }
}
