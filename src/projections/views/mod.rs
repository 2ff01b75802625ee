//! The views, one file per aggregate, and the one list of them.
//!
//! Each file holds its aggregate's document, how each event changes it ([`View::apply`]), its
//! rows and tables, what a written document touches in the kept answers, and its reads. The
//! list at the bottom makes everything that goes over every view: the projector's dispatch
//! by aggregate type, the documents it holds ([`Doc`]), the tables it writes and rebuilds
//! ([`TABLES`]), the kinds of record an id names ([`RecordKind`]), the streams that belong to
//! an organisation, and which day an event says it happened.
//!
//! A new aggregate is a new file here implementing [`View`], and one line in the list.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::view::{Dep, View};

pub mod correction;
use super::write::{Rows, Table};
use crate::store::Db;

/// A kind of document the views hold, as a mutation reads it back from the projector.
pub trait Projected: View {
    #[doc(hidden)]
    fn of(doc: &Doc) -> Option<&Self>;
}

/// Fills the views' tables, in list order, into one array.
macro_rules! all_tables {
    ($count:expr; $($doc:ty),*) => {{
        const COUNT: usize = $count;
        const NONE: Table = Table { name: "", columns: &[], on_conflict: "" };
        let mut out: [&'static Table; COUNT] = [&NONE; COUNT];
        let mut n = 0;
        $(
            let tables = <$doc as View>::TABLES;
            let mut i = 0;
            while i < tables.len() {
                out[n] = tables[i];
                n += 1;
                i += 1;
            }
        )*
        out
    }};
}

/// Makes, from the list of views, everything that goes over them.
macro_rules! views {
    (
        named by code { $($coded:ident($cmodule:ident::$cdoc:ident),)* }
        named by id { $($variant:ident($module:ident::$doc:ident),)* }
    ) => {
        $(pub mod $cmodule;)*
        $(pub mod $module;)*

        /// A projected document of any kind (outside the projector, named only by
        /// [`Projected`]).
        #[derive(Debug, Clone)]
        pub enum Doc {
            $($coded($cmodule::$cdoc),)*
            $($variant($module::$doc),)*
        }

        $(impl Projected for $cmodule::$cdoc {
            fn of(doc: &Doc) -> Option<&Self> {
                match doc {
                    Doc::$coded(d) => Some(d),
                    _ => None,
                }
            }
        })*
        $(impl Projected for $module::$doc {
            fn of(doc: &Doc) -> Option<&Self> {
                match doc {
                    Doc::$variant(d) => Some(d),
                    _ => None,
                }
            }
        })*

        /// Every table the views write, in the order a batch writes them.
        pub const TABLES: [&Table; TABLE_COUNT] =
            all_tables!(TABLE_COUNT; $($cmodule::$cdoc),* $(, $module::$doc)*);
        const TABLE_COUNT: usize =
            0 $(+ <$cmodule::$cdoc as View>::TABLES.len())* $(+ <$module::$doc as View>::TABLES.len())*;

        impl Doc {
            /// The document `text` of a view of `aggregate_type`; `None` for a type no view
            /// follows.
            pub(crate) fn decode(
                aggregate_type: &str,
                text: &str,
            ) -> Option<serde_json::Result<Doc>> {
                $(if aggregate_type == <$cmodule::$cdoc as View>::AGGREGATE {
                    return Some(serde_json::from_str(text).map(Doc::$coded));
                })*
                $(if aggregate_type == <$module::$doc as View>::AGGREGATE {
                    return Some(serde_json::from_str(text).map(Doc::$variant));
                })*
                None
            }

            /// The document after the event stored as `payload` on a stream of
            /// `aggregate_type`, given the one before (taken only if of that view); `None`
            /// for a type no view follows.
            pub(crate) fn apply(
                aggregate_type: &str,
                previous: Option<Doc>,
                id: &str,
                payload: &str,
                at: DateTime<Utc>,
            ) -> Option<anyhow::Result<Doc>> {
                $(if aggregate_type == <$cmodule::$cdoc as View>::AGGREGATE {
                    return Some(apply_to(previous.and_then(|d| match d {
                        Doc::$coded(d) => Some(d),
                            _ => None,
                    }), id, payload, at).map(Doc::$coded));
                })*
                $(if aggregate_type == <$module::$doc as View>::AGGREGATE {
                    return Some(apply_to(previous.and_then(|d| match d {
                        Doc::$variant(d) => Some(d),
                            _ => None,
                    }), id, payload, at).map(Doc::$variant));
                })*
                None
            }

            /// Adds the document's rows to a batch, created at log position `created`.
            pub(crate) fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
                match self {
                    $(Doc::$coded(d) => d.rows(created, rows),)*
                    $(Doc::$variant(d) => d.rows(created, rows),)*
                }
            }

            /// Notes what the written document touches in the kept answers.
            pub(crate) fn touches(&self, touched: &mut HashSet<Dep>) {
                match self {
                    $(Doc::$coded(d) => d.touches(touched),)*
                    $(Doc::$variant(d) => d.touches(touched),)*
                }
            }
        }

        /// The facts about every view, in list order.
        pub(crate) const FACTS: &[Facts] = &[
            $(Facts::of::<$cmodule::$cdoc>(),)*
            $(Facts::of::<$module::$doc>(),)*
        ];

        /// The day an event of `aggregate_type` stored as `payload` happened, where it says.
        pub fn happened_on(aggregate_type: &str, payload: &str) -> Option<NaiveDate> {
            $(if aggregate_type == <$cmodule::$cdoc as View>::AGGREGATE {
                return <$cmodule::$cdoc as View>::happened_on(payload);
            })*
            $(if aggregate_type == <$module::$doc as View>::AGGREGATE {
                return <$module::$doc as View>::happened_on(payload);
            })*
            None
        }

        /// The kinds of record an id of their own names (organisations are named by ODS code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum RecordKind {
            $($variant,)*
        }

        /// Each kind's view, in the order [`kind_of`] asks them.
        const KINDS: &[(RecordKind, &str)] = &[
            $((RecordKind::$variant, <$module::$doc as View>::TABLES[0].name),)*
        ];
    };
}

