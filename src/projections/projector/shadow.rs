//! The tables a rebuild fills beside the live ones (`view_...__next`), made on PostgreSQL without
//! their indexes until they are filled, the checkpoints of the rebuild's parts, and the switch
//! that puts the filled tables in place of the live ones.

use crate::projections::tally::TALLIES_CHECKPOINT;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;

use crate::projections::status::PROJECTOR_NAME;
use crate::projections::views::VIEW_TABLES;
use crate::store::{Db, LogPosition};

/// The most parts a rebuild splits the records into.
pub const MAX_PARTS: usize = 4;

/// The checkpoints of a rebuild's parts, one each: a part's writes land only while its
/// checkpoint is where the part left it, so two rebuilds cannot both fill the same tables.
pub(super) const PART_CHECKPOINTS: [&str; MAX_PARTS] = [
    "views__next",
    "views__next1",
    "views__next2",
    "views__next3",
];

/// `DELETE`s every rebuild part's checkpoint.
fn delete_part_checkpoints() -> String {
    format!(
        "DELETE FROM projector_checkpoints WHERE name IN ('{}')",
        PART_CHECKPOINTS.join("', '")
    )
}

/// The suffix of the tables a rebuild writes before it switches them in.
pub(super) const SHADOW: &str = "__next";

/// `sql` with every view table's name followed by `suffix`.
fn with_suffix(sql: &str, suffix: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(at) = rest.find("view_") {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(|c: char| !is_ident(c))
            .map_or(rest.len(), |e| at + e);
        let word = &rest[at..end];
        let starts_word = !out.chars().last().is_some_and(is_ident);
        out.push_str(word);
        if starts_word && VIEW_TABLES.contains(&word) {
            out.push_str(suffix);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// What a rebuild leaves out of its tables on PostgreSQL while it fills them, and adds once
/// they are filled: building an index over a filled table costs far less than keeping it up
/// row by row, and rows copied into a table without indexes go in a page at a time.
#[derive(Default)]
pub(super) struct Deferred {
    /// (table, statement) adding each table's unique constraints (their primary keys): at the
    /// end, or as soon as a part must read a document back from the tables, or replace a row,
    /// which both need them.
    unique: Vec<(String, String)>,
    /// Whether the unique constraints are there.
    unique_built: tokio::sync::OnceCell<()>,
    /// (table, statement) making each table's other indexes, at the end.
    secondary: Vec<(String, String)>,
}

impl Deferred {
    /// Adds the unique constraints, once, whichever part asks first. A row there twice (a
    /// record written as new twice) fails it, and so the rebuild.
    pub(super) async fn build_unique(&self, db: &Db) -> anyhow::Result<()> {
        let Db::Postgres(pool) = db else {
            return Ok(());
        };
        self.unique_built
            .get_or_try_init(|| async {
                for (_, statement) in &self.unique {
                    sqlx::query(statement)
                        .execute(pool)
                        .await
                        .context("could not add the rebuilt views' unique keys")?;
                }
                anyhow::Ok(())
            })
            .await?;
        Ok(())
    }

    /// Adds whatever is still left out, once the tables are filled: `side_by_side` tables at
    /// a time, each on a connection of its own, since PostgreSQL builds most of these small
    /// indexes on one core.
    pub(super) async fn build_all(&self, db: &Db, side_by_side: usize) -> anyhow::Result<()> {
        let Db::Postgres(pool) = db else {
            return Ok(());
        };
        let unique = if self.unique_built.get().is_some() {
            &[][..]
        } else {
            &self.unique[..]
        };
        // A table's statements one after another (each locks the table), in table order.
        let mut by_table: Vec<(&str, Vec<String>)> = Vec::new();
        for (table, statement) in unique.iter().chain(&self.secondary) {
            match by_table.iter_mut().find(|(t, _)| t == table) {
                Some((_, statements)) => statements.push(statement.clone()),
                None => by_table.push((table, vec![statement.clone()])),
            }
        }
        let queue: Vec<Vec<String>> = by_table.into_iter().map(|(_, s)| s).collect();
        let queue = Arc::new(std::sync::Mutex::new(queue.into_iter()));
        let mut builders = tokio::task::JoinSet::new();
        for _ in 0..side_by_side.max(1) {
            let (pool, queue) = (pool.clone(), queue.clone());
            builders.spawn(async move {
                loop {
                    let next = queue
                        .lock()
                        .map_err(|_| anyhow::anyhow!("poisoned"))?
                        .next();
                    let Some(statements) = next else {
                        return anyhow::Ok(());
                    };
                    for statement in statements {
                        sqlx::query(&statement)
                            .execute(&pool)
                            .await
                            .context("could not index the rebuilt views")?;
                    }
                }
            });
        }
        while let Some(built) = builders.join_next().await {
            built.context("a rebuild's index builder failed")??;
        }
        Ok(())
    }
}

/// Creates empty tables for a rebuild beside the live ones, dropping any left by an earlier
/// rebuild that did not finish. On PostgreSQL the tables are made without their indexes and
/// unique constraints, and it answers with what adds them (see [`Deferred`]).
pub(super) async fn create_shadow(db: &Db) -> anyhow::Result<Deferred> {
    let mut deferred = Deferred::default();
    match db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            for table in VIEW_TABLES {
                sqlx::query(&format!("DROP TABLE IF EXISTS {table}{SHADOW}"))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!(
                    "CREATE TABLE {table}{SHADOW} (LIKE {table} INCLUDING ALL)"
                ))
                .execute(&mut *tx)
                .await?;
            }
            let shadows: Vec<String> = VIEW_TABLES.iter().map(|t| format!("{t}{SHADOW}")).collect();
            // Names PostgreSQL made from the table's and the columns' names, so quoting them
            // is enough.
            let constraints: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
                 FROM pg_constraint \
                 WHERE conrelid = ANY(CAST($1 AS text[])::regclass[]) AND contype IN ('p', 'u')",
            )
            .bind(&shadows)
            .fetch_all(&mut *tx)
            .await?;
            for (table, name, definition) in constraints {
                sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))
                    .execute(&mut *tx)
                    .await?;
                let statement =
                    format!("ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}");
                deferred.unique.push((table, statement));
            }
            let indexes: Vec<(String, String, String, bool)> = sqlx::query_as(
                "SELECT x.indrelid::regclass::text, i.relname::text, pg_get_indexdef(i.oid), \
                 x.indisunique FROM pg_index x \
                 JOIN pg_class i ON i.oid = x.indexrelid \
                 WHERE x.indrelid = ANY(CAST($1 AS text[])::regclass[])",
            )
            .bind(&shadows)
            .fetch_all(&mut *tx)
            .await?;
            for (table, name, definition, unique) in indexes {
                sqlx::query(&format!("DROP INDEX \"{name}\""))
                    .execute(&mut *tx)
                    .await?;
                if unique {
                    deferred.unique.push((table, definition));
                } else {
                    deferred.secondary.push((table, definition));
                }
            }
            sqlx::query(&delete_part_checkpoints())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Db::Sqlite(pool) => {
            // It reads the schema before writing: take the write lock first, or a writer
            // committing in between would leave it a stale snapshot.
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            for table in VIEW_TABLES {
                sqlx::query(&format!("DROP TABLE IF EXISTS {table}{SHADOW}"))
                    .execute(&mut *tx)
                    .await?;
                let ddl: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT type, name, sql FROM sqlite_master \
                     WHERE tbl_name = $1 AND sql IS NOT NULL ORDER BY type DESC",
                )
                .bind(table)
                .fetch_all(&mut *tx)
                .await?;
                for (kind, name, sql) in ddl {
                    let mut sql = with_suffix(&sql, SHADOW);
                    if kind == "index" {
                        // Index names are global: alternate between two names across rebuilds.
                        let renamed = match name.strip_suffix("__b") {
                            Some(base) => base.to_owned(),
                            None => format!("{name}__b"),
                        };
                        sql = sql.replacen(&name, &renamed, 1);
                    }
                    sqlx::query(&sql).execute(&mut *tx).await?;
                }
            }
            sqlx::query(&delete_part_checkpoints())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }
    Ok(deferred)
}

