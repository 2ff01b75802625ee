//! Reading the view tables: documents by id and filtered lists, joined in memory into what the
//! verdict needs. Every list is scoped to a set of organisations (`None` reads them all).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::docs::{ActionDoc, ActivityDoc, DatedText, InputItemDoc, OrganisationDoc};
use super::kept::{KeptItems, Key};
use super::participants::ParticipantDoc;
use crate::domain::verdict::{Assessment, ItemDates};
use crate::store::Db;

/// Which organisations' records a reader may see; `None` means all.
pub type Scope<'a> = Option<&'a [String]>;

/// The response window used when an organisation's record cannot be found.
pub const DEFAULT_RESPONSE_WINDOW_DAYS: u32 = 60;
const CHUNK: usize = 500;

/// An input item with everything its verdict depends on.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub doc: InputItemDoc,
    pub log_position: i64,
    pub actions: Vec<ActionDoc>,
    pub activity_feedback: Vec<NaiveDate>,
    pub response_window_days: u32,
}

impl ItemView {
    /// The dates the verdict is computed from.
    pub fn dates(&self) -> ItemDates {
        ItemDates {
            raised_on: self.doc.raised_on,
            response_window_days: self.response_window_days,
            decisions: self.doc.dated_decisions(),
            actions: self.actions.iter().map(ActionDoc::dates).collect(),
            feedback: self
                .doc
                .feedback
                .iter()
                .map(|f| f.given_on)
                .chain(self.activity_feedback.iter().copied())
                .collect(),
        }
    }

    /// The verdict as of `as_of`.
    pub fn assess(&self, as_of: NaiveDate) -> Assessment {
        self.dates().assess(as_of)
    }
}

/// Filters on input items that SQL applies; verdict filters are applied after assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ItemFilter {
    pub organisation: Option<String>,
    pub activity: Option<Uuid>,
    pub raised_from: Option<NaiveDate>,
    pub raised_to: Option<NaiveDate>,
    pub theme: Option<String>,
    /// Only items after this log position (a page's cursor).
    pub after_position: Option<i64>,
    /// At most this many items, the first in log order (a page and one more, to tell whether
    /// there is a next). Only for filters SQL applies in full: a theme filter applies after.
    pub limit: Option<usize>,
}

