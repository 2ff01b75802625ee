//! The joined input item (with its actions, its activity's feedback and its response window)
//! that verdicts and dashboards are made from, and the reads that make it.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::{InputItemDoc, DEFAULT_RESPONSE_WINDOW_DAYS};
use crate::domain::common::OdsCode;
use crate::domain::verdict::{Assessment, ItemDates};
use crate::projections::select::{docs_by_ids, parse_docs, PushIn, Scope, CHUNK};
use crate::projections::views::action::ActionDoc;
use crate::projections::views::organisation::OrganisationDoc;
use crate::store::Db;

/// An input item with everything its verdict depends on.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub doc: InputItemDoc,
    pub log_position: i64,
    pub actions: Vec<ActionDoc>,
    pub activity_feedback: Vec<NaiveDate>,
    pub response_window_days: u32,
    /// The response window of each organisation the item was referred to.
    pub referee_windows: HashMap<OdsCode, u32>,
}

impl ItemView {
    /// The dates the verdict is computed from.
    pub fn dates(&self) -> ItemDates {
        ItemDates {
            raised_on: self.doc.raised_on,
            response_window_days: self.response_window_days,
            decisions: self.doc.dated_decisions(|code| {
                self.referee_windows
                    .get(code)
                    .copied()
                    .unwrap_or(DEFAULT_RESPONSE_WINDOW_DAYS)
            }),
            actions: self
                .actions
                .iter()
                .map(|a| a.dates_for(self.doc.id))
                .collect(),
            feedback: self
                .doc
                .feedback
                .iter()
                .map(|f| f.given_on)
                .chain(self.activity_feedback.iter().copied())
                .collect(),
            withdrawn: self.doc.is_withdrawn(),
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
    /// Only items whose summary holds every one of these words (lower case), in any case.
    pub words: Vec<String>,
    /// Only items after this log position (a page's cursor).
    pub after_position: Option<i64>,
    /// At most this many items, the first in log order (a page and one more, to tell whether
    /// there is a next). Only for filters SQL applies in full: a theme filter applies after.
    pub limit: Option<usize>,
}

/// One input item with its linked actions and activity feedback.
pub async fn input_item(db: &Db, id: Uuid) -> anyhow::Result<Option<ItemView>> {
    let rows = item_rows(db, None, &ItemFilter::default(), Some(id)).await?;
    Ok(complete_items(db, rows).await?.pop())
}

/// The input item `doc`, created at `log_position`, joined with its actions, its activity's
/// feedback and its response window.
/// The item `id` and every item withdrawn as a duplicate of it: the records whose links (the
/// people who raised them, the board decisions citing them) the original answers for.
pub async fn with_duplicates(db: &Db, id: Uuid) -> anyhow::Result<Vec<String>> {
    let duplicates: Vec<String> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM view_input_items WHERE duplicate_of = $1 ORDER BY log_position")
        .bind(id.to_string()).fetch_all(pool).await?);
    Ok(std::iter::once(id.to_string()).chain(duplicates).collect())
}

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
    // Themes as the owner's list names them now (as `complete_items` shows them), matched
    // before the rest is joined.
    if let Some(theme) = &filter.theme {
        let owners = organisations_of(db, rows.iter().map(|(d, _)| &d.organisation)).await?;
        rows.retain(|(doc, _)| {
            let current = match owners.get(doc.organisation.as_str()) {
                Some(owner) => owner.themes.current_all(&doc.themes),
                None => doc.themes.clone(),
            };
            current.iter().any(|t| t.eq_ignore_ascii_case(theme))
        });
    }
    if !filter.words.is_empty() {
        rows.retain(|(doc, _)| has_words(&doc.summary, &filter.words));
    }
    complete_items(db, rows).await
}

/// Whether `text` holds every one of `words` (lower case), in any case.
pub fn has_words(text: &str, words: &[String]) -> bool {
    let text = text.to_lowercase();
    words.iter().all(|word| text.contains(word.as_str()))
}

/// The words of a search, lower case; none for a blank one.
pub fn search_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

