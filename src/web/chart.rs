//! Pictures of the figures, drawn on the server as SVG by the templates
//! (`web/templates/chart_bars.html`), each with its figures as a table behind a "Show the
//! figures" disclosure, so that a screen reader and a printer get the same facts.
//!
//! Why not a charting crate: the well-kept one (plotters) measures text with a font it must be
//! given as a file to lay out its labels, and paints every mark with a colour of its own; these
//! charts put each label in a column of its own, say every value in words beside its bar (so
//! they read without colour), take their colours and patterns from the service's style sheet,
//! and carry the design system's type. A bar chart is a few rectangles.

/// A horizontal bar chart: one bar a row, with its value in words at its end and, where there
/// is one, a mark at the row's target.
#[derive(Debug, Clone)]
pub struct Bars {
    /// What the chart shows, as its accessible name and its table's caption.
    pub title: String,
    pub rows: Vec<Bar>,
    /// What the table's columns say: the row's name, its value, its target.
    pub headings: [&'static str; 3],
}

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value in words: "3 of 4", "75%".
    pub said: String,
    pub target: Option<f64>,
    /// The target in words, for the table.
    pub target_said: String,
    /// Short of its target: drawn hatched as well as in another colour.
    pub short: bool,
}

/// Where a bar is drawn: every length in the SVG's own units. Each row has its label on a
/// line of its own above the bar, so that the chart is narrow enough to keep its words the
/// size of the page's on a phone.
pub struct Drawn<'a> {
    pub bar: &'a Bar,
    /// The baseline of the row's label.
    pub label_y: u32,
    /// The top of the bar.
    pub bar_y: u32,
    pub width: u32,
    /// The target's mark, across the bar.
    pub target_x: Option<u32>,
    /// Where the value's words go: past the bar's end and its target's mark.
    pub said_x: u32,
    /// The baseline of the value's words.
    pub said_y: u32,
}

/// The width the longest bar may take.
pub const BAR_SPACE: u32 = 220;
/// The height of a row: its label, then its bar.
pub const ROW: u32 = 64;
pub const BAR_HEIGHT: u32 = 26;

impl Bars {
    /// The largest value or target, to which the bars are scaled (at least 1).
    fn scale(&self) -> f64 {
        self.rows
            .iter()
            .flat_map(|r| [Some(r.value), r.target])
            .flatten()
            .fold(1.0, f64::max)
    }

    /// Each bar, placed.
    pub fn drawn(&self) -> Vec<Drawn<'_>> {
        let scale = self.scale();
        let length = |v: f64| ((v.max(0.0) / scale) * f64::from(BAR_SPACE)).round() as u32;
        self.rows
            .iter()
            .enumerate()
            .map(|(i, bar)| {
                let width = length(bar.value);
                let top = i as u32 * ROW;
                Drawn {
                    bar,
                    label_y: top + 20,
                    bar_y: top + 30,
                    width,
                    target_x: bar.target.map(length),
                    // Past the bar's end, and past its target's mark.
                    said_x: width.max(bar.target.map_or(0, length)) + 10,
                    said_y: top + 49,
                }
            })
            .collect()
    }

    /// The SVG's height.
    pub fn height(&self) -> u32 {
        (self.rows.len() as u32).max(1) * ROW
    }

    /// The SVG's width: the bars, and room for the words at the longest bar's end.
    pub fn width(&self) -> u32 {
        BAR_SPACE + 120
    }

    /// Whether any row has a target, for the table's third column and the key.
    pub fn has_targets(&self) -> bool {
        self.rows.iter().any(|r| r.target.is_some())
    }

    /// An id for the chart's parts, from its title.
    pub fn id(&self) -> String {
        let mut id = String::from("chart-");
        id.extend(
            self.title
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        );
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64, target: Option<f64>) -> Bar {
        Bar {
            label: label.into(),
            value,
            said: value.to_string(),
            target,
            target_said: String::new(),
            short: target.is_some_and(|t| value < t),
        }
    }

    #[test]
    fn bars_are_scaled_to_the_largest_value_or_target() {
        let chart = Bars {
            title: "Seats filled".into(),
            rows: vec![
                bar("Patient members", 2.0, Some(4.0)),
                bar("Lay members", 1.0, None),
            ],
            headings: ["Role", "Filled", "Target"],
        };
        let drawn = chart.drawn();
        assert_eq!(drawn[0].width, BAR_SPACE / 2, "2 of a scale of 4");
        assert_eq!(drawn[0].target_x, Some(BAR_SPACE));
        assert_eq!(drawn[1].label_y, ROW + drawn[0].label_y, "a row below");
        assert_eq!(drawn[1].target_x, None);
        assert!(drawn[0].bar.short && !drawn[1].bar.short);
        assert_eq!(chart.id(), "chart-seatsfilled");
        let empty = Bars {
            rows: Vec::new(),
            ..chart
        };
        assert!(empty.drawn().is_empty());
        assert_eq!(empty.height(), ROW, "an empty chart still has a row's room");
    }
}