/// `column IN (values)`, written so that one statement text serves any number of values where
/// the backend allows it: `= ANY($n)` with an array on PostgreSQL, whose prepared statement is
/// then cached and planned once, rather than a new statement (and a round trip to prepare it)
/// for every length of list. SQLite, which has no arrays and prepares in process, gets the list.
trait PushIn {
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

fn parse_docs<T: DeserializeOwned>(rows: Vec<(String, i64)>) -> anyhow::Result<Vec<(T, i64)>> {
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

/// The kinds of record an id of their own names (organisations are named by ODS code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Activity,
    InputItem,
    Action,
    Participant,
    Board,
    Appointment,
    BoardMeeting,
}

/// Each kind's view table, in the order [`kind_of`] asks them.
const KIND_TABLES: [(RecordKind, &str); 7] = [
    (RecordKind::Activity, "view_activities"),
    (RecordKind::InputItem, "view_input_items"),
    (RecordKind::Action, "view_actions"),
    (RecordKind::Participant, "view_participants"),
    (RecordKind::Board, "view_boards"),
    (RecordKind::Appointment, "view_appointments"),
    (RecordKind::BoardMeeting, "view_meetings"),
];

/// Which kind of record `id` names, if the views hold one: one indexed look-up per kind, in
/// one statement.
pub async fn kind_of(db: &Db, id: Uuid) -> anyhow::Result<Option<RecordKind>> {
    let sql = KIND_TABLES
        .iter()
        .enumerate()
        .map(|(i, (_, table))| format!("SELECT CAST({i} AS BIGINT) FROM {table} WHERE id = $1"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let found: Option<i64> = on_db!(db, pool => sqlx::query_scalar(&sql)
        .bind(id.to_string()).fetch_optional(pool).await?);
    Ok(found.and_then(|i| KIND_TABLES.get(usize::try_from(i).ok()?).map(|(k, _)| *k)))
}

/// One organisation.
pub async fn organisation(db: &Db, code: &str) -> anyhow::Result<Option<OrganisationDoc>> {
    Ok(docs_by_ids(
        db,
        "SELECT doc, CAST(0 AS BIGINT) FROM view_organisations",
        "ods_code",
        &[code.to_owned()],
    )
    .await?
    .pop())
}

/// Organisations in scope, by code.
pub async fn organisations(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<OrganisationDoc>> {
    let mut docs: Vec<OrganisationDoc> = match scope {
        Some(codes) => {
            docs_by_ids(
                db,
                "SELECT doc, CAST(0 AS BIGINT) FROM view_organisations",
                "ods_code",
                codes,
            )
            .await?
        }
        None => {
            let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query("SELECT doc, CAST(0 AS BIGINT) FROM view_organisations")
                .fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get::<i64, _>(1))).collect());
            parse_docs(rows)?.into_iter().map(|(d, _)| d).collect()
        }
    };
    docs.sort_by(|a, b| a.ods_code.cmp(&b.ods_code));
    Ok(docs)
}

/// One activity.
pub async fn activity(db: &Db, id: Uuid) -> anyhow::Result<Option<(ActivityDoc, i64)>> {
    Ok(activities_where(db, Some(("id", &[id.to_string()])))
        .await?
        .pop())
}

/// Activities led by or partnered with an organisation in scope, oldest first.
pub async fn activities(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<(ActivityDoc, i64)>> {
    let mut all = activities_where(db, None).await?;
    if let Some(codes) = scope {
        all.retain(|(a, _)| {
            codes.iter().any(|c| c == a.lead_organisation.as_str())
                || a.partner_organisations
                    .iter()
                    .any(|p| codes.iter().any(|c| c == p.as_str()))
        });
    }
    Ok(all)
}

async fn activities_where(
    db: &Db,
    by: Option<(&str, &[String])>,
) -> anyhow::Result<Vec<(ActivityDoc, i64)>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT doc, log_position FROM view_activities");
        if let Some((key, ids)) = by {
            q.push(" WHERE ").push_in(key, ids);
        }
        q.push(" ORDER BY log_position");
        q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    });
    parse_docs(rows)
}

/// One action.
pub async fn action(db: &Db, id: Uuid) -> anyhow::Result<Option<ActionDoc>> {
    Ok(docs_by_ids(
        db,
        "SELECT doc, log_position FROM view_actions",
        "id",
        &[id.to_string()],
    )
    .await?
    .pop())
}

/// An action's progress notes, first to latest.
pub async fn action_progress(db: &Db, id: Uuid) -> anyhow::Result<Vec<DatedText>> {
    const SQL: &str =
        "SELECT recorded_on, note FROM view_action_progress WHERE action_id = $1 ORDER BY seq";
    let rows: Vec<(NaiveDate, String)> = on_db!(db, pool => sqlx::query_as(SQL)
        .bind(id.to_string()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|(on, text)| DatedText { on, text })
        .collect())
}