/// The document after the event stored as `payload`, given the one before.
fn apply_to<V: View>(
    previous: Option<V>,
    id: &str,
    payload: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<V> {
    let event = serde_json::from_str(payload)?;
    Ok(V::apply(previous, id, event, at)?)
}

/// What the projector and the readers over every view need to know of one, without its type.
#[derive(Debug)]
pub(crate) struct Facts {
    /// The aggregate type, as the log names its streams.
    pub aggregate: &'static str,
    /// Its own table.
    pub table: &'static str,
    /// See [`View::KEY`].
    pub key: &'static str,
    /// See [`View::CREATED`].
    pub created: &'static str,
    /// See [`View::ALSO`].
    pub also: &'static [&'static str],
    /// See [`View::OWNERS`].
    pub owners: &'static str,
}

impl Facts {
    const fn of<V: View>() -> Facts {
        Facts {
            aggregate: V::AGGREGATE,
            table: V::TABLES[0].name,
            key: V::KEY,
            created: V::CREATED,
            also: V::ALSO,
            owners: V::OWNERS,
        }
    }
}

// The views: each its variant (as `Doc` and `RecordKind` name it), file and document.
views! {
    named by code {
        Organisation(organisation::OrganisationDoc),
    }
    named by id {
        Activity(activity::ActivityDoc),
        InputItem(input_item::InputItemDoc),
        Action(action::ActionDoc),
        Participant(participant::ParticipantDoc),
        Board(board::BoardDoc),
        Appointment(appointment::AppointmentDoc),
        BoardMeeting(board_meeting::MeetingDoc),
    }
}

/// The facts about the view of `aggregate_type`, if a view follows it.
pub(crate) fn view_of(aggregate_type: &str) -> Option<&'static Facts> {
    FACTS.iter().find(|f| f.aggregate == aggregate_type)
}

