//! The `Organisation` aggregate: its state, rules and how events change it.

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::themes::ThemeList;
use super::{OrganisationCommand, OrganisationError, OrganisationEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError, OdsCode, OrganisationKind};
use crate::domain::rules::optional_ods;
use crate::domain::services::{OrganisationFacts, Services};

/// The response window, in days, of a newly registered organisation.
pub const DEFAULT_RESPONSE_WINDOW_DAYS: u32 = 60;

/// The longest response window, in days; the shortest is one day.
pub const MAX_RESPONSE_WINDOW_DAYS: u32 = 365;

/// An organisation as its events left it; empty until registered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    registered: Option<Registered>,
    #[serde(default)]
    themes: ThemeList,
}

/// What registration recorded, with later changes applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Registered {
    ods_code: OdsCode,
    name: String,
    kind: OrganisationKind,
    ics: Option<OdsCode>,
    response_window_days: u32,
    /// Whether its public page is on.
    #[serde(default)]
    public_page: bool,
}

impl Organisation {
    /// What other aggregates may know of this organisation; `None` before registration.
    pub fn facts(&self) -> Option<OrganisationFacts> {
        self.registered.as_ref().map(|r| OrganisationFacts {
            ods_code: r.ods_code.clone(),
            kind: r.kind,
            response_window_days: r.response_window_days,
        })
    }

    /// The organisation's ODS code, once registered.
    pub fn ods_code(&self) -> Option<&OdsCode> {
        self.registered.as_ref().map(|r| &r.ods_code)
    }

    /// The organisation's name, once registered.
    pub fn name(&self) -> Option<&str> {
        self.registered.as_ref().map(|r| r.name.as_str())
    }

    /// The kind of body, once registered.
    pub fn kind(&self) -> Option<OrganisationKind> {
        self.registered.as_ref().map(|r| r.kind)
    }

    /// The ICB the organisation belongs to, if registered with one.
    pub fn ics(&self) -> Option<&OdsCode> {
        self.registered.as_ref().and_then(|r| r.ics.as_ref())
    }

    async fn register(
        &self,
        ods_code: &str,
        name: &str,
        kind: OrganisationKind,
        ics: Option<&str>,
        services: &Services,
    ) -> Result<OrganisationEvent, OrganisationError> {
        if self.registered.is_some() {
            return Err(OrganisationError::AlreadyRegistered);
        }
        check_fields! {
            ods_code = OdsCode::parse("odsCode", ods_code);
            name = bounded_text("name", name, limits::TITLE, true);
            ics = optional_ods("ics", ics).and_then(|ics| match ics {
                Some(_) if kind == OrganisationKind::IntegratedCareBoard => Err(FieldError::new(
                    "ics",
                    "must be empty for an integrated care board, which is its own ICS",
                )),
                other => Ok(other),
            });
        }
        if let Some(code) = &ics {
            match services.organisation(code).await? {
                None => return Err(OrganisationError::IcsNotFound),
                Some(found) if found.kind != OrganisationKind::IntegratedCareBoard => {
                    return Err(FieldError::new(
                        "ics",
                        format!("{code} is registered, but not as an integrated care board"),
                    )
                    .into())
                }
                Some(_) => {}
            }
        }
        Ok(OrganisationEvent::OrganisationRegistered {
            ods_code,
            name,
            kind,
            ics,
            response_window_days: DEFAULT_RESPONSE_WINDOW_DAYS,
        })
    }

    fn set_response_window(&self, days: u32) -> Result<OrganisationEvent, OrganisationError> {
        if self.registered.is_none() {
            return Err(OrganisationError::NotFound);
        }
        if !(1..=MAX_RESPONSE_WINDOW_DAYS).contains(&days) {
            let problem = format!("must be between 1 and {MAX_RESPONSE_WINDOW_DAYS}");
            return Err(FieldError::new("days", problem).into());
        }
        Ok(OrganisationEvent::ResponseWindowSet { days })
    }
}

impl Aggregate for Organisation {
    const TYPE: &'static str = "Organisation";
    type Command = OrganisationCommand;
    type Event = OrganisationEvent;
    type Error = OrganisationError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command {
            OrganisationCommand::Register {
                ods_code,
                name,
                kind,
                ics,
            } => {
                self.register(&ods_code, &name, kind, ics.as_deref(), services)
                    .await?
            }
            OrganisationCommand::SetResponseWindow { days } => self.set_response_window(days)?,
            OrganisationCommand::SetPublicPage { published } => {
                let registered = self
                    .registered
                    .as_ref()
                    .ok_or(OrganisationError::NotFound)?;
                if registered.public_page == published {
                    return Err(OrganisationError::PublicPageAlready { published });
                }
                OrganisationEvent::PublicPageSet { published }
            }
            themes => {
                if self.registered.is_none() {
                    return Err(OrganisationError::NotFound);
                }
                match themes {
                    OrganisationCommand::AddTheme { name } => self.themes.add(&name)?,
                    OrganisationCommand::RenameTheme { from, to } => {
                        self.themes.rename(&from, &to)?
                    }
                    OrganisationCommand::MergeThemes { from, into } => {
                        self.themes.merge(&from, &into)?
                    }
                    _ => unreachable!("registration and windows are handled above"),
                }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        self.themes.apply(&event);
        match event {
            OrganisationEvent::OrganisationRegistered {
                ods_code,
                name,
                kind,
                ics,
                response_window_days,
            } => {
                self.registered = Some(Registered {
                    ods_code,
                    name,
                    kind,
                    ics,
                    response_window_days,
                    public_page: false,
                });
            }
            OrganisationEvent::ResponseWindowSet { days } => {
                if let Some(registered) = self.registered.as_mut() {
                    registered.response_window_days = days;
                }
            }
            OrganisationEvent::PublicPageSet { published } => {
                if let Some(registered) = self.registered.as_mut() {
                    registered.public_page = published;
                }
            }
            OrganisationEvent::ThemeAdded { .. }
            | OrganisationEvent::ThemeRenamed { .. }
            | OrganisationEvent::ThemesMerged { .. } => {}
        }
    }
}
