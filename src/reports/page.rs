//! A small document model for reports, rendered as Markdown or as a printable HTML page.
//!
//! Every figure carries the records it counts; both renderings number those lists as sources
//! (footnotes in Markdown, linked notes in HTML), so a reader can open any number.

use std::collections::BTreeMap;
use std::fmt::Write;

use uuid::Uuid;

use crate::projections::scorecard::{RecordKind, RecordRef};

/// A run of text within a paragraph, list item or table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    /// A figure and the number of the source listing the records it counts.
    Figure {
        text: String,
        source: Option<usize>,
    },
}

/// A block of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

/// A report page: a title, its blocks, and the sources its figures cite.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Source `n` (numbered from 1) is `sources[n - 1]`.
    pub sources: Vec<Vec<RecordRef>>,
    /// What the records are called (an activity's title, an item's summary), so that a source
    /// reads as a list of records rather than of ids; a record not named here is listed by
    /// its kind and id alone.
    pub titles: BTreeMap<Uuid, String>,
}

impl Page {
    /// A figure citing `records`; a figure counting no records cites no source.
    pub fn figure(&mut self, text: impl Into<String>, records: &[RecordRef]) -> Inline {
        let source = (!records.is_empty()).then(|| {
            self.sources.push(records.to_vec());
            self.sources.len()
        });
        Inline::Figure {
            text: text.into(),
            source,
        }
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// The page as GitHub-flavoured Markdown, sources as footnotes.
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n", md_escape(&self.title));
        for block in &self.blocks {
            out.push('\n');
            match block {
                Block::Heading(level, text) => {
                    let hashes = "#".repeat(usize::from(*level).clamp(2, 6));
                    let _ = writeln!(out, "{hashes} {}", md_escape(text));
                }
                Block::Paragraph(inlines) => {
                    let _ = writeln!(out, "{}", md_inlines(inlines));
                }
                Block::List(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", md_inlines(item));
                    }
                }
                Block::Table { header, rows } => {
                    let cells: Vec<String> =
                        header.iter().map(|h| md_cell(&md_escape(h))).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                    let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
                    for row in rows {
                        let cells: Vec<String> =
                            row.iter().map(|c| md_cell(&md_inlines(c))).collect();
                        let _ = writeln!(out, "| {} |", cells.join(" | "));
                    }
                }
            }
        }
        if !self.sources.is_empty() {
            out.push_str("\n## Sources\n\nEach note lists the records a figure counts.\n\n");
            for (n, records) in self.sources.iter().enumerate() {
                let listed: Vec<String> = records
                    .iter()
                    .map(|r| match self.titles.get(&r.id) {
                        Some(title) => {
                            format!("{} ({} {})", md_escape(title), kind_name(r.kind), r.id)
                        }
                        None => format!("{} {}", kind_name(r.kind), r.id),
                    })
                    .collect();
                let _ = writeln!(out, "[^{}]: {}", n + 1, listed.join("; "));
            }
        }
        out
    }

    /// The page as a self-contained HTML document with a print stylesheet.
    pub fn html(&self) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n",
        );
        let _ = writeln!(out, "<title>{}</title>", html_escape(&self.title));
        out.push_str(STYLE);
        out.push_str("</head>\n<body>\n<main>\n");
        out.push_str(&self.html_body(1));
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    /// The page's title, blocks and sources as HTML to put within another page, its title a
    /// heading of level `top` and every heading below it moved down to match; tables carry the
    /// NHS.UK design system's classes.
    pub fn html_body(&self, top: u8) -> String {
        let top = top.clamp(1, 5);
        let shift = |level: u8| (level + top - 1).clamp(top + 1, 6);
        let mut out = String::new();
        let _ = writeln!(out, "<h{top}>{}</h{top}>", html_escape(&self.title));
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let level = shift(*level);
                    let _ = writeln!(out, "<h{level}>{}</h{level}>", html_escape(text));
                }
                Block::Paragraph(inlines) => {
                    let _ = writeln!(out, "<p>{}</p>", html_inlines(inlines));
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", html_inlines(item));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table { header, rows } => {
                    // The design system's responsive table: on a phone each row is a card,
                    // each cell with its column's heading (hidden on wider screens).
                    out.push_str(
                        "<table class=\"nhsuk-table nhsuk-table--responsive\" role=\"table\">\n\
                         <thead class=\"nhsuk-table__head\" role=\"rowgroup\"><tr class=\"nhsuk-table__row\" role=\"row\">",
                    );
                    for h in header {
                        let _ = write!(
                            out,
                            "<th class=\"nhsuk-table__header\" scope=\"col\" role=\"columnheader\">{}</th>",
                            html_escape(h)
                        );
                    }
                    out.push_str("</tr></thead>\n<tbody class=\"nhsuk-table__body\">\n");
                    for row in rows {
                        out.push_str("<tr class=\"nhsuk-table__row\" role=\"row\">");
                        for (i, cell) in row.iter().enumerate() {
                            let heading = header.get(i).map(String::as_str).unwrap_or_default();
                            let _ = write!(
                                out,
                                "<td class=\"nhsuk-table__cell\" role=\"cell\"><span class=\"nhsuk-table__heading\" aria-hidden=\"true\">{} </span>{}</td>",
                                html_escape(heading),
                                html_inlines(cell)
                            );
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody>\n</table>\n");
                }
            }
        }
        if !self.sources.is_empty() {
            let level = shift(2);
            let _ = writeln!(
                out,
                "<section class=\"sources\">\n<h{level}>Sources</h{level}>"
            );
            out.push_str("<p>Each note lists the records a figure counts.</p>\n<ol>\n");
            for (n, records) in self.sources.iter().enumerate() {
                let _ = write!(out, "<li id=\"source-{}\"><ul>", n + 1);
                for r in records {
                    out.push_str("<li>");
                    if let Some(title) = self.titles.get(&r.id) {
                        let _ = write!(out, "{}: ", html_escape(title));
                    }
                    let _ = write!(
                        out,
                        "{} <span class=\"ref\">{}</span></li>",
                        kind_name(r.kind),
                        r.id
                    );
                }
                out.push_str("</ul></li>\n");
            }
            out.push_str("</ol>\n</section>\n");
        }
        out
    }
}