/// Puts the rebuilt tables in place of the live ones, all at once, and moves the live
/// checkpoint to where the rebuild reached; the running projector carries on from there.
pub(super) async fn switch_in(db: &Db, reached: LogPosition) -> anyhow::Result<()> {
    let begin = match db {
        Db::Postgres(_) => "BEGIN",
        Db::Sqlite(_) => "BEGIN IMMEDIATE",
    };
    on_db!(db, pool => {
        let mut tx = pool.begin_with(begin).await?;
        for table in VIEW_TABLES {
            sqlx::query(&format!("DROP TABLE {table}")).execute(&mut *tx).await?;
            sqlx::query(&format!("ALTER TABLE {table}{SHADOW} RENAME TO {table}"))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO projector_checkpoints (name, last_tx, last_position, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET last_tx = excluded.last_tx, \
             last_position = excluded.last_position, updated_at = excluded.updated_at",
        )
        .bind(PROJECTOR_NAME)
        .bind(reached.tx)
        .bind(reached.position)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(&delete_part_checkpoints())
            .execute(&mut *tx)
            .await?;
        // The tallies were made from the views being dropped: the projector makes them afresh.
        sqlx::query("DELETE FROM projector_checkpoints WHERE name = $1")
            .bind(TALLIES_CHECKPOINT)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
    .context("could not switch the rebuilt views in")
}

#[cfg(test)]
mod tests {
    use super::with_suffix;

    #[test]
    fn only_whole_view_table_names_get_the_suffix() {
        assert_eq!(
            with_suffix(
                "INSERT INTO view_participant_links (x) SELECT 1 FROM view_participants, view_participants_org, my_view_actions",
                "__next"
            ),
            "INSERT INTO view_participant_links__next (x) SELECT 1 FROM view_participants__next, view_participants_org, my_view_actions"
        );
        assert_eq!(with_suffix("SELECT 1", "__next"), "SELECT 1");
    }
}
