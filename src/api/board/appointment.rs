//! An appointment (one person's seat on one board, for a term) as a GraphQL object.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::enums::{EndReason, SeatRole};
use crate::api::common::context::{internal, ledger, principal};
use crate::api::common::correction::Correction;
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::participant::object::{may_see, Participant};
use crate::domain::access::AccessPurpose;
use crate::projections::boards::AppointmentDoc;
use crate::projections::read;

/// One person's seat on one board, for a term.
pub struct Appointment(pub AppointmentDoc);

/// The end of an appointment.
#[derive(SimpleObject)]
pub struct AppointmentEnd {
    reason: EndReason,
    ended_on: Date,
}

#[Object]
impl Appointment {
    pub(crate) async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn board_id(&self) -> ID {
        self.0.board_id.into()
    }
    async fn role(&self) -> SeatRole {
        self.0.role.into()
    }
    async fn voting(&self) -> bool {
        self.0.voting
    }
    async fn term_start(&self) -> Date {
        Date(self.0.term_start)
    }
    /// The term end now in force (after any renewals).
    async fn term_end(&self) -> Date {
        Date(self.0.term_end())
    }
    /// Each renewal's new term end, in order.
    async fn renewed_to(&self) -> Vec<Date> {
        self.0.renewals.iter().map(|(_, end)| Date(*end)).collect()
    }
    /// Every correction of this appointment, oldest first, each with its reason.
    async fn corrections(&self) -> Vec<Correction> {
        self.0.corrections.iter().map(Correction::from).collect()
    }
    async fn ended(&self) -> Option<AppointmentEnd> {
        self.0.ended.map(|(reason, on)| AppointmentEnd {
            reason: reason.into(),
            ended_on: Date(on),
        })
    }
    /// The person holding the seat; a tombstone once erased.
    async fn participant(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let found = read::participant(ledger(ctx).db(), self.0.participant_id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        Ok(found
            .filter(|(doc, _)| may_see(who, doc.organisation.as_str()))
            .map(|(doc, _)| Participant::new(doc, AccessPurpose::ViewRecord)))
    }
}
