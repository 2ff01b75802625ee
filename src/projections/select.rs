//! The pieces every view's reads share: scopes, `IN` lists written for each backend, and
//! documents read by key in chunks.

use serde::de::DeserializeOwned;
use sqlx::{QueryBuilder, Row};

use crate::store::Db;

/// Which organisations' records a reader may see; `None` means all.
pub type Scope<'a> = Option<&'a [String]>;

/// Most keys one statement asks for.
pub(crate) const CHUNK: usize = 500;

/// `column IN (values)`, written so that one statement text serves any number of values where
/// the backend allows it: `= ANY($n)` with an array on PostgreSQL, whose prepared statement is
/// then cached and planned once, rather than a new statement (and a round trip to prepare it)
/// for every length of list. SQLite, which has no arrays and prepares in process, gets the list.
pub(crate) trait PushIn {
    fn push_in(&mut self, column: &str, values: &[String]) -> &mut Self;
}

impl PushIn for QueryBuilder<'_, sqlx::Postgres> {
    fn push_in(&mut self, column: &str, values: &[String]) -> &mut Self {
        self.push(column)
            .push(" = ANY(")
            .push_bind(values.to_vec())
            .push(")")
    }
}

impl PushIn for QueryBuilder<'_, sqlx::Sqlite> {
    fn push_in(&mut self, column: &str, values: &[String]) -> &mut Self {
        self.push(column).push(" IN (");
        let mut list = self.separated(", ");
        for value in values {
            list.push_bind(value.clone());
        }
        self.push(")")
    }
}

/// Documents parsed from `(doc, position)` rows.
pub(crate) fn parse_docs<T: DeserializeOwned>(
    rows: Vec<(String, i64)>,
) -> anyhow::Result<Vec<(T, i64)>> {
    rows.into_iter()
        .map(|(text, pos)| Ok((serde_json::from_str(&text)?, pos)))
        .collect()
}

/// Runs `SELECT doc, <position> FROM ... WHERE <key> IN (ids)` in chunks.
pub(crate) async fn docs_by_ids<T: DeserializeOwned>(
    db: &Db,
    select: &str,
    key: &str,
    ids: &[String],
) -> anyhow::Result<Vec<T>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(String, i64)> = on_db!(db, pool => {
            let mut q = QueryBuilder::new(select);
            q.push(" WHERE ").push_in(key, chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
        });
        out.extend(parse_docs::<T>(rows)?.into_iter().map(|(d, _)| d));
    }
    Ok(out)
}

/// Every document of `table` whose `organisation` is in scope, in log order.
pub(crate) async fn docs_in_scope<T: DeserializeOwned>(
    db: &Db,
    table: &str,
    scope: Scope<'_>,
) -> anyhow::Result<Vec<(T, i64)>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => {
        let mut q = QueryBuilder::new(format!("SELECT doc, log_position FROM {table}"));
        if let Some(codes) = scope {
            q.push(" WHERE ").push_in("organisation", codes);
        }
        q.push(" ORDER BY log_position");
        q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    });
    parse_docs(rows)
}
