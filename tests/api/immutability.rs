//! The database itself refuses to change or remove events.

use partnership_ledger::store::Db;

use crate::helpers::{spawn_app, Backend};
use crate::on_both;

async fn events_refuse_update_and_delete(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("QMJ", "North Central Trust").await;
    let before = app.event_count().await;
    for sql in [
        "UPDATE events SET payload = '{}' WHERE position = (SELECT MIN(position) FROM events)",
        "DELETE FROM events",
    ] {
        let result = match app.db() {
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
            Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        };
        let error = result.expect_err("the database must refuse");
        assert!(
            error.to_string().contains("events are immutable"),
            "{error}"
        );
    }
    assert_eq!(app.event_count().await, before);
}

on_both!(events_refuse_update_and_delete);