/// Actions owned by an organisation in scope, oldest first.
pub async fn actions(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<(ActionDoc, i64)>> {
    docs_in_scope(db, "view_actions", scope).await
}

/// Every document of `table` whose `organisation` is in scope, in log order.
async fn docs_in_scope<T: DeserializeOwned>(
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

/// One input item with its linked actions and activity feedback.
pub async fn input_item(db: &Db, id: Uuid) -> anyhow::Result<Option<ItemView>> {
    let rows = item_rows(db, None, &ItemFilter::default(), Some(id)).await?;
    Ok(complete_items(db, rows).await?.pop())
}

/// The input item `doc`, created at `log_position`, joined with its actions, its activity's
/// feedback and its response window.
pub async fn join_item(db: &Db, doc: InputItemDoc, log_position: i64) -> anyhow::Result<ItemView> {
    complete_items(db, vec![(doc, log_position)])
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("an input item was lost joining it"))
}

/// Input items owned by or referred to an organisation in scope, matching `filter`, oldest first.
pub async fn input_items(
    db: &Db,
    scope: Scope<'_>,
    filter: &ItemFilter,
) -> anyhow::Result<Vec<ItemView>> {
    let mut rows = item_rows(db, scope, filter, None).await?;
    if let Some(theme) = &filter.theme {
        rows.retain(|(doc, _)| doc.themes.iter().any(|t| t.eq_ignore_ascii_case(theme)));
    }
    complete_items(db, rows).await
}

/// [`input_items`], answered from `kept` when it holds the answer, and kept there when read.
/// `kept` is the replica's own (see [`KeptItems`]), `None` where it keeps nothing.
pub async fn input_items_kept(
    db: &Db,
    kept: Option<&KeptItems>,
    scope: Scope<'_>,
    filter: &ItemFilter,
) -> anyhow::Result<Vec<ItemView>> {
    let Some(kept) = kept else {
        return input_items(db, scope, filter).await;
    };
    let key = Key::new(scope, filter);
    if let Some(found) = kept.get(&key) {
        return Ok(found);
    }
    let ticket = kept.ticket();
    let found = input_items(db, scope, filter).await?;
    kept.keep(key, ticket, &found);
    Ok(found)
}

async fn item_rows(
    db: &Db,
    scope: Scope<'_>,
    filter: &ItemFilter,
    id: Option<Uuid>,
) -> anyhow::Result<Vec<(InputItemDoc, i64)>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT doc, log_position FROM view_input_items WHERE 1 = 1");
        if let Some(codes) = scope {
            q.push(" AND (").push_in("organisation", codes).push(" OR ").push_in("referred_to", codes).push(")");
        }
        if let Some(id) = id {
            q.push(" AND id = ").push_bind(id.to_string());
        }
        if let Some(org) = &filter.organisation {
            q.push(" AND organisation = ").push_bind(org.clone());
        }
        if let Some(activity) = filter.activity {
            q.push(" AND activity_id = ").push_bind(activity.to_string());
        }
        if let Some(from) = filter.raised_from {
            q.push(" AND raised_on >= ").push_bind(from);
        }
        if let Some(to) = filter.raised_to {
            q.push(" AND raised_on <= ").push_bind(to);
        }
        if let Some(after) = filter.after_position {
            q.push(" AND log_position > ").push_bind(after);
        }
        q.push(" ORDER BY log_position");
        if let (Some(limit), None) = (filter.limit, &filter.theme) {
            q.push(" LIMIT ").push_bind(limit as i64);
        }
        q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    });
    parse_docs(rows)
}

