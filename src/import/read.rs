//! Reading a workbook (XLSX, a sheet per kind) or CSV files (one per kind, named by the sheet)
//! into tables of cells, each row with the number the spreadsheet shows it under. The header is
//! the first row naming the sheet's columns (a row of merged group labels above it is passed
//! over); blank rows and blank columns are left out; a byte-order mark is dropped.

use std::path::Path;

use super::cells::Cell;
use super::format::{SheetFormat, SHEETS};
use super::Problem;

/// A sheet's rows, read.
#[derive(Debug, Clone)]
pub struct Table {
    pub format: &'static SheetFormat,
    /// Which of the format's columns each of the sheet's columns is (none for a blank one).
    pub columns: Vec<Option<usize>>,
    pub rows: Vec<Row>,
}

/// A sheet as the file holds it: its name (or a CSV file's stem), its cells, and the number
/// the spreadsheet shows its first row under.
#[derive(Debug, Clone)]
pub struct RawSheet {
    pub name: String,
    pub grid: Vec<Vec<Cell>>,
    pub first_row: usize,
}

/// A row, with the number the spreadsheet shows it under.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Table {
    /// The cell of the format's column `name` in `row`; empty when the sheet has no such column.
    pub fn cell<'a>(&self, row: &'a Row, name: &str) -> &'a Cell {
        const EMPTY: &Cell = &Cell::Empty;
        let Some(wanted) = self.format.columns.iter().position(|c| c.name == name) else {
            return EMPTY;
        };
        self.columns
            .iter()
            .position(|c| *c == Some(wanted))
            .and_then(|i| row.cells.get(i))
            .unwrap_or(EMPTY)
    }
}

/// How many rows at the top of a sheet the header is looked for in.
const HEADER_ROWS: usize = 5;

/// The sheet `name`'s rows, as a grid of cells from its first row (numbered `first_row`), as a
/// table of its format; or the problems with its header.
pub fn table(
    sheet_name: &str,
    grid: Vec<Vec<Cell>>,
    first_row: usize,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let Some(format) = SheetFormat::named(sheet_name) else {
        problems.push(Problem::sheet(
            sheet_name,
            "a sheet of this name",
            &format!(
                "one of the template's sheets: {}",
                SHEETS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
            ),
        ));
        return None;
    };
    // The header: of the first few rows, the one naming most of the sheet's columns.
    let known = |row: &[Cell]| {
        row.iter()
            .filter(|c| format.column(&c.text()).is_some())
            .count()
    };
    let found = grid
        .iter()
        .take(HEADER_ROWS)
        .enumerate()
        .map(|(i, row)| (i, known(row)))
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(i, n)| (*n, std::cmp::Reverse(*i)));
    let Some((at, _)) = found else {
        // A sheet with nothing in it has nothing to import; one with rows needs its header.
        if grid.iter().any(|row| row.iter().any(|c| !c.is_blank())) {
            problems.push(Problem::header(
                format.name,
                "",
                "a first row naming the sheet's columns, as the template's does",
            ));
        }
        return None;
    };
    let header = &grid[at];
    let mut columns = Vec::new();
    for cell in header {
        let name = cell.text().replace('\u{feff}', "");
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        match format.column(&name) {
            Some(c) => {
                let index = format.columns.iter().position(|x| x.name == c.name);
                if columns.contains(&index) {
                    problems.push(Problem::header(format.name, &name, "a column named once"));
                }
                columns.push(index);
            }
            // What an export adds to a sheet (the verdict of each input) is passed over.
            None if format.exported_only(&name) => columns.push(None),
            None => {
                problems.push(Problem::header(
                    format.name,
                    &name,
                    &format!(
                        "one of this sheet's columns: {}",
                        format
                            .columns
                            .iter()
                            .map(|c| c.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                columns.push(None);
            }
        }
    }
    for (i, c) in format.columns.iter().enumerate() {
        if c.required && !columns.contains(&Some(i)) {
            problems.push(Problem::header(
                format.name,
                "",
                &format!("a column {}", c.name),
            ));
        }
    }
    let rows = grid
        .into_iter()
        .enumerate()
        .skip(at + 1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_blank()))
        // The template's example rows, their first cell "e.g. ...", are never imported.
        .filter(|(_, cells)| !is_example(cells))
        .map(|(i, cells)| Row {
            number: first_row + i,
            cells,
        })
        .collect();
    Some(Table {
        format,
        columns,
        rows,
    })
}

/// Whether a row is an example: its first filled cell starts "e.g.".
pub fn is_example(cells: &[Cell]) -> bool {
    cells
        .iter()
        .map(Cell::text)
        .find(|t| !t.is_empty())
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("e.g."))
}

/// A CSV file's cells: its byte-order mark dropped, any line ending. A cell written with a `'`
/// in front (as the service's own CSV files write one that a spreadsheet would take for a
/// formula, and as a spreadsheet itself marks text) is read without it.
pub fn csv_grid(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("the file is not CSV: {e}"))?;
        grid.push(
            record
                .iter()
                .map(|v| {
                    if v.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(crate::reports::spreadsheet::restore(v).to_owned())
                    }
                })
                .collect(),
        );
    }
    Ok(grid)
}

