//! The view tables the projector writes are the tables the migrations made: for every table
//! the writer knows, the same columns in the same order, each of a compatible type, on both
//! backends. A column added to a view and not to the migrations fails here, not in production.

use partnership_ledger::projections::views::written_tables;
use partnership_ledger::store::Db;

use crate::helpers::{spawn_app, Backend};
use crate::on_both;

/// The types a backend may have declared for a column the writer writes as `kind`.
fn compatible(backend: Backend, kind: &str) -> &'static [&'static str] {
    match (backend, kind) {
        (Backend::Sqlite, "text") => &["TEXT"],
        (Backend::Sqlite, "date") => &["DATE"],
        (Backend::Sqlite, "bigint") => &["BIGINT", "INTEGER"],
        (Backend::Sqlite, "boolean") => &["BOOLEAN"],
        (Backend::Postgres, "text") => &["text"],
        (Backend::Postgres, "date") => &["date"],
        (Backend::Postgres, "bigint") => &["bigint"],
        (Backend::Postgres, "boolean") => &["boolean"],
        _ => &[],
    }
}

/// The columns of `table` as the migrations made them, in order, with their declared types.
async fn migrated_columns(db: &Db, table: &str) -> Vec<(String, String)> {
    match db {
        Db::Sqlite(pool) => {
            let rows: Vec<(i64, String, String, i64, Option<String>, i64)> =
                sqlx::query_as(&format!("PRAGMA table_info({table})"))
                    .fetch_all(pool)
                    .await
                    .expect("the table's columns");
            rows.into_iter()
                .map(|(_, name, kind, _, _, _)| (name, kind.to_uppercase()))
                .collect()
        }
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .expect("the table's columns"),
    }
}

async fn every_written_table_matches_its_migration(backend: Backend) {
    let app = spawn_app(backend).await;
    let tables = written_tables();
    assert!(
        tables.len() >= 12,
        "the writer knows {} tables",
        tables.len()
    );
    for (table, columns) in tables {
        let migrated = migrated_columns(app.db(), table).await;
        let names: Vec<&str> = migrated.iter().map(|(n, _)| n.as_str()).collect();
        let written: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, written, "{table}: the columns the migrations made");
        for ((name, kind), (_, declared)) in columns.iter().zip(&migrated) {
            assert!(
                compatible(backend, kind).contains(&declared.as_str()),
                "{table}.{name}: written as {kind}, declared {declared}"
            );
        }
    }
}

on_both!(every_written_table_matches_its_migration);
