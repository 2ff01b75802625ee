//! Key rotation: several RS256 public keys by `kid` from a JWKS file; a key removed from the
//! file is refused from then on, and no key is ever taken from the token itself.

use std::path::{Path, PathBuf};

use jsonwebtoken::{encode, get_current_timestamp, Algorithm, EncodingKey, Header};
use partnership_ledger::config::JwtAlgorithm;
use serde_json::{json, Value};

use crate::helpers::{fresh_settings, Backend, Replica, AUDIENCE, ISSUER};
use crate::on_both;

const QUERY: &str = "{ organisations { nodes { odsCode } } }";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

fn claims() -> Value {
    let now = get_current_timestamp();
    json!({ "sub": "rotation@example.nhs.uk", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 600,
        "iat": now, "role": "AUDITOR", "orgs": ["QMJ"] })
}

/// RS256 with the private key of fixture `key`, naming `kid`.
fn rs256(key: &str, kid: Option<&str>) -> String {
    let pem = std::fs::read(fixture(&format!("{key}.pem"))).expect("fixture key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    encode(
        &header,
        &claims(),
        &EncodingKey::from_rsa_pem(&pem).expect("RSA key"),
    )
    .expect("sign")
}

async fn status_and_code(service: &Replica, token: &str) -> (u16, Value) {
    let (status, body) = service.post(Some(token), QUERY, json!({})).await;
    (status, body["errors"][0]["extensions"]["code"].clone())
}

async fn keys_rotate_by_kid_from_the_key_set(backend: Backend) {
    let (mut settings, dir, database) = fresh_settings(backend).await;
    let jwks = dir.path().join("jwks.json");
    std::fs::copy(fixture("jwks.json"), &jwks).expect("copy key set");
    settings.jwt.algorithm = JwtAlgorithm::Rs256;
    settings.jwt.secret = None;
    settings.jwt.jwks_file = Some(jwks.clone());
    settings.jwt.private_key_file = Some(fixture("k1.pem"));
    settings.jwt.key_id = Some("k1".into());
    let service = Replica::start(&settings).await;

    // Both published keys get in; the `token` subcommand's tokens name their kid.
    for token in [
        rs256("k1", Some("k1")),
        rs256("k2", Some("k2")),
        service.admin(),
    ] {
        let (status, code) = status_and_code(&service, &token).await;
        assert_eq!((status, &code), (200, &Value::Null));
    }

    let public_pem = std::fs::read(fixture("k1.pub.pem")).expect("public key");
    let mut hs256 = Header::new(Algorithm::HS256);
    hs256.kid = Some("k1".into());
    let confused = encode(&hs256, &claims(), &EncodingKey::from_secret(&public_pem)).expect("sign");
    let mut remote = Header::new(Algorithm::RS256);
    remote.kid = Some("k9".into());
    remote.jku = Some("https://attacker.example/jwks.json".into());
    let remote = encode(
        &remote,
        &claims(),
        &EncodingKey::from_rsa_pem(&std::fs::read(fixture("k2.pem")).expect("key")).expect("key"),
    )
    .expect("sign");
    let refused = [
        ("HS256 signed with the RSA public key", confused),
        ("no kid", rs256("k1", None)),
        ("a kid not in the set", rs256("k1", Some("k3"))),
        ("signed with k1 but naming k2", rs256("k1", Some("k2"))),
        ("a key to fetch from the token's jku", remote),
    ];
    for (case, token) in &refused {
        let (status, code) = status_and_code(&service, token).await;
        assert_eq!((status, code), (401, json!("UNAUTHENTICATED")), "{case}");
    }

    // A socket signed in with k1 stays open while k1 is published.
    let mut socket = crate::subscriptions::connect_with(&service, &rs256("k1", Some("k1"))).await;

    // Retire k1: the set now holds k2 alone. Within a couple of seconds k1 is refused, and the
    // socket signed in with it is closed (4403).
    std::fs::copy(fixture("k2.jwks.json"), &jwks).expect("retire k1");
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match futures_util::StreamExt::next(&mut socket).await {
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => {
                    return frame.map(|f| u16::from(f.code));
                }
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert_eq!(closed, Ok(Some(4403)), "the retired key's socket is closed");
    let retired = rs256("k1", Some("k1"));
    let mut outcome = (0, Value::Null);
    for _ in 0..40 {
        outcome = status_and_code(&service, &retired).await;
        if outcome.0 == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(outcome, (401, json!("UNAUTHENTICATED")), "retired key");
    let (_, body) = service.post(Some(&retired), QUERY, json!({})).await;
    assert_eq!(
        body["errors"][0]["message"], "invalid token: unknown or retired key",
        "{body}"
    );
    let (status, _) = status_and_code(&service, &rs256("k2", Some("k2"))).await;
    assert_eq!(status, 200, "the key kept still works");

    // A broken edit of the set keeps the keys in force rather than locking everyone out.
    std::fs::write(&jwks, "{ \"keys\": [ broken").expect("break the set");
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let (status, _) = status_and_code(&service, &rs256("k2", Some("k2"))).await;
    assert_eq!(status, 200, "a broken key set keeps the last good keys");

    service.stop().await;
    if let Some(name) = database {
        crate::helpers::drop_postgres_database(name);
    }
}

on_both!(keys_rotate_by_kid_from_the_key_set);