/// An XLSX workbook's sheets, each as its name, its cells and the number of its first row.
pub fn xlsx_sheets(bytes: &[u8]) -> Result<Vec<RawSheet>, String> {
    use calamine::{Data, Reader};
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("the file is not an XLSX workbook: {e}"))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| format!("the sheet {name} could not be read: {e}"))?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let grid = range
            .rows()
            .map(|row| {
                // Cells left of the range's first are blank, so columns keep their places.
                let mut cells = vec![Cell::Empty; first_column as usize];
                cells.extend(row.iter().map(|cell| match cell {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        Cell::Text(s.clone())
                    }
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(if *b { "Yes" } else { "No" }.to_owned()),
                    Data::DateTime(d) => Cell::Date(d.as_f64()),
                }));
                cells
            })
            .collect();
        sheets.push(RawSheet {
            name,
            grid,
            first_row: first_row as usize + 1,
        });
    }
    Ok(sheets)
}

/// The tables of the file at `path`: an `.xlsx` workbook, a `.csv` file named by its sheet, or
/// a folder of such CSV files.
pub fn tables(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<Table>, String> {
    Ok(sheets_to_tables(raw_sheets(&load(path)?)?, problems))
}

/// The files at `path` (the file, or a folder's CSV files in name order), each by its name.
pub fn load(path: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    files(path)?
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let name = file
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((name, bytes))
        })
        .collect()
}

/// The sheets of named files: each `.xlsx` workbook's, and each `.csv` file as the sheet its
/// name (without `.csv`) names.
pub fn raw_sheets(files: &[(String, Vec<u8>)]) -> Result<Vec<RawSheet>, String> {
    let mut sheets = Vec::new();
    for (name, bytes) in files {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xlsx") {
            sheets.extend(xlsx_sheets(bytes)?);
        } else if let Some(stem) = lower.strip_suffix(".csv").map(|_| &name[..name.len() - 4]) {
            sheets.push(RawSheet {
                name: stem.to_owned(),
                grid: csv_grid(bytes)?,
                first_row: 1,
            });
        } else {
            return Err(format!("{name}: not an .xlsx or .csv file"));
        }
    }
    Ok(sheets)
}

/// The files an import reads from `path`: the file itself, or a folder's CSV files in name
/// order.
pub fn files(path: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<_> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    Ok(files)
}

/// The tables of a workbook's sheets; a sheet of notes (as the template has) is passed over.
pub fn sheets_to_tables(sheets: Vec<RawSheet>, problems: &mut Vec<Problem>) -> Vec<Table> {
    sheets
        .into_iter()
        .filter(|s| !s.name.trim().eq_ignore_ascii_case(super::template::NOTES))
        .filter_map(|s| table(&s.name, s.grid, s.first_row, problems))
        .collect()
}
