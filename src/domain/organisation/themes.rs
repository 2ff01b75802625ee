//! The themes an organisation codes its input with: a list it keeps, where a rename or a merge
//! is an event, and every name a theme ever had still finds the theme it became. Items keep the
//! themes they were recorded with; roll-ups and reports read them through the list as it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{OrganisationError, OrganisationEvent};
use crate::domain::common::{limits, FieldError};
use crate::domain::rules::themes;

/// The most themes one organisation may keep.
pub const MAX_THEMES: usize = 200;

/// An organisation's theme list, and what each retired name became.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThemeList {
    /// The themes in use, in the order added.
    pub themes: Vec<String>,
    /// Each retired name (lower-cased) and the theme in the list it now stands for.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub retired: BTreeMap<String, String>,
}

impl ThemeList {
    /// The theme in the list named `name`, whatever its case.
    fn find(&self, name: &str) -> Option<&String> {
        self.themes.iter().find(|t| t.eq_ignore_ascii_case(name))
    }

    /// What `theme` is called now: the theme it was renamed or merged into, the list's own
    /// spelling of it, or (not on the list) itself.
    pub fn current(&self, theme: &str) -> String {
        if let Some(now) = self.retired.get(&theme.to_lowercase()) {
            return now.clone();
        }
        self.find(theme)
            .cloned()
            .unwrap_or_else(|| theme.to_owned())
    }

    /// `themes` as the list names them now, each once, in order.
    pub fn current_all(&self, themes: &[String]) -> Vec<String> {
        let mut named: Vec<String> = Vec::with_capacity(themes.len());
        for theme in themes {
            let now = self.current(theme);
            if !named.iter().any(|n| n.eq_ignore_ascii_case(&now)) {
                named.push(now);
            }
        }
        named
    }

    /// A name checked as a theme (trimmed, 1 to [`limits::LABEL`] characters).
    fn name(field: &'static str, raw: &str) -> Result<String, FieldError> {
        Ok(themes(field, &[raw.to_owned()])?.remove(0))
    }

    /// A theme of the list, named as the list spells it.
    fn on_list(&self, field: &'static str, raw: &str) -> Result<String, FieldError> {
        let name = Self::name(field, raw)?;
        self.find(&name).cloned().ok_or_else(|| {
            FieldError::new(
                field,
                format!("\"{name}\" is not one of the organisation's themes"),
            )
        })
    }

    pub(super) fn add(&self, raw: &str) -> Result<OrganisationEvent, OrganisationError> {
        let name = Self::name("name", raw)?;
        if self.find(&name).is_some() {
            return Err(FieldError::new("name", format!("\"{name}\" is already a theme")).into());
        }
        if self.themes.len() >= MAX_THEMES {
            let problem = format!("the organisation already keeps {MAX_THEMES} themes, the most");
            return Err(FieldError::new("name", problem).into());
        }
        Ok(OrganisationEvent::ThemeAdded { name })
    }

    pub(super) fn rename(
        &self,
        from: &str,
        to: &str,
    ) -> Result<OrganisationEvent, OrganisationError> {
        let from = self.on_list("from", from)?;
        let to = Self::name("to", to)?;
        if from == to {
            return Err(FieldError::new("to", "is the theme's name already").into());
        }
        // A change of case only is a rename; another theme's name is a merge.
        if self
            .find(&to)
            .is_some_and(|t| !t.eq_ignore_ascii_case(&from))
        {
            let problem = format!("\"{to}\" is already a theme; merge the two instead");
            return Err(FieldError::new("to", problem).into());
        }
        Ok(OrganisationEvent::ThemeRenamed { from, to })
    }

