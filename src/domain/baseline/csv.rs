//! Reading a population baseline from CSV: `dimension,category,count` (or `share`) per line.
//! A malformed file is refused whole, naming the line and column at fault.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A demographic dimension the baseline can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    AgeBand,
    Sex,
    EthnicGroup,
    DeprivationQuintile,
    Disability,
}

impl Dimension {
    fn parse(text: &str) -> Option<Self> {
        Some(
            match text
                .trim()
                .to_ascii_lowercase()
                .replace([' ', '-'], "_")
                .as_str()
            {
                "age_band" => Self::AgeBand,
                "sex" => Self::Sex,
                "ethnic_group" => Self::EthnicGroup,
                "deprivation_quintile" => Self::DeprivationQuintile,
                "disability" => Self::Disability,
                _ => return None,
            },
        )
    }
}

/// The population's make-up: for each dimension, each category's share (0 to 1, summing to 1).
pub type Shares = BTreeMap<Dimension, BTreeMap<String, f64>>;

/// A fault in the file, at a line and column (both from 1).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}, column {column}: {problem}")]
pub struct CsvError {
    pub line: usize,
    pub column: usize,
    pub problem: String,
}

/// Every fault found in a file, in the order of its lines (the file is refused whole).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct CsvErrors(pub Vec<CsvError>);

impl From<CsvError> for CsvErrors {
    fn from(fault: CsvError) -> Self {
        Self(vec![fault])
    }
}

/// Most faults named in one file; a file with more is told of the first ones.
const MOST_FAULTS: usize = 50;

fn fault(line: usize, column: usize, problem: impl Into<String>) -> CsvError {
    CsvError {
        line,
        column,
        problem: problem.into(),
    }
}

const MAX_ROWS: usize = 500;
const MAX_LABEL: usize = 60;

/// Parses a baseline. The header names the value column: `count` (whole numbers, turned into
/// shares per dimension) or `share` (fractions of 1, or percentages if they sum to 100). A
/// file with faults is refused naming every faulty line (up to 50), so that all of them can
/// be put right at once.
pub fn parse(text: &str) -> Result<Shares, CsvErrors> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let (_, header) = lines
        .next()
        .ok_or_else(|| CsvErrors::from(fault(1, 1, "the file is empty")))?;
    let columns: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    if columns.len() != 3 || columns[0] != "dimension" || columns[1] != "category" {
        return Err(fault(
            1,
            1,
            "the header must be `dimension,category,count` or `dimension,category,share`",
        )
        .into());
    }
    let counts = match columns[2].as_str() {
        "count" => true,
        "share" => false,
        _ => return Err(fault(1, 3, "the third column must be `count` or `share`").into()),
    };
    let mut raw: BTreeMap<Dimension, BTreeMap<String, f64>> = BTreeMap::new();
    let mut rows = 0;
    let mut faults = Vec::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        rows += 1;
        if rows > MAX_ROWS {
            faults.push(fault(line, 1, format!("more than {MAX_ROWS} rows")));
            break;
        }
        if faults.len() == MOST_FAULTS {
            break;
        }
        match row(line, text, counts) {
            Ok((dimension, category, value)) => {
                if raw
                    .entry(dimension)
                    .or_default()
                    .insert(category, value)
                    .is_some()
                {
                    faults.push(fault(
                        line,
                        2,
                        "this category is listed twice for its dimension",
                    ));
                }
            }
            Err(problem) => faults.push(problem),
        }
    }
    if !faults.is_empty() {
        return Err(CsvErrors(faults));
    }
    if raw.is_empty() {
        return Err(fault(2, 1, "the file has no rows").into());
    }
    let mut shares = Shares::new();
    for (dimension, categories) in raw {
        let total: f64 = categories.values().sum();
        if total <= 0.0 {
            return Err(fault(1, 3, format!("{dimension:?} adds up to nothing")).into());
        }
        let sums_to_whole = (total - 1.0).abs() < 0.01 || (total - 100.0).abs() < 1.0;
        if !(counts || sums_to_whole) {
            return Err(fault(
                1,
                3,
                format!("the shares of {dimension:?} add up to {total}, not 1 or 100"),
            )
            .into());
        }
        shares.insert(
            dimension,
            categories
                .into_iter()
                .map(|(c, v)| (c, v / total))
                .collect(),
        );
    }
    Ok(shares)
}

