//! The action as a GraphQL object: a change committed in response to input, its due dates,
//! progress and outcome.

use async_graphql::{Context, Enum, Object, SimpleObject};

use crate::api::common::context::{internal, Views};
use crate::api::common::correction::Correction;
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::common::notes::DatedNote;
use crate::projections::docs::ActionDoc;
use crate::projections::read;

/// Where an action is in its lifecycle.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ActionStatus {
    Proposed,
    Agreed,
    InProgress,
    Completed,
    Abandoned,
}

/// A change of an action's due date.
#[derive(SimpleObject)]
pub struct DueDateChange {
    changed_on: Date,
    due_on: Date,
    reason: String,
}

/// A change committed in response to one or more input items.
pub struct Action(pub ActionDoc, pub Views);

#[Object]
impl Action {
    pub(crate) async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn owner_organisation(&self) -> &str {
        self.0.owner_organisation.as_str()
    }
    async fn owner_role(&self) -> &str {
        &self.0.owner_role
    }
    async fn decision_forum(&self) -> &str {
        &self.0.decision_forum
    }
    async fn status(&self) -> ActionStatus {
        match (
            &self.0.completed,
            &self.0.abandoned,
            self.0.agreed_on,
            self.0.progress_notes == 0,
        ) {
            (Some(_), _, _, _) => ActionStatus::Completed,
            (_, Some(_), _, _) => ActionStatus::Abandoned,
            (_, _, Some(_), false) => ActionStatus::InProgress,
            (_, _, Some(_), true) => ActionStatus::Agreed,
            _ => ActionStatus::Proposed,
        }
    }
    async fn input_item_ids(&self) -> Vec<async_graphql::ID> {
        self.0.input_items.iter().map(|id| (*id).into()).collect()
    }
    /// Input items linked after the proposal, each with the day the action began to answer it.
    async fn links(&self) -> Vec<ActionLink> {
        self.0
            .links
            .iter()
            .map(|l| ActionLink {
                input_item_id: l.input_item.into(),
                linked_on: Date(l.linked_on),
            })
            .collect()
    }
    /// Every correction of this action (amendments, links undone), oldest first, each with its
    /// reason.
    async fn corrections(&self) -> Vec<Correction> {
        self.0.corrections.iter().map(Correction::from).collect()
    }
    async fn proposed_on(&self) -> Date {
        Date(self.0.proposed_on)
    }
    async fn agreed_on(&self) -> Option<Date> {
        self.0.agreed_on.map(Date)
    }
    /// The due date now in force.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on())
    }
    async fn due_date_changes(&self) -> Vec<DueDateChange> {
        self.0
            .due_changes
            .iter()
            .map(|c| DueDateChange {
                changed_on: Date(c.changed_on),
                due_on: Date(c.due_on),
                reason: c.reason.clone(),
            })
            .collect()
    }
    /// Progress notes, first to latest.
    async fn progress(&self, ctx: &Context<'_>) -> ApiResult<Vec<DatedNote>> {
        let notes = read::action_progress(self.1.db(ctx), self.0.id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(notes
            .into_iter()
            .map(|p| DatedNote {
                on: Date(p.on),
                text: p.text,
            })
            .collect())
    }
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed.as_ref().map(|c| Date(c.completed_on))
    }
    async fn outcome(&self) -> Option<&str> {
        self.0.completed.as_ref().map(|c| c.outcome.as_str())
    }
    async fn evidence(&self) -> Option<&str> {
        self.0.completed.as_ref().map(|c| c.evidence.as_str())
    }
    async fn abandonment(&self) -> Option<DatedNote> {
        self.0.abandoned.as_ref().map(DatedNote::from)
    }
}

/// An input item linked to an action after it was proposed.
#[derive(SimpleObject)]
pub struct ActionLink {
    input_item_id: async_graphql::ID,
    /// The day the action began to answer it.
    linked_on: Date,
}
