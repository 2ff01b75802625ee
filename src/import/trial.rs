//! A trial run of an import on a scratch ledger, thrown away after: every step of the file runs
//! through the same command path against a fresh ledger holding only the organisation (and the
//! partners the file names), so every rule the ledger keeps is checked and every row it would
//! refuse is found before anything is recorded for real. Its receipts, set against the real
//! ledger's, tell which rows an earlier import recorded already and which changed since; its
//! views tell the verdicts the items would have today.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::Context;
use serde_json::{json, Value};
use tokio::sync::watch;

use super::format::Sheet;
use super::plan::Step;
use super::record::{self, importer, Recording, IMPORTER};
use super::Problem;
use crate::api::{service_schema, LedgerSchema};
use crate::audit::CheckpointKey;
use crate::cache::Caching;
use crate::crypto::{KeyStore, MasterKey};
use crate::ledger::Ledger;
use crate::projections::read::organisation;
use crate::projections::Projector;
use crate::store::{receipts_under, Db};

/// How a sheet's rows stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rows {
    /// Rows with something to record.
    pub new: usize,
    /// Rows an earlier import of the organisation recorded already, in full.
    pub already: usize,
}

/// What the trial found.
#[derive(Debug, Clone, Default)]
pub struct Trial {
    /// Rows the ledger refused, and rows that differ from what an earlier import recorded.
    pub problems: Vec<Problem>,
    pub rows: BTreeMap<Sheet, Rows>,
    /// How many of the organisation's items the file would give each verdict today, by the
    /// API's name of the verdict (withdrawn items aside).
    pub verdicts: Vec<(String, i64)>,
    /// The steps the real ledger has not recorded yet, in order.
    pub to_record: Vec<Step>,
}

/// Tries `steps` (the plan of a file for `org`) on a scratch ledger and sets the outcome against
/// what `real` holds; `progress` counts the steps tried.
pub async fn trial(
    real: &Db,
    org: &str,
    steps: &[Step],
    progress: &(dyn Fn(usize) + Sync),
) -> anyhow::Result<Trial> {
    let Some(ours) = organisation(real, org).await? else {
        anyhow::bail!("no organisation has the ODS code {org}; register it first");
    };
    let scratch = Scratch::open().await?;
    let result = async {
        let mut codes = BTreeSet::from([org.to_owned()]);
        codes.extend(named_organisations(steps));
        for code in codes {
            if let Some(doc) = organisation(real, &code).await? {
                let kind = serde_json::to_value(doc.kind)?;
                scratch
                    .admin(
                        org,
                        "mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { receipt { replayed } } }",
                        json!({ "i": { "odsCode": code, "name": doc.name, "kind": kind } }),
                    )
                    .await?;
            }
        }
        scratch
            .admin(
                org,
                "mutation($i: SetResponseWindowInput!) { setResponseWindow(input: $i) { receipt { replayed } } }",
                json!({ "i": { "odsCode": org, "days": ours.response_window_days } }),
            )
            .await?;
        let run = Recording {
            schema: &scratch.schema,
            organisation: org,
            file_sha256: "trial",
            by: "trial",
        };
        let outcome = record::record(&run, steps, progress).await;
        let prefix = format!("import:{org}:");
        let tried = receipts_under(&scratch.db, IMPORTER, &prefix).await?;
        let before = receipts_under(real, IMPORTER, &prefix).await?;
        let mut trial = compare(steps, &tried, &before);
        trial.problems.extend(outcome.problems);
        trial.problems.sort();
        trial.verdicts = scratch.verdicts(org).await?;
        anyhow::Ok(trial)
    }
    .await;
    scratch.close().await;
    result
}

/// Every organisation code the steps name as a partner or a referral.
fn named_organisations(steps: &[Step]) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for step in steps {
        for field in ["partnerOrganisations", "referredTo"] {
            match &step.input[field] {
                Value::String(code) => {
                    codes.insert(code.clone());
                }
                Value::Array(list) => {
                    codes.extend(list.iter().filter_map(|c| c.as_str().map(str::to_owned)))
                }
                _ => {}
            }
        }
    }
    codes
}

/// Each step's receipt in the trial set against the real ledger's under the same key: the same
/// request was recorded before; a different one is a row changed since.
fn compare(
    steps: &[Step],
    tried: &HashMap<String, String>,
    before: &HashMap<String, String>,
) -> Trial {
    let mut trial = Trial::default();
    let mut rows: BTreeMap<(Sheet, usize), bool> = BTreeMap::new();
    for step in steps {
        let new = match (
            tried.get(&step.idempotency_key),
            before.get(&step.idempotency_key),
        ) {
            (Some(now), Some(then)) if now != then => {
                trial.problems.push(record::changed_since(step));
                true
            }
            (_, Some(_)) => false,
            (_, None) => {
                trial.to_record.push(step.clone());
                true
            }
        };
        *rows.entry((step.sheet, step.row)).or_default() |= new;
    }
    for ((sheet, _), new) in rows {
        let counts = trial.rows.entry(sheet).or_default();
        if new {
            counts.new += 1;
        } else {
            counts.already += 1;
        }
    }
    trial
}

/// A ledger of the moment in a private temporary folder, with its projector running.
struct Scratch {
    schema: LedgerSchema,
    db: Db,
    stop: watch::Sender<bool>,
    projector: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Scratch {
    async fn open() -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("partnership-ledger-trial-")
            .tempdir()
            .context("could not make a folder for the trial run")?;
        let db = Db::open_sqlite_scratch(dir.path()).await?;
        db.migrate().await?;
        let (projector, handle) = Projector::with_caching(db.clone(), Caching::On).await?;
        let keys = KeyStore::new(db.clone(), MasterKey::generate());
        keys.verify_master().await?;
        let ledger = Arc::new(Ledger::new(db.clone(), handle, keys));
        let schema = service_schema(ledger, Arc::new(CheckpointKey::throwaway()), false)
            .schema()
            .clone();
        let (stop, mut stopped) = watch::channel(false);
        let projector = tokio::spawn(projector.run(async move {
            let _ = stopped.wait_for(|s| *s).await;
        }));
        Ok(Self {
            schema,
            db,
            stop,
            projector,
            _dir: dir,
        })
    }

    /// Runs `query` as an administrator of the scratch ledger, failing on any error.
    async fn admin(&self, org: &str, query: &str, variables: Value) -> anyhow::Result<Value> {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(importer(org))
            .data(crate::api::context::RequestInfo {
                correlation_id: "import-trial".to_owned(),
            });
        let response = self.schema.execute(request).await;
        if let Some(error) = response.errors.first() {
            anyhow::bail!("the trial run could not begin: {}", error.message);
        }
        Ok(response.data.into_json()?)
    }

    /// The organisation's verdict counts, zeros left out.
    async fn verdicts(&self, org: &str) -> anyhow::Result<Vec<(String, i64)>> {
        let data = self
            .admin(
                org,
                "query($o: String!) { organisation(odsCode: $o) { rollup { counts { verdict count } } } }",
                json!({ "o": org }),
            )
            .await?;
        let counts = data["organisation"]["rollup"]["counts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(counts
            .iter()
            .filter_map(|c| Some((c["verdict"].as_str()?.to_owned(), c["count"].as_i64()?)))
            .filter(|(_, n)| *n > 0)
            .collect())
    }

    async fn close(self) {
        let _ = self.stop.send(true);
        let _ = self.projector.await;
    }
}