/// The names of every table the views write (see [`TABLES`]).
pub const VIEW_TABLES: [&str; TABLES.len()] = {
    let mut names = [""; TABLES.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = TABLES[i].name;
        i += 1;
    }
    names
};

/// Every table the views write, with its columns in the writer's order and each column's type
/// (see [`Kind::name`](super::write::Kind::name)): what the migrations must have made.
pub fn written_tables() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    TABLES
        .iter()
        .map(|t| {
            let columns = t.columns.iter().map(|(c, k)| (*c, k.name())).collect();
            (t.name, columns)
        })
        .collect()
}

/// Which kind of record `id` names, if the views hold one: one indexed look-up per kind, in
/// one statement.
pub async fn kind_of(db: &Db, id: Uuid) -> anyhow::Result<Option<RecordKind>> {
    let sql = KINDS
        .iter()
        .enumerate()
        .map(|(i, (_, table))| format!("SELECT CAST({i} AS BIGINT) FROM {table} WHERE id = $1"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let found: Option<i64> = on_db!(db, pool => sqlx::query_scalar(&sql)
        .bind(id.to_string()).fetch_optional(pool).await?);
    Ok(found.and_then(|i| KINDS.get(usize::try_from(i).ok()?).map(|(k, _)| *k)))
}

/// The organisations a stream's record belongs to, from the views: its owner, and for an input
/// item the partner it is referred to. Empty for a record the views do not hold.
pub async fn owners_of(db: &Db, aggregate_type: &str, id: &str) -> anyhow::Result<Vec<String>> {
    let Some(view) = FACTS
        .iter()
        .find(|f| f.aggregate == aggregate_type || f.also.contains(&aggregate_type))
    else {
        return Ok(vec![]);
    };
    if view.key != "id" {
        // Named by its organisation's code.
        return Ok(vec![id.to_owned()]);
    }
    let sql = format!("SELECT {} FROM {} WHERE id = $1", view.owners, view.table);
    let row: Option<(String, Option<String>)> =
        on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    Ok(row
        .map(|(owner, partner)| std::iter::once(owner).chain(partner).collect())
        .unwrap_or_default())
}

/// A statement answering the streams (`type/id`) that belong to the organisation bound as
/// `$1`, from the views: its own, and every record it owns.
pub fn streams_of_organisation() -> String {
    let mut selects = Vec::new();
    for view in FACTS {
        for aggregate in std::iter::once(&view.aggregate).chain(view.also) {
            selects.push(if view.key == "id" {
                format!(
                    "SELECT '{aggregate}/' || id FROM {} WHERE organisation = $1",
                    view.table
                )
            } else {
                format!("SELECT '{aggregate}/' || $1")
            });
        }
    }
    selects.join(" UNION ALL ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::action::ActionDoc;
    use super::activity::ActivityDoc;
    use super::{happened_on, view_of, View, FACTS, TABLES};

    #[test]
    fn each_view_follows_an_aggregate_and_writes_tables_of_its_own() {
        let aggregates: HashSet<&str> = FACTS.iter().map(|f| f.aggregate).collect();
        assert_eq!(aggregates.len(), FACTS.len(), "one view per aggregate type");
        let tables: HashSet<&str> = TABLES.iter().map(|t| t.name).collect();
        assert_eq!(tables.len(), TABLES.len(), "one writer per table");
        assert_eq!(
            view_of(ActivityDoc::AGGREGATE).map(|v| v.table),
            Some("view_activities")
        );
        assert!(view_of("ParticipantAccess").is_none(), "no view of its own");
    }

    #[test]
    fn an_event_says_the_day_it_happened() {
        let progress = r#"{"ProgressRecorded":{"recorded_on":"2026-03-02","note":"Begun"}}"#;
        assert_eq!(
            happened_on(ActionDoc::AGGREGATE, progress),
            "2026-03-02".parse().ok(),
            "a date no list of field names held"
        );
        assert_eq!(
            happened_on(ActivityDoc::AGGREGATE, progress),
            None,
            "not its event"
        );
        assert_eq!(happened_on("PopulationBaseline", progress), None);
    }
}
