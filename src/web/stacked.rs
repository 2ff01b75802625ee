//! A stacked bar chart, drawn on the server as SVG by `web/templates/chart_stacked.html`: one
//! row a period, split into a part per series (a verdict, say), each part with a pattern of its
//! own as well as a colour, so that the chart reads without colour; a key names each pattern,
//! and the figures are a table behind a "Show the figures" disclosure. See
//! [`crate::web::chart`] for why the charts are drawn by the templates.

/// How many patterns there are: a chart has at most this many series.
pub const PATTERNS: usize = 8;

/// A stacked bar chart.
#[derive(Debug, Clone)]
pub struct Stacked {
    /// What the chart shows, as its accessible name and its table's caption.
    pub title: String,
    /// Each series' name, in the order its parts are stacked (at most [`PATTERNS`]).
    pub series: Vec<String>,
    pub rows: Vec<StackRow>,
    /// What the table's first column says (the rows' names): "Month".
    pub row_heading: &'static str,
}

/// One row: its name and a value per series.
#[derive(Debug, Clone)]
pub struct StackRow {
    pub label: String,
    pub values: Vec<u64>,
}

/// One part of a row's bar.
pub struct Part {
    /// Which series, and so which pattern.
    pub series: usize,
    pub x: u32,
    pub width: u32,
}

/// A row, placed: every length in the SVG's own units.
pub struct DrawnRow<'a> {
    pub row: &'a StackRow,
    pub label_y: u32,
    pub bar_y: u32,
    pub parts: Vec<Part>,
    /// Where the total's words go, past the bar's end.
    pub total_x: u32,
    pub total_y: u32,
    pub total: u64,
}

/// The width the longest bar may take.
pub const BAR_SPACE: u32 = 260;
/// The height of a row: its label, then its bar.
pub const ROW: u32 = 60;
pub const BAR_HEIGHT: u32 = 26;

impl StackRow {
    pub fn total(&self) -> u64 {
        self.values.iter().sum()
    }
}

impl Stacked {
    /// Each row, placed, scaled to the largest total. A part too small to see is drawn a unit
    /// wide, so that every non-zero value shows.
    pub fn drawn(&self) -> Vec<DrawnRow<'_>> {
        let scale = self
            .rows
            .iter()
            .map(StackRow::total)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let top = i as u32 * ROW;
                let mut x = 1;
                let mut running = 0;
                let mut parts = Vec::new();
                for (series, value) in row.values.iter().enumerate() {
                    if *value == 0 {
                        continue;
                    }
                    running += value;
                    // Where this part ends, from the running total, so rounding does not add up.
                    let end = 1 + ((running as f64 / scale) * f64::from(BAR_SPACE)).round() as u32;
                    let width = end.saturating_sub(x).max(1);
                    parts.push(Part { series, x, width });
                    x += width;
                }
                DrawnRow {
                    row,
                    label_y: top + 20,
                    bar_y: top + 28,
                    total_x: x + 8,
                    total_y: top + 47,
                    total: row.total(),
                    parts,
                }
            })
            .collect()
    }

    pub fn height(&self) -> u32 {
        (self.rows.len() as u32).max(1) * ROW
    }

    pub fn width(&self) -> u32 {
        BAR_SPACE + 60
    }

    /// An id for the chart's parts, from its title.
    pub fn id(&self) -> String {
        let mut id = String::from("stack-");
        id.extend(
            self.title
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        );
        id
    }

    /// The series with their pattern's number, for the key.
    pub fn key(&self) -> Vec<(usize, &str)> {
        self.series
            .iter()
            .enumerate()
            .map(|(i, s)| (i % PATTERNS, s.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, values: &[u64]) -> StackRow {
        StackRow {
            label: label.into(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn parts_follow_each_other_and_the_longest_row_fills_the_space() {
        let chart = Stacked {
            title: "Verdicts by month".into(),
            series: vec!["Acted on".into(), "Planned".into(), "Declined".into()],
            rows: vec![row("May", &[1, 0, 1]), row("June", &[2, 1, 1])],
            row_heading: "Month",
        };
        let drawn = chart.drawn();
        let may = &drawn[0];
        assert_eq!(may.total, 2);
        assert_eq!(may.parts.len(), 2, "a zero draws no part");
        assert_eq!(may.parts[1].series, 2, "the part keeps its series' pattern");
        assert_eq!(may.parts[0].x + may.parts[0].width, may.parts[1].x);
        assert_eq!(may.parts[1].x + may.parts[1].width, 1 + BAR_SPACE / 2);
        let june = &drawn[1];
        let end = june.parts.last().map(|p| p.x + p.width);
        assert_eq!(
            end,
            Some(1 + BAR_SPACE),
            "the largest total fills the space"
        );
        assert_eq!(june.label_y, ROW + may.label_y);
        assert_eq!(chart.id(), "stack-verdictsbymonth");
        assert_eq!(chart.key()[2], (2, "Declined"));
    }

    #[test]
    fn a_tiny_part_still_shows_and_an_empty_chart_has_room() {
        let chart = Stacked {
            title: "T".into(),
            series: vec!["A".into(), "B".into()],
            rows: vec![row("One", &[10_000, 1]), row("None", &[0, 0])],
            row_heading: "Month",
        };
        let drawn = chart.drawn();
        assert!(drawn[0].parts[1].width >= 1);
        assert!(drawn[1].parts.is_empty());
        assert_eq!(drawn[1].total, 0);
        let empty = Stacked {
            rows: Vec::new(),
            ..chart
        };
        assert_eq!(empty.height(), ROW);
    }
}
