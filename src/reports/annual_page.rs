//! The annual-report involvement section laid out as a page.

use chrono::NaiveDate;

use super::annual::{capitalise, words, AnnualReport, Figure};
use super::lists::principle_name;
use super::page::{Block, Inline, Page};
use crate::projections::scorecard::{Measure, RecordKind, RecordRef, Unit};

fn day(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn text(t: impl Into<String>) -> Inline {
    Inline::Text(t.into())
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn measure_value(m: &Measure) -> String {
    match (m.value, m.unit) {
        (None, _) => "none to count".into(),
        (Some(v), Unit::Percent) => format!("{v:.1}%"),
        (Some(v), Unit::Days) => format!("{v} days"),
        (Some(v), Unit::Count) => format!("{v}"),
    }
}

impl Page {
    fn count(&mut self, f: &Figure) -> Inline {
        self.figure(f.count.to_string(), &f.records)
    }
}

impl AnnualReport {
    fn must(&self, key: &str) -> Figure {
        self.figure(key).cloned().unwrap_or(Figure {
            key: key.to_owned(),
            label: String::new(),
            count: 0,
            of: None,
            records: vec![],
        })
    }

    fn with_prefix(&self, prefix: &str) -> Vec<&Figure> {
        self.figures
            .iter()
            .filter(|f| f.key.starts_with(prefix))
            .collect()
    }

    /// The report as a page, ready to render as Markdown or HTML.
    pub fn page(&self) -> Page {
        let mut page = Page {
            title: format!(
                "Working with people and communities: {} ({}), {}/{:02}",
                self.name,
                self.organisation,
                self.year.from.format("%Y"),
                (self.year.to.format("%y"))
            ),
            titles: self.titles.clone(),
            ..Page::default()
        };
        let covers = if self.covered == self.year {
            format!(
                "This section covers the financial year {} to {}.",
                day(self.year.from),
                day(self.year.to)
            )
        } else {
            format!(
                "This section covers the financial year {} to {}; the year is not over, so the \
                 figures are for {} to {}.",
                day(self.year.from),
                day(self.year.to),
                day(self.covered.from),
                day(self.covered.to)
            )
        };
        page.push(Block::Paragraph(vec![
            text(covers),
            text(
                " Each numbered figure is listed under Sources with the records it counts, so it \
                 can be checked in the ledger. No participant is named.",
            ),
        ]));
        self.what_we_did(&mut page);
        self.who_took_part(&mut page);
        self.what_people_said(&mut page);
        self.what_changed(&mut page);
        self.declined_section(&mut page);
        self.how_people_were_told(&mut page);
        self.boards_section(&mut page);
        self.measures_section(&mut page);
        page
    }

    fn what_we_did(&self, page: &mut Page) {
        page.push(Block::Heading(2, "What we did".into()));
        let held = page.count(&self.must("activities_held"));
        let people = page.count(&self.must("people_taking_part"));
        page.push(Block::Paragraph(vec![
            text("Involvement activities held: "),
            held,
            text(". Places taken at them by patients, carers and members of the public: "),
            people,
            text("."),
        ]));
        let kinds = self.with_prefix("activities.");
        if !kinds.is_empty() {
            let rows = kinds
                .into_iter()
                .map(|f| vec![vec![text(capitalise(&f.label))], vec![page.count(f)]])
                .collect();
            page.push(Block::Table {
                header: vec!["Kind of activity".into(), "Held".into()],
                rows,
            });
        }
    }

    fn who_took_part(&self, page: &mut Page) {
        page.push(Block::Heading(2, "Who took part".into()));
        if self.groups.is_empty() {
            page.push(Block::Paragraph(vec![text(
                "No population baseline has been uploaded, so who took part cannot be set \
                 against the population we serve.",
            )]));
            return;
        }
        page.push(Block::Paragraph(vec![text(format!(
            "Participants' make-up, counted in aggregate when each activity was held, against \
             the population we serve. A group more than {} percentage points below its share of \
             the population is under-represented.",
            self.margin_points
        ))]));
        let rows = self
            .groups
            .iter()
            .map(|g| {
                vec![
                    vec![text(capitalise(&words(&g.dimension)))],
                    vec![text(g.category.clone())],
                    vec![text(percent(g.baseline_share))],
                    vec![text(match g.participant_share {
                        Some(s) => format!("{} ({})", g.participants, percent(s)),
                        None => "not recorded".into(),
                    })],
                    vec![if g.under_represented {
                        Inline::Strong("Under-represented".into())
                    } else {
                        text("")
                    }],
                ]
            })
            .collect();
        page.push(Block::Table {
            header: vec![
                "Characteristic".into(),
                "Group".into(),
                "Population".into(),
                "Participants".into(),
                "".into(),
            ],
            rows,
        });
        let under: Vec<String> = self
            .groups
            .iter()
            .filter(|g| g.under_represented)
            .map(|g| format!("{} {}", words(&g.dimension), g.category))
            .collect();
        page.push(Block::Paragraph(vec![text(if under.is_empty() {
            "No group was under-represented by more than the margin.".to_owned()
        } else {
            format!("Under-represented: {}.", under.join(", "))
        })]));
    }

    fn what_people_said(&self, page: &mut Page) {
        page.push(Block::Heading(2, "What people told us".into()));
        let raised = page.count(&self.must("items_raised"));
        page.push(Block::Paragraph(vec![
            text("Input items (pieces of input people gave us) recorded: "),
            raised,
            text("."),
        ]));
        let themes = self.with_prefix("theme.");
        if !themes.is_empty() {
            let rows = themes
                .into_iter()
                .map(|f| vec![vec![text(f.label.clone())], vec![page.count(f)]])
                .collect();
            page.push(Block::Table {
                header: vec!["Most common themes".into(), "Input items".into()],
                rows,
            });
        }
    }

    fn what_changed(&self, page: &mut Page) {
        page.push(Block::Heading(2, "What changed as a result".into()));
        let raised = self.must("items_raised").count;
        let acted = page.count(&self.must("acted_on"));
        let genuinely = page.count(&self.must("genuinely_acted_on"));
        page.push(Block::Paragraph(vec![
            text(format!("Of the {raised} input items, acted on: ")),
            acted,
            text(
                "; genuinely acted on (answered within the response window, acted on with a \
                 recorded outcome, and the people who raised them told): ",
            ),
            genuinely,
            text("."),
        ]));
        if self.examples.is_empty() {
            page.push(Block::Paragraph(vec![text(
                "No action was completed with a recorded outcome in this period.",
            )]));
        }
        for example in &self.examples {
            page.push(Block::Heading(3, example.title.clone()));
            let mut records = vec![RecordRef {
                kind: RecordKind::Action,
                id: example.action,
            }];
            let mut items: Vec<Vec<Inline>> = Vec::new();
            for (id, summary) in &example.you_said {
                records.push(RecordRef {
                    kind: RecordKind::InputItem,
                    id: *id,
                });
                items.push(vec![
                    Inline::Strong("You said: ".into()),
                    text(summary.clone()),
                ]);
            }
            let completed = page.figure(day(example.completed_on), &records);
            items.push(vec![
                Inline::Strong("We did: ".into()),
                text(format!("{} (completed ", example.outcome)),
                completed,
                text(")"),
            ]);
            page.push(Block::List(items));
        }
    }

    fn declined_section(&self, page: &mut Page) {
        page.push(Block::Heading(
            2,
            "What we decided not to do, and why".into(),
        ));
        let declined = page.count(&self.must("declined"));
        page.push(Block::Paragraph(vec![
            text("Input items declined: "),
            declined,
            text("."),
        ]));
        if !self.declined.is_empty() {
            let items = self
                .declined
                .iter()
                .map(|d| {
                    let on = page.figure(
                        day(d.decided_on),
                        &[RecordRef {
                            kind: RecordKind::InputItem,
                            id: d.item,
                        }],
                    );
                    vec![
                        Inline::Strong(format!("{}: ", d.summary)),
                        text(format!("{} (decided ", d.reason)),
                        on,
                        text(")"),
                    ]
                })
                .collect();
            page.push(Block::List(items));
        }
    }

    fn how_people_were_told(&self, page: &mut Page) {
        page.push(Block::Heading(2, "How we told people".into()));
        let raised = self.must("items_raised").count;
        let told = page.count(&self.must("items_fed_back"));
        page.push(Block::Paragraph(vec![
            text(format!(
                "Of the {raised} input items, those whose contributors were told the outcome: "
            )),
            told,
            text("."),
        ]));
        let channels = self.with_prefix("feedback.");
        if !channels.is_empty() {
            let rows = channels
                .into_iter()
                .map(|f| vec![vec![text(capitalise(&f.label))], vec![page.count(f)]])
                .collect();
            page.push(Block::Table {
                header: vec!["How".into(), "Times feedback was given".into()],
                rows,
            });
        }
    }

    fn boards_section(&self, page: &mut Page) {
        page.push(Block::Heading(
            2,
            "Patient representation on our boards".into(),
        ));
        if self.boards.is_empty() {
            page.push(Block::Paragraph(vec![text("No boards are recorded.")]));
            return;
        }
        page.push(Block::Paragraph(vec![text(format!(
            "Patient, lay and carer seats on {}.",
            day(self.covered.to)
        ))]));
        const COLUMNS: [(&str, &str); 5] = [
            ("patient_seats_filled", "Patient seats filled"),
            ("voting_share", "Of which voting"),
            ("days_vacant", "Days vacant"),
            ("patient_attendance", "Meetings attended"),
            ("terms_expiring_90_days", "Terms ending within 90 days"),
        ];
        let rows = self
            .boards
            .iter()
            .map(|b| {
                let mut row = vec![vec![text(b.name.clone())]];
                for (key, _) in COLUMNS {
                    row.push(match b.measures.iter().find(|m| m.key == key) {
                        Some(m) => vec![page.figure(measure_cell(m), &m.records)],
                        None => vec![text("")],
                    });
                }
                row
            })
            .collect();
        let mut header = vec!["Board".to_owned()];
        header.extend(COLUMNS.iter().map(|(_, h)| (*h).to_owned()));
        page.push(Block::Table { header, rows });
    }

    fn measures_section(&self, page: &mut Page) {
        page.push(Block::Heading(2, "Measures per principle".into()));
        page.push(Block::Paragraph(vec![text(
            "The Patients Association's six principles of partnership, measured over the same days.",
        )]));
        let rows = self
            .measures
            .iter()
            .map(|m| {
                vec![
                    vec![text(principle_name(m.principle))],
                    vec![text(m.label)],
                    vec![page.figure(measure_value(m), &m.records)],
                    // `+ 0.0` writes a negative zero as 0.
                    vec![text(format!(
                        "{} / {}",
                        m.numerator + 0.0,
                        m.denominator + 0.0
                    ))],
                ]
            })
            .collect();
        page.push(Block::Table {
            header: vec![
                "Principle".into(),
                "Measure".into(),
                "Value".into(),
                "Numerator / denominator".into(),
            ],
            rows,
        });
    }
}

/// A share measure as "3 of 4 (75.0%)"; anything else as its value.
fn measure_cell(m: &Measure) -> String {
    match m.unit {
        Unit::Percent if m.denominator > 0.0 => {
            format!(
                "{} of {} ({})",
                m.numerator,
                m.denominator,
                measure_value(m)
            )
        }
        _ => measure_value(m),
    }
}