const STYLE: &str = "<style>
body { font-family: Arial, Helvetica, sans-serif; color: #212b32; line-height: 1.5; margin: 0; }
main { max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.35rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #d8dde0; padding: 0.4rem; text-align: left; vertical-align: top; }
sup a { text-decoration: none; }
.nhsuk-table__heading { display: none; }
.sources { font-size: 0.8rem; }
.sources ul { list-style: none; padding: 0; margin: 0 0 0.5rem; }
.sources .ref { color: #4c6272; word-break: break-all; }
@media print {
  body { font-size: 10.5pt; } main { max-width: none; margin: 0; }
  h1, h2, h3 { break-after: avoid; }
  /* A table may run on to the next page, a row at a time, with its header again there: kept
     whole, a long table would leave the page before it half empty. */
  tr, li li { break-inside: avoid; }
  thead { display: table-header-group; }
  p { orphans: 3; widows: 3; }
  a { color: inherit; }
}
</style>
";

fn kind_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::InputItem => "input item",
        RecordKind::Activity => "activity",
        RecordKind::Action => "action",
        RecordKind::Appointment => "appointment",
        RecordKind::BoardDecision => "board decision",
        RecordKind::Seat => "seat (appointment)",
    }
}

/// Escapes the characters Markdown would read as markup.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn md_cell(text: &str) -> String {
    if text.is_empty() {
        " ".into()
    } else {
        text.to_owned()
    }
}

fn md_inlines(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => md_escape(t),
            Inline::Strong(t) => format!("**{}**", md_escape(t)),
            Inline::Figure { text, source } => match source {
                Some(n) => format!("**{}**[^{n}]", md_escape(text)),
                None => format!("**{}**", md_escape(text)),
            },
        })
        .collect()
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn html_inlines(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => html_escape(t),
            Inline::Strong(t) => format!("<strong>{}</strong>", html_escape(t)),
            Inline::Figure { text, source } => match source {
                Some(n) => format!(
                    "<strong>{}</strong><sup><a href=\"#source-{n}\">[{n}]</a></sup>",
                    html_escape(text)
                ),
                None => format!("<strong>{}</strong>", html_escape(text)),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn page() -> Page {
        let mut page = Page {
            title: "Involvement <2026>".into(),
            ..Page::default()
        };
        let records = [RecordRef {
            kind: RecordKind::Activity,
            id: Uuid::from_u128(7),
        }];
        let held = page.figure("3", &records);
        let none = page.figure("0", &[]);
        page.push(Block::Paragraph(vec![
            Inline::Text("We held ".into()),
            held,
            Inline::Text(" activities, *all* | open; ".into()),
            none,
            Inline::Text(" cancelled.".into()),
        ]));
        page
    }

    #[test]
    fn markdown_cites_sources_and_escapes_text() {
        let md = page().markdown();
        assert!(md.starts_with("# Involvement \\<2026\\>\n"), "{md}");
        assert!(md.contains("We held **3**[^1] activities, \\*all\\* \\| open; **0** cancelled."));
        assert!(md.contains("[^1]: activity 00000000-0000-0000-0000-000000000007"));
        assert!(
            !md.contains("[^2]"),
            "a figure counting nothing cites no source"
        );
    }

    #[test]
    fn html_escapes_text_and_links_figures_to_sources() {
        let html = page().html();
        assert!(html.contains("<h1>Involvement &lt;2026&gt;</h1>"));
        assert!(html.contains("<strong>3</strong><sup><a href=\"#source-1\">[1]</a></sup>"));
        assert!(html.contains(
            "<li id=\"source-1\"><ul><li>activity <span class=\"ref\">00000000-0000-0000-0000-000000000007</span></li></ul></li>"
        ));
        assert!(html.contains("@media print"));
    }

    #[test]
    fn sources_name_their_records_by_title_and_id() {
        let mut page = page();
        page.titles
            .insert(Uuid::from_u128(7), "Diabetes <clinic> group".into());
        let html = page.html();
        assert!(html.contains(
            "<li>Diabetes &lt;clinic&gt; group: activity <span class=\"ref\">00000000-0000-0000-0000-000000000007</span></li>"
        ), "{html}");
        assert!(page.markdown().contains(
            "[^1]: Diabetes \\<clinic\\> group (activity 00000000-0000-0000-0000-000000000007)"
        ));
        // Within another page, the title is the heading asked for and the rest follow it.
        let body = page.html_body(2);
        assert!(
            body.starts_with("<h2>Involvement &lt;2026&gt;</h2>"),
            "{body}"
        );
        assert!(body.contains("<h3>Sources</h3>"), "{body}");
        assert!(!body.contains("<html"));
    }
}