impl ItemFilter {
    /// Whether some of the filter applies after SQL reads the rows (so SQL cannot stop at a
    /// page's length).
    pub fn applies_after_reading(&self) -> bool {
        self.theme.is_some() || !self.words.is_empty()
    }
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
        if let (Some(limit), false) = (filter.limit, filter.applies_after_reading()) {
            q.push(" LIMIT ").push_bind(limit as i64);
        }
        q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    });
    parse_docs(rows)
}

/// The input items `ids` names, joined, in no particular order (those not found left out).
pub async fn input_items_by_id(db: &Db, ids: &[String]) -> anyhow::Result<Vec<ItemView>> {
    let rows = item_docs_by_id(db, ids).await?;
    complete_items(db, rows).await
}

/// The input items `ids` names with their documents alone, in no particular order (those not
/// found left out): not joined with their actions, their activity's feedback or their owners'
/// response windows, so for readers of what the documents say (the dates a board's citation
/// is timed from), never to judge a verdict from.
pub async fn input_items_unjoined(db: &Db, ids: &[String]) -> anyhow::Result<Vec<ItemView>> {
    Ok(item_docs_by_id(db, ids)
        .await?
        .into_iter()
        .map(|(doc, log_position)| ItemView {
            doc,
            log_position,
            actions: Vec::new(),
            activity_feedback: Vec::new(),
            response_window_days: 0,
            referee_windows: HashMap::new(),
        })
        .collect())
}

/// Names the themes of `docs` as their owners name them now (renamed and merged themes
/// under the theme they became), reading each owner once.
pub async fn name_themes_as_now(db: &Db, docs: &mut [InputItemDoc]) -> anyhow::Result<()> {
    let owners = organisations_of(db, docs.iter().map(|d| &d.organisation)).await?;
    for doc in docs {
        name_themes_now(&owners, doc);
    }
    Ok(())
}

async fn item_docs_by_id(db: &Db, ids: &[String]) -> anyhow::Result<Vec<(InputItemDoc, i64)>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<(String, i64)> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT doc, log_position FROM view_input_items WHERE ");
            q.push_in("id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
        });
        rows.extend(parse_docs(found)?);
    }
    Ok(rows)
}

/// Recorded themes as the owner's list names them now: renamed and merged themes count under
/// the theme they became.
fn name_themes_now(owners: &HashMap<String, OrganisationDoc>, doc: &mut InputItemDoc) {
    if let Some(owner) = owners.get(doc.organisation.as_str()) {
        doc.themes = owner.themes.current_all(&doc.themes);
    }
}

/// The organisations named by `codes`, each read once, by ODS code.
pub(crate) async fn organisations_of<'a>(
    db: &Db,
    codes: impl Iterator<Item = &'a OdsCode>,
) -> anyhow::Result<HashMap<String, OrganisationDoc>> {
    let codes: Vec<String> = codes
        .map(|c| c.to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    Ok(docs_by_ids::<OrganisationDoc>(
        db,
        "SELECT doc, CAST(0 AS BIGINT) FROM view_organisations",
        "ods_code",
        &codes,
    )
    .await?
    .into_iter()
    .map(|o| (o.ods_code.to_string(), o))
    .collect())
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
    let organisations =
        organisations_of(db, rows.iter().flat_map(|(d, _)| d.window_holders())).await?;
    let windows: HashMap<&str, u32> = organisations
        .iter()
        .map(|(code, o)| (code.as_str(), o.response_window_days))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(mut doc, log_position)| {
            name_themes_now(&organisations, &mut doc);
            let mut linked: Vec<ActionDoc> = links
                .get(&doc.id.to_string())
                .into_iter()
                .flatten()
                .filter_map(|id| {
                    id.parse()
                        .ok()
                        .and_then(|id: Uuid| actions.get(&id).cloned())
                })
                // A link row outlives an unlinking: the action's document says what it answers.
                .filter(|a| a.input_items.contains(&doc.id))
                .collect();
            linked.sort_by_key(|a| (a.proposed_on, a.id));
            let referee_windows = doc
                .window_holders()
                .skip(1)
                .filter_map(|c| Some((c.clone(), *windows.get(c.as_str())?)))
                .collect();
            ItemView {
                activity_feedback: feedback.get(&doc.activity_id).cloned().unwrap_or_default(),
                referee_windows,
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
