//! The activity as the API holds it: its document and the views it was read from. Other areas
//! name this (an input item's `activity`) without reaching the activity's fields, which name
//! input items in turn.

use crate::api::common::context::Views;
use crate::projections::docs::ActivityDoc;

/// One engagement or co-production activity.
pub struct Activity(pub ActivityDoc, pub Views);
