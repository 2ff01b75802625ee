//! The rows a projector batch writes: the view tables as the writer knows them, and each
//! batch's rows table by table.

use std::collections::BTreeSet;

use chrono::NaiveDate;

/// The type of a column, as PostgreSQL's arrays need it named.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    Date,
    Int,
    Bool,
}

impl Kind {
    /// The type's name, as PostgreSQL's `information_schema` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Int => "bigint",
            Kind::Bool => "boolean",
        }
    }

    pub(super) fn array(self) -> &'static str {
        match self {
            Kind::Text => "text[]",
            Kind::Date => "date[]",
            Kind::Int => "int8[]",
            Kind::Bool => "bool[]",
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone)]
pub enum Value {
    Text(Option<String>),
    Date(NaiveDate),
    Int(i64),
    Bool(bool),
}

/// A view table as the projector writes it.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// What follows `ON CONFLICT`.
    pub on_conflict: &'static str,
}

/// The rows of one batch, table by table, for the tables it was made for (every view's).
pub struct Rows {
    /// The tables, in the order a batch writes them.
    tables: &'static [&'static Table],
    /// Document rows, per table in `tables` order, each written once (the batch keeps one
    /// document per record).
    docs: Vec<Vec<Vec<Value>>>,
    /// Link rows, which many documents of a batch may repeat.
    links: Vec<BTreeSet<Vec<String>>>,
    /// Whether none of the rows is in the tables yet, so that they are inserted without
    /// looking for one to replace (a rebuild's first write of a record): on PostgreSQL with
    /// `COPY`, into tables that may not have their indexes yet. A row that is there after all
    /// fails the write, or the building of its table's unique key.
    pub(super) new: bool,
}

impl Rows {
    /// No rows yet, for `tables`.
    pub fn new(tables: &'static [&'static Table]) -> Self {
        Self {
            tables,
            docs: tables.iter().map(|_| Vec::new()).collect(),
            links: tables.iter().map(|_| BTreeSet::new()).collect(),
            new: false,
        }
    }

    fn index_of(&self, table: &Table) -> usize {
        self.tables
            .iter()
            .position(|t| t.name == table.name)
            .expect("a view table the projector knows")
    }

    /// A document row of `table`, its values in the table's column order.
    pub fn doc(&mut self, table: &Table, row: Vec<Value>) {
        debug_assert_eq!(row.len(), table.columns.len());
        let at = self.index_of(table);
        self.docs[at].push(row);
    }

    /// A link row of `table`, whose columns are all text.
    pub fn link(&mut self, table: &Table, row: Vec<String>) {
        debug_assert_eq!(row.len(), table.columns.len());
        let at = self.index_of(table);
        self.links[at].insert(row);
    }

    /// Says that none of the rows is in the tables yet.
    pub fn all_new(mut self) -> Self {
        self.new = true;
        self
    }

    /// Every table with rows, and its rows.
    pub(super) fn into_tables(self) -> Vec<(&'static Table, Vec<Vec<Value>>)> {
        self.tables
            .iter()
            .zip(self.docs)
            .zip(self.links)
            .filter_map(|((table, mut rows), links)| {
                rows.extend(
                    links
                        .into_iter()
                        .map(|r| r.into_iter().map(|v| Value::Text(Some(v))).collect()),
                );
                (!rows.is_empty()).then_some((*table, rows))
            })
            .collect()
    }
}
