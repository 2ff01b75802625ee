//! The largest organisation: one acute trust holding a large share of the log (seeded with
//! `seed --large-organisation`), read by 16 readers asking varied questions of its dashboards
//! (roll-ups of the trust, its ICS and its activities, as of today and of days up to a year
//! back; pages of items by verdict with totals; the scorecard of a financial year; the
//! officer's lists of what needs them), alone and while writers record input, with the
//! writers' rate alone beside it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{Days, Utc};
use partnership_ledger::auth::Role;
use partnership_ledger::seed::plan::{self, LARGE};
use serde_json::{json, Value};

use crate::service::Client;
use crate::stats::{closed_loop, Load};

/// The questions readers ask, each with varied arguments.
#[derive(Debug, Clone, Copy)]
pub enum Question {
    OrganisationRollup,
    IcsRollup,
    ActivityRollup,
    VerdictPage,
    Scorecard,
    NeedsAttention,
}

impl Question {
    pub const ALL: [Question; 6] = [
        Question::OrganisationRollup,
        Question::IcsRollup,
        Question::ActivityRollup,
        Question::VerdictPage,
        Question::Scorecard,
        Question::NeedsAttention,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Question::OrganisationRollup => "organisation roll-up",
            Question::IcsRollup => "ICS roll-up",
            Question::ActivityRollup => "activity roll-up",
            Question::VerdictPage => "50 items by verdict, with total",
            Question::Scorecard => "scorecard of a financial year",
            Question::NeedsAttention => "what needs you (five lists)",
        }
    }
}

const VERDICTS: [&str; 6] = [
    "OVERDUE",
    "UNANSWERED",
    "PLANNED",
    "STALLED",
    "ACTED_ON",
    "DECLINED",
];
const ROLLUP: &str = "total actedOn loopClosed answeredWithinWindow genuinelyActedOn \
    medianDaysToDecision counts { verdict count }";

/// What the readers need: a token, the trust's ICS and some of its activities.
pub struct Readers {
    client: Client,
    token: String,
    ics: String,
    activities: Vec<String>,
}

impl Readers {
    pub async fn new(client: &Client) -> anyhow::Result<Arc<Self>> {
        let token = client.token(Role::EngagementOfficer, &[LARGE])?;
        let data = client
            .ok(
                &token,
                &format!(
                    "{{ organisation(odsCode: \"{LARGE}\") {{ ics }} \
                     activities(organisation: \"{LARGE}\", first: 100) {{ edges {{ node {{ id }} }} }} }}"
                ),
                json!({}),
            )
            .await?;
        let ics = data["organisation"]["ics"]
            .as_str()
            .unwrap_or(LARGE)
            .to_owned();
        let activities: Vec<String> = data["activities"]["edges"]
            .as_array()
            .context("no activities")?
            .iter()
            .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
            .collect();
        // An officer of the trust and of every organisation of its system (the first seeded
        // system's), who may read the system's roll-up.
        let system = plan::organisations(0);
        let mut codes: Vec<&str> = system.iter().map(|(code, ..)| code.as_str()).collect();
        codes.extend([LARGE, ics.as_str()]);
        let token = client.token(Role::EngagementOfficer, &codes)?;
        Ok(Arc::new(Self {
            client: client.clone(),
            token,
            ics,
            activities,
        }))
    }

    /// Question `question` with arguments varied by `n`: as of today or a day up to a year
    /// back, one of the verdicts, pages, activities and years.
    fn query(&self, question: Question, n: u64) -> String {
        let back = (n * 37) % 366;
        let as_of = (Utc::now().date_naive() - Days::new(back)).to_string();
        // As of today (no argument), or of a day up to a year back.
        let as_of = if n.is_multiple_of(2) {
            String::new()
        } else {
            format!("asOf: \"{as_of}\"")
        };
        let in_parens = if as_of.is_empty() {
            String::new()
        } else {
            format!("({as_of})")
        };
        match question {
            Question::OrganisationRollup => format!(
                "{{ organisation(odsCode: \"{LARGE}\") {{ rollup{in_parens} {{ {ROLLUP} }} }} }}"
            ),
            Question::IcsRollup => format!(
                "{{ icsRollup(ics: \"{}\" {as_of}) {{ {ROLLUP} }} }}",
                self.ics
            ),
            Question::ActivityRollup => {
                let activity = &self.activities[n as usize % self.activities.len().max(1)];
                format!("{{ activity(id: \"{activity}\") {{ rollup{in_parens} {{ {ROLLUP} }} }} }}")
            }
            Question::VerdictPage => format!(
                "{{ inputItems(first: 50, {as_of} filter: {{ organisation: \"{LARGE}\", verdict: {} }}) \
                 {{ totalCount edges {{ node {{ id summary verdict loopClosed }} }} }} }}",
                VERDICTS[n as usize % VERDICTS.len()]
            ),
            Question::Scorecard => format!(
                "{{ scorecard(organisation: \"{LARGE}\", period: {{ financialYear: {} }}) \
                 {{ measures {{ key value numerator denominator }} }} }}",
                Utc::now().date_naive().format("%Y").to_string().parse::<i32>().unwrap_or(2026)
                    - 1
                    - (n % 2) as i32
            ),
            Question::NeedsAttention => format!(
                "{{ needsAttention(organisation: \"{LARGE}\" {as_of}) {{ \
                 overdue(first: 20) {{ totalCount edges {{ node {{ id }} }} }} \
                 windowClosing(first: 20) {{ totalCount }} stalled(first: 20) {{ totalCount }} \
                 actionDue(first: 20) {{ totalCount }} loopNotClosed(first: 20) {{ totalCount }} }} }}"
            ),
        }
    }

    /// 16 readers asking `question`, varied, for `length`.
    pub async fn load(self: &Arc<Self>, question: Question, length: Duration) -> Load {
        let readers = self.clone();
        closed_loop(16, length, move |c, i| {
            let readers = readers.clone();
            async move {
                let query = readers.query(question, c as u64 * 1_000 + i);
                let data: Value = readers.client.ok(&readers.token, &query, json!({})).await?;
                anyhow::ensure!(!data.is_null(), "no answer");
                Ok(())
            }
        })
        .await
    }
}

/// 16 readers asking every question in turn (varied), for `length`.
pub async fn mixed(readers: &Arc<Readers>, length: Duration) -> Load {
    let readers = readers.clone();
    closed_loop(16, length, move |c, i| {
        let readers = readers.clone();
        async move {
            let n = c as u64 * 1_000 + i;
            let question = Question::ALL[n as usize % Question::ALL.len()];
            let query = readers.query(question, n / Question::ALL.len() as u64);
            readers.client.ok(&readers.token, &query, json!({})).await?;
            Ok(())
        }
    })
    .await
}
