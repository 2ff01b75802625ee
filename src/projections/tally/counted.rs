//! Roll-ups counted item by item: what the tallies must always agree with, and what answers
//! while they are being made.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::projections::boards::meetings_of;
use crate::projections::read::{
    input_items, input_items_by_id, organisations, ItemFilter, ItemView,
};
use crate::projections::rollup::Rollup;
use crate::store::Db;

/// A scope of the tallies, as its key names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Organisation(String),
    Activity(Uuid),
    /// The integrated care system of an ICB: the ICB's own input and its members'.
    Ics(String),
    /// A theme of one organisation's list (matched without regard to case).
    Theme {
        organisation: String,
        theme: String,
    },
    /// Input cited by the decisions of a board's meetings.
    Board(Uuid),
}

impl Scope {
    /// Its key in the tallies.
    pub fn key(&self) -> String {
        use super::item::*;
        match self {
            Self::Organisation(code) => organisation_scope(code),
            Self::Activity(id) => activity_scope(&id.to_string()),
            Self::Ics(code) => ics_scope(code),
            Self::Theme {
                organisation,
                theme,
            } => theme_scope(organisation, theme),
            Self::Board(id) => board_scope(&id.to_string()),
        }
    }
}

/// Every input item of `scope`, joined (withdrawn ones too: they count in nothing).
async fn items_of(db: &Db, scope: &Scope) -> anyhow::Result<Vec<ItemView>> {
    let filtered = |filter: ItemFilter| async move { input_items(db, None, &filter).await };
    match scope {
        Scope::Organisation(code) => {
            filtered(ItemFilter {
                organisation: Some(code.clone()),
                ..ItemFilter::default()
            })
            .await
        }
        Scope::Activity(id) => {
            filtered(ItemFilter {
                activity: Some(*id),
                ..ItemFilter::default()
            })
            .await
        }
        Scope::Theme {
            organisation,
            theme,
        } => {
            filtered(ItemFilter {
                organisation: Some(organisation.clone()),
                theme: Some(theme.clone()),
                ..ItemFilter::default()
            })
            .await
        }
        Scope::Ics(ics) => {
            let mut items = Vec::new();
            for member in organisations(db, None).await? {
                let code = member.ods_code.as_str();
                let system = member.ics.as_ref().map_or(code, |i| i.as_str());
                if system == ics {
                    items.extend(
                        filtered(ItemFilter {
                            organisation: Some(code.to_owned()),
                            ..ItemFilter::default()
                        })
                        .await?,
                    );
                }
            }
            Ok(items)
        }
        Scope::Board(board) => {
            let cited: BTreeSet<String> = meetings_of(db, *board)
                .await?
                .iter()
                .flat_map(|m| &m.decisions)
                .flat_map(|d| &d.cited_input_items)
                .map(Uuid::to_string)
                .collect();
            input_items_by_id(db, &cited.into_iter().collect::<Vec<_>>()).await
        }
    }
}

/// The roll-up of `scope` as of `as_of`, judging every item raised by then.
pub async fn counted(db: &Db, scope: &Scope, as_of: NaiveDate) -> anyhow::Result<Rollup> {
    let items = items_of(db, scope).await?;
    let assessed: Vec<_> = items
        .iter()
        .filter(|v| v.doc.raised_on <= as_of)
        .map(|v| (v.doc.raised_on, v.assess(as_of)))
        .collect();
    Ok(Rollup::of(assessed.iter().map(|(d, a)| (*d, a))))
}
