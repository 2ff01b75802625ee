//! The organisation view: an organisation's name, kind, ICS and response window, by ODS code.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::domain::baseline::PopulationBaseline;
use crate::domain::common::{OdsCode, OrganisationKind};
use crate::domain::organisation::{Organisation, OrganisationEvent, ThemeList};
use crate::projections::select::{docs_by_ids, parse_docs, Scope};
use crate::projections::view::{missing, Dep, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

/// An organisation as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationDoc {
    pub ods_code: OdsCode,
    pub name: String,
    pub kind: OrganisationKind,
    pub ics: Option<OdsCode>,
    pub response_window_days: u32,
    pub registered_at: DateTime<Utc>,
    /// The themes it codes its input with, and what each retired name became.
    #[serde(default)]
    pub themes: ThemeList,
    /// Whether its public "you said, we did" page is on.
    #[serde(default)]
    pub public_page: bool,
}

const ORGANISATIONS: Table = Table {
    name: "view_organisations",
    columns: &[
        ("ods_code", Kind::Text),
        ("ics", Kind::Text),
        ("doc", Kind::Text),
    ],
    on_conflict: "(ods_code) DO UPDATE SET ics = excluded.ics, doc = excluded.doc",
};

impl View for OrganisationDoc {
    type Aggregate = Organisation;
    type Event = OrganisationEvent;
    const TABLES: &'static [&'static Table] = &[&ORGANISATIONS];
    const KEY: &'static str = "ods_code";
    // Its rows do not keep the position that created them: it is not used.
    const CREATED: &'static str = "CAST(0 AS BIGINT)";
    const ALSO: &'static [&'static str] = &[<PopulationBaseline as cqrs_es::Aggregate>::TYPE];
    const OWNERS: &'static str = "ods_code, NULL";

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: OrganisationEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_organisation(doc, id, event, at)
    }

    fn rows(&mut self, _created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &ORGANISATIONS,
            vec![
                Value::Text(Some(self.ods_code.as_str().to_owned())),
                Value::Text(self.ics.as_ref().map(|c| c.as_str().to_owned())),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        Ok(())
    }

    fn touches(&self, touched: &mut HashSet<Dep>) {
        touched.insert(Dep::Record(self.ods_code.to_string()));
    }
}

/// Applies an organisation event.
pub fn apply_organisation(
    doc: Option<OrganisationDoc>,
    id: &str,
    event: OrganisationEvent,
    at: DateTime<Utc>,
) -> Result<OrganisationDoc, OutOfOrder> {
    match (doc, event) {
        (
            _,
            OrganisationEvent::OrganisationRegistered {
                ods_code,
                name,
                kind,
                ics,
                response_window_days,
            },
        ) => Ok(OrganisationDoc {
            ods_code,
            name,
            kind,
            ics,
            response_window_days,
            registered_at: at,
            themes: ThemeList::default(),
            public_page: false,
        }),
        (Some(mut doc), OrganisationEvent::ResponseWindowSet { days }) => {
            doc.response_window_days = days;
            Ok(doc)
        }
        (Some(mut doc), OrganisationEvent::PublicPageSet { published }) => {
            doc.public_page = published;
            Ok(doc)
        }
        (Some(mut doc), themes) => {
            doc.themes.apply(&themes);
            Ok(doc)
        }
        (None, _) => missing("organisation event", "organisation", id),
    }
}

const SELECT: &str = "SELECT doc, CAST(0 AS BIGINT) FROM view_organisations";

/// One organisation.
pub async fn organisation(db: &Db, code: &str) -> anyhow::Result<Option<OrganisationDoc>> {
    Ok(docs_by_ids(db, SELECT, "ods_code", &[code.to_owned()])
        .await?
        .pop())
}

/// Organisations in scope, by code.
/// The ICB `ics` (an ODS code) and the organisations of its system, by ODS code: read by key,
/// whatever the number of organisations recorded.
pub async fn organisations_of_ics(db: &Db, ics: &str) -> anyhow::Result<Vec<OrganisationDoc>> {
    let ics = [ics.to_owned()];
    let mut docs: Vec<OrganisationDoc> = docs_by_ids(db, SELECT, "ods_code", &ics).await?;
    docs.extend(docs_by_ids::<OrganisationDoc>(db, SELECT, "ics", &ics).await?);
    docs.sort_by(|a, b| a.ods_code.cmp(&b.ods_code));
    docs.dedup_by(|a, b| a.ods_code == b.ods_code);
    Ok(docs)
}

pub async fn organisations(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<OrganisationDoc>> {
    let mut docs: Vec<OrganisationDoc> = match scope {
        Some(codes) => docs_by_ids(db, SELECT, "ods_code", codes).await?,
        None => {
            let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query(SELECT)
                .fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get::<i64, _>(1))).collect());
            parse_docs(rows)?.into_iter().map(|(d, _)| d).collect()
        }
    };
    docs.sort_by(|a, b| a.ods_code.cmp(&b.ods_code));
    Ok(docs)
}
