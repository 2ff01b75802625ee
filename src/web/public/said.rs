//! What the public pages say, read from the views: an organisation's published activities,
//! and for each the things people said and what came of them, in plain words.
//!
//! Only what officers wrote for the people who took part is read out: each item's summary,
//! the decision and its reason, the actions and their outcomes, the activity's title and
//! report, and dates. Nothing about who took part, who raised an item or who recorded
//! anything, and no feedback text (which may name the people it went to), is ever put here.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::common::DecisionOutcome;
use crate::projections::kept::Key;
use crate::projections::read::{self, ActivityDoc, ItemFilter, ItemView, OrganisationDoc};
use crate::projections::reads::ReadFrom;
use crate::projections::view::Dep;
use crate::projections::ProjectorHandle;
use crate::store::Db;
use crate::web::page::long_day;
use crate::web::verdict::{in_plain_words, Verdict, VerdictTag};

/// One thing people said, and what came of it.
pub struct Said {
    pub id: String,
    pub you_said: String,
    /// Where it stands, in plain words ("Not going ahead, because ...").
    pub standing: String,
    /// The same, short enough for its tag ("Not going ahead").
    pub tag: String,
    pub tag_class: &'static str,
    /// The decision, its date and its reason.
    pub decided: Option<String>,
    /// Each action taken on it, and its outcome once done.
    pub we_did: Vec<String>,
    /// When the people who raised it were told.
    pub told_on: Option<NaiveDate>,
}

/// A published activity, with what was said at it.
pub struct Published {
    pub id: String,
    pub title: String,
    /// "Held on 3 May 2026", or when it is planned for.
    pub when: String,
    /// The report its officers published after it, if any.
    pub report: Option<String>,
    pub said: Vec<Said>,
}

impl Published {
    /// How many things said stand each way, in the order they first appear: "3 done".
    pub fn counts(&self) -> Vec<(usize, String)> {
        let mut counts: Vec<(usize, String)> = Vec::new();
        for said in &self.said {
            match counts.iter_mut().find(|(_, s)| *s == said.tag) {
                Some((n, _)) => *n += 1,
                None => counts.push((1, said.tag.clone())),
            }
        }
        counts
    }
}

/// Reads what one public page shows, noting every record it was made from.
pub struct Reader<'a> {
    from: ReadFrom,
    projector: &'a ProjectorHandle,
    pub today: NaiveDate,
    pub deps: HashSet<Dep>,
    names: HashMap<String, String>,
}

impl<'a> Reader<'a> {
    pub fn new(from: ReadFrom, projector: &'a ProjectorHandle, today: NaiveDate) -> Self {
        Self {
            from,
            projector,
            today,
            deps: HashSet::new(),
            names: HashMap::new(),
        }
    }

    pub fn db(&self) -> &Db {
        self.from.db()
    }

    /// The organisation `code`, if its public page is on.
    pub async fn organisation(&mut self, code: &str) -> anyhow::Result<Option<OrganisationDoc>> {
        self.deps.insert(Dep::Record(code.to_owned()));
        let found = read::organisation(self.db(), code).await?;
        Ok(found.filter(|o| o.public_page))
    }

    /// The activities `code` has published, the latest published first; one cancelled since
    /// has nothing to say and is left out.
    pub async fn activities(&mut self, code: &str) -> anyhow::Result<Vec<ActivityDoc>> {
        self.deps.insert(Dep::ActivitiesOf(code.to_owned()));
        let mut found = read::public_activities(self.db(), code).await?;
        found.retain(|a| a.cancelled.is_none());
        Ok(found)
    }

    /// The activity with what was said at it, in the order it was raised.
    pub async fn published(&mut self, activity: &ActivityDoc) -> anyhow::Result<Published> {
        let code = activity.lead_organisation.to_string();
        let scope = [code.clone()];
        let filter = ItemFilter {
            organisation: Some(code),
            activity: Some(activity.id),
            ..ItemFilter::default()
        };
        let items =
            read::input_items_kept(&self.from, self.projector, Some(&scope), &filter).await?;
        self.deps
            .extend(Key::new(Some(&scope), &filter).depends_on(&items));
        let mut said = Vec::new();
        for item in items.iter().filter(|i| !i.doc.is_withdrawn()) {
            said.push(self.said(item).await?);
        }
        let when = match &activity.held {
            Some(held) => format!("Held on {}", long_day(held.held_on)),
            None => format!("Planned for {}", long_day(activity.planned_on)),
        };
        Ok(Published {
            id: activity.id.to_string(),
            title: activity.title.clone(),
            when,
            report: activity.report.as_ref().map(|r| r.text.clone()),
            said,
        })
    }

    async fn said(&mut self, item: &ItemView) -> anyhow::Result<Said> {
        let assessment = item.assess(self.today);
        let decision = item
            .doc
            .decisions
            .iter()
            .rfind(|d| d.decided_on <= self.today);
        let referred_to = match item.doc.referred_to() {
            Some(code) => Some(self.name_of(code.as_str()).await?),
            None => None,
        };
        let reason = decision.map_or("", |d| d.reason.as_str());
        let verdict: Verdict = assessment.verdict;
        let we_did = item
            .actions
            .iter()
            .map(|a| match (&a.completed, &a.abandoned) {
                (Some(done), _) => format!(
                    "{}: done on {}. {}",
                    a.title,
                    long_day(done.completed_on),
                    done.outcome
                ),
                (None, Some(stopped)) => format!(
                    "{}: stopped on {}, because {}",
                    a.title,
                    long_day(stopped.on),
                    stopped.text
                ),
                (None, None) => format!("{}: due by {}", a.title, long_day(a.due_on())),
            })
            .collect();
        let standing = in_plain_words(verdict, reason, referred_to.as_deref());
        Ok(Said {
            id: item.doc.id.to_string(),
            you_said: item.doc.summary.clone(),
            tag: standing
                .split(", because")
                .next()
                .unwrap_or_default()
                .to_owned(),
            standing,
            tag_class: verdict.tag_class(),
            decided: decision.map(|d| {
                let what = match d.outcome {
                    DecisionOutcome::Accepted => "We agreed to act on it",
                    DecisionOutcome::Declined => "We decided not to go ahead",
                    DecisionOutcome::AlreadyInPlace => "We found it is already in place",
                    DecisionOutcome::Referred => "We passed it to a partner to answer",
                };
                let on = long_day(d.decided_on);
                if d.reason.is_empty() {
                    format!("{what} ({on}).")
                } else {
                    format!("{what} ({on}): {}", d.reason)
                }
            }),
            we_did,
            told_on: assessment.loop_closed_on,
        })
    }

    /// An organisation's name, as people know it.
    async fn name_of(&mut self, code: &str) -> anyhow::Result<String> {
        if let Some(name) = self.names.get(code) {
            return Ok(name.clone());
        }
        self.deps.insert(Dep::Record(code.to_owned()));
        let name = read::organisation(self.db(), code)
            .await?
            .map_or_else(|| code.to_owned(), |o| o.name);
        self.names.insert(code.to_owned(), name.clone());
        Ok(name)
    }
}