    pub(super) fn merge(
        &self,
        from: &[String],
        into: &str,
    ) -> Result<OrganisationEvent, OrganisationError> {
        let into = self.on_list("into", into)?;
        if from.is_empty() || from.len() > limits::LIST {
            let problem = format!("name 1 to {} themes to merge", limits::LIST);
            return Err(FieldError::new("from", problem).into());
        }
        let mut merged: Vec<String> = Vec::with_capacity(from.len());
        for raw in from {
            let theme = self.on_list("from", raw)?;
            if theme == into {
                let problem = format!("\"{into}\" is the theme they merge into");
                return Err(FieldError::new("from", problem).into());
            }
            if !merged.contains(&theme) {
                merged.push(theme);
            }
        }
        Ok(OrganisationEvent::ThemesMerged { from: merged, into })
    }

    /// Takes a theme event in (others leave the list as it is).
    pub fn apply(&mut self, event: &OrganisationEvent) {
        match event {
            OrganisationEvent::ThemeAdded { name } => {
                self.retired.remove(&name.to_lowercase());
                self.themes.push(name.clone());
            }
            OrganisationEvent::ThemeRenamed { from, to } => {
                self.retire(std::slice::from_ref(from), to, true)
            }
            OrganisationEvent::ThemesMerged { from, into } => self.retire(from, into, false),
            _ => {}
        }
    }

    /// Retires `names` into `now`: a rename puts the new name in the old one's place, a merge
    /// drops the names merged. Every earlier name that stood for them stands for `now`.
    fn retire(&mut self, names: &[String], now: &str, rename: bool) {
        for name in names {
            let key = name.to_lowercase();
            match self.themes.iter().position(|t| t == name) {
                Some(at) if rename => self.themes[at] = now.to_owned(),
                Some(at) => {
                    self.themes.remove(at);
                }
                None => {}
            }
            for stands_for in self.retired.values_mut() {
                if stands_for == name {
                    *stands_for = now.to_owned();
                }
            }
            if key != now.to_lowercase() {
                self.retired.insert(key, now.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(events: &[OrganisationEvent]) -> ThemeList {
        let mut list = ThemeList::default();
        for event in events {
            list.apply(event);
        }
        list
    }

    fn added(name: &str) -> OrganisationEvent {
        OrganisationEvent::ThemeAdded { name: name.into() }
    }

    #[test]
    fn every_old_name_finds_the_theme_it_became() {
        let themes = list(&[
            added("Access"),
            added("Parking"),
            added("Transport"),
            OrganisationEvent::ThemeRenamed {
                from: "Access".into(),
                to: "Getting an appointment".into(),
            },
            OrganisationEvent::ThemesMerged {
                from: vec!["Parking".into()],
                into: "Transport".into(),
            },
            OrganisationEvent::ThemeRenamed {
                from: "Transport".into(),
                to: "Travel".into(),
            },
        ]);
        assert_eq!(themes.themes, vec!["Getting an appointment", "Travel"]);
        let recorded = ["ACCESS", "parking", "Transport", "Waiting"].map(String::from);
        assert_eq!(
            themes.current_all(&recorded),
            vec!["Getting an appointment", "Travel", "Waiting"]
        );
    }

    #[test]
    fn refuses_what_would_lose_or_repeat_a_theme() {
        let themes = list(&[added("Access"), added("Parking")]);
        let refused = |r: Result<OrganisationEvent, OrganisationError>| r.unwrap_err().to_string();
        assert_eq!(
            refused(themes.add(" access ")),
            "name: \"access\" is already a theme"
        );
        assert_eq!(
            refused(themes.rename("Access", "parking")),
            "to: \"parking\" is already a theme; merge the two instead"
        );
        assert_eq!(
            refused(themes.rename("Waiting", "Queues")),
            "from: \"Waiting\" is not one of the organisation's themes"
        );
        assert_eq!(
            refused(themes.merge(&["Access".into()], "access")),
            "from: \"Access\" is the theme they merge into"
        );
        assert_eq!(
            themes.rename("access", "ACCESS").unwrap(),
            OrganisationEvent::ThemeRenamed {
                from: "Access".into(),
                to: "ACCESS".into()
            }
        );
    }
}
