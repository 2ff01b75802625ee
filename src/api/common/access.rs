//! Who may read a record held by several organisations, from its projected document: the
//! organisation codes [`Principal`]'s rules take, picked out of the document.

use crate::auth::Principal;
use crate::projections::docs::{ActivityDoc, InputItemDoc};

/// Whether `who` may read an input item: its owner's, or the partner's it is referred to.
pub fn can_read_item(who: &Principal, item: &InputItemDoc) -> bool {
    who.can_read_item(
        item.organisation.as_str(),
        item.referred_to().map(|r| r.as_str()),
    )
}

/// Whether `who` may read an activity: it led or partnered it.
pub fn can_read_activity(who: &Principal, activity: &ActivityDoc) -> bool {
    who.can_read_activity(
        activity.lead_organisation.as_str(),
        activity.partner_organisations.iter().map(|p| p.as_str()),
    )
}