/// Joins items with their actions, their activities' feedback and their response windows.
async fn complete_items(db: &Db, rows: Vec<(InputItemDoc, i64)>) -> anyhow::Result<Vec<ItemView>> {
    let item_ids: Vec<String> = rows.iter().map(|(d, _)| d.id.to_string()).collect();
    let mut links: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in item_ids.chunks(CHUNK) {
        let pairs: Vec<(String, String)> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT input_item_id, action_id FROM view_action_links WHERE ");
            q.push_in("input_item_id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
        });
        for (item, action) in pairs {
            links.entry(item).or_default().push(action);
        }
    }
    let action_ids: Vec<String> = links
        .values()
        .flatten()
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let actions: HashMap<Uuid, ActionDoc> = docs_by_ids::<ActionDoc>(
        db,
        "SELECT doc, log_position FROM view_actions",
        "id",
        &action_ids,
    )
    .await?
    .into_iter()
    .map(|a| (a.id, a))
    .collect();
    let activity_ids: Vec<String> = rows
        .iter()
        .map(|(d, _)| d.activity_id.to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // Of each activity only the dates its feedback was given: the rest of its document is
    // passed over unread.
    #[derive(serde::Deserialize)]
    struct GivenOn {
        given_on: NaiveDate,
    }
    #[derive(serde::Deserialize)]
    struct ActivityFeedback {
        id: Uuid,
        feedback: Vec<GivenOn>,
    }
    let feedback: HashMap<Uuid, Vec<NaiveDate>> = docs_by_ids::<ActivityFeedback>(
        db,
        "SELECT doc, log_position FROM view_activities",
        "id",
        &activity_ids,
    )
    .await?
    .into_iter()
    .map(|a| (a.id, a.feedback.iter().map(|f| f.given_on).collect()))
    .collect();
    let org_codes: Vec<String> = rows
        .iter()
        .map(|(d, _)| d.organisation.to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let windows: HashMap<String, u32> = docs_by_ids::<OrganisationDoc>(
        db,
        "SELECT doc, CAST(0 AS BIGINT) FROM view_organisations",
        "ods_code",
        &org_codes,
    )
    .await?
    .into_iter()
    .map(|o| (o.ods_code.to_string(), o.response_window_days))
    .collect();
    Ok(rows
        .into_iter()
        .map(|(doc, log_position)| {
            let mut linked: Vec<ActionDoc> = links
                .get(&doc.id.to_string())
                .into_iter()
                .flatten()
                .filter_map(|id| {
                    id.parse()
                        .ok()
                        .and_then(|id: Uuid| actions.get(&id).cloned())
                })
                .collect();
            linked.sort_by_key(|a| (a.proposed_on, a.id));
            ItemView {
                activity_feedback: feedback.get(&doc.activity_id).cloned().unwrap_or_default(),
                response_window_days: windows
                    .get(doc.organisation.as_str())
                    .copied()
                    .unwrap_or(DEFAULT_RESPONSE_WINDOW_DAYS),
                actions: linked,
                log_position,
                doc,
            }
        })
        .collect())
}

/// One participant (no personal data: that is read through the ledger with their key).
pub async fn participant(db: &Db, id: Uuid) -> anyhow::Result<Option<(ParticipantDoc, i64)>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query("SELECT doc, log_position FROM view_participants WHERE id = $1")
        .bind(id.to_string()).fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect());
    Ok(parse_docs(rows)?.pop())
}

/// Participants of the organisations in scope, oldest first.
pub async fn participants(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<(ParticipantDoc, i64)>> {
    docs_in_scope(db, "view_participants", scope).await
}

/// Participants linked to any of `targets` (activities or input items), oldest first.
pub async fn participants_linked(
    db: &Db,
    targets: &[String],
) -> anyhow::Result<Vec<ParticipantDoc>> {
    let mut ids: Vec<String> = Vec::new();
    for chunk in targets.chunks(CHUNK) {
        let found: Vec<String> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT DISTINCT participant_id FROM view_participant_links WHERE ");
            q.push_in("target_id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| r.get(0)).collect()
        });
        ids.extend(found);
    }
    ids.sort();
    ids.dedup();
    let mut docs: Vec<ParticipantDoc> = docs_by_ids(
        db,
        "SELECT doc, log_position FROM view_participants",
        "id",
        &ids,
    )
    .await?;
    docs.sort_by_key(|d| (d.registered_on, d.id));
    Ok(docs)
}

/// The organisations a stream's record belongs to, from the views: its owner, and for an input
/// item the partner it is referred to. Empty for a record the views do not hold.
pub async fn owners_of(db: &Db, aggregate_type: &str, id: &str) -> anyhow::Result<Vec<String>> {
    let sql = match aggregate_type {
        "Organisation" | "PopulationBaseline" => return Ok(vec![id.to_owned()]),
        "Activity" => "SELECT organisation, NULL FROM view_activities WHERE id = $1",
        "InputItem" => "SELECT organisation, referred_to FROM view_input_items WHERE id = $1",
        "Action" => "SELECT organisation, NULL FROM view_actions WHERE id = $1",
        "Participant" | "ParticipantAccess" => {
            "SELECT organisation, NULL FROM view_participants WHERE id = $1"
        }
        "Board" => "SELECT organisation, NULL FROM view_boards WHERE id = $1",
        "Appointment" => "SELECT organisation, NULL FROM view_appointments WHERE id = $1",
        "BoardMeeting" => "SELECT organisation, NULL FROM view_meetings WHERE id = $1",
        _ => return Ok(vec![]),
    };
    let row: Option<(String, Option<String>)> =
        on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
    Ok(row
        .map(|(owner, partner)| std::iter::once(owner).chain(partner).collect())
        .unwrap_or_default())
}