/// One line's dimension, category and value, or its first fault.
fn row(line: usize, text: &str, counts: bool) -> Result<(Dimension, String, f64), CsvError> {
    let cells: Vec<&str> = text.split(',').collect();
    if cells.len() != 3 {
        return Err(fault(
            line,
            cells.len().min(3) + 1,
            format!("expected 3 columns, found {}", cells.len()),
        ));
    }
    let dimension = Dimension::parse(cells[0]).ok_or_else(|| {
        fault(line, 1, "unknown dimension: use age_band, sex, ethnic_group, deprivation_quintile or disability")
    })?;
    let category = cells[1].trim();
    if category.is_empty() || category.chars().count() > MAX_LABEL {
        return Err(fault(
            line,
            2,
            format!("the category must be 1 to {MAX_LABEL} characters"),
        ));
    }
    let value: f64 = if counts {
        cells[2]
            .trim()
            .parse::<u64>()
            .map_err(|_| fault(line, 3, "the count must be a whole number"))? as f64
    } else {
        let v: f64 = cells[2]
            .trim()
            .parse()
            .map_err(|_| fault(line, 3, "the share must be a number"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(fault(line, 3, "the share must not be negative"));
        }
        v
    };
    Ok((dimension, category.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_become_shares_per_dimension() {
        let shares = parse("dimension,category,count\nage_band,18-24,250\nage_band,65+,750\nsex,female,51\nsex,male,49\n")
            .expect("valid");
        assert_eq!(shares[&Dimension::AgeBand]["65+"], 0.75);
        assert_eq!(shares[&Dimension::Sex]["female"], 0.51);
    }

    #[test]
    fn percentages_and_fractions_are_both_accepted() {
        let pct = parse("dimension,category,share\nethnic_group,White,80\nethnic_group,Asian,20\n")
            .expect("valid");
        let frac =
            parse("dimension,category,share\nethnic_group,White,0.8\nethnic_group,Asian,0.2\n")
                .expect("valid");
        assert_eq!(pct, frac);
    }

    #[test]
    fn faults_name_the_line_and_column() {
        let cases = [
            ("", 1, 1),
            ("dim,cat,count\n", 1, 1),
            ("dimension,category,number\n", 1, 3),
            (
                "dimension,category,count\nage_band,18-24,12\nage_band,65+,lots\n",
                3,
                3,
            ),
            ("dimension,category,count\nshoe_size,9,12\n", 2, 1),
            ("dimension,category,count\nage_band,18-24\n", 2, 3),
            ("dimension,category,count\nage_band,,3\n", 2, 2),
            (
                "dimension,category,count\nsex,female,3\nsex,female,4\n",
                3,
                2,
            ),
            (
                "dimension,category,share\nsex,female,0.5\nsex,male,0.2\n",
                1,
                3,
            ),
        ];
        for (text, line, column) in cases {
            let errors = parse(text).expect_err(text);
            let first = &errors.0[0];
            assert_eq!(
                (first.line, first.column),
                (line, column),
                "{text:?}: {errors}"
            );
        }
    }

    #[test]
    fn every_faulty_line_is_named() {
        let text =
            "dimension,category,count\nage_band,18-24,lots\nsex,female,3\nshoe_size,9,1\nsex,,2\n";
        let errors = parse(text).expect_err("three faulty lines");
        let places: Vec<(usize, usize)> = errors.0.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(places, [(2, 3), (4, 1), (5, 2)]);
        assert_eq!(
            errors.to_string(),
            "line 2, column 3: the count must be a whole number; line 4, column 1: unknown \
             dimension: use age_band, sex, ethnic_group, deprivation_quintile or disability; line \
             5, column 2: the category must be 1 to 60 characters"
        );
    }
}
