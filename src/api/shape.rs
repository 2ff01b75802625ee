//! Limits on a query's shape that async-graphql does not enforce itself: aliases and
//! directives across the whole document. They are checked right after parsing, before
//! validation and before any resolver runs.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult};

/// Most aliased fields one request may hold.
pub const MAX_ALIASES: usize = 30;
/// Most directives one request may hold, on all its fields and fragments together.
pub const MAX_DIRECTIVES: usize = 20;

/// What a document holds, counted over every operation and fragment once.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    aliases: usize,
    directives: usize,
}

fn count_set(set: &Positioned<SelectionSet>, counts: &mut Counts) {
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => {
                counts.aliases += usize::from(field.node.alias.is_some());
                counts.directives += field.node.directives.len();
                count_set(&field.node.selection_set, counts);
            }
            Selection::FragmentSpread(spread) => {
                counts.directives += spread.node.directives.len();
            }
            Selection::InlineFragment(inline) => {
                counts.directives += inline.node.directives.len();
                count_set(&inline.node.selection_set, counts);
            }
        }
    }
}

fn counts(document: &ExecutableDocument) -> Counts {
    let mut counts = Counts::default();
    for (_, operation) in document.operations.iter() {
        counts.directives += operation.node.directives.len();
        count_set(&operation.node.selection_set, &mut counts);
    }
    for fragment in document.fragments.values() {
        counts.directives += fragment.node.directives.len();
        count_set(&fragment.node.selection_set, &mut counts);
    }
    counts
}

/// Refuses a document with more aliases or directives than allowed.
pub(super) fn check(document: &ExecutableDocument) -> ServerResult<()> {
    let counts = counts(document);
    if counts.aliases > MAX_ALIASES {
        return Err(ServerError::new(
            format!(
                "the query uses {} aliases; at most {MAX_ALIASES} are allowed in one request",
                counts.aliases
            ),
            None,
        ));
    }
    if counts.directives > MAX_DIRECTIVES {
        return Err(ServerError::new(
            format!(
                "the query uses {} directives; at most {MAX_DIRECTIVES} are allowed in one request",
                counts.directives
            ),
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn counted(query: &str) -> Counts {
        counts(&parse_query(query).expect("query parses"))
    }

    #[test]
    fn aliases_and_directives_are_counted_everywhere() {
        let query = "query Q @a { x: f @b { y: g } ...F ... on T @c { z: h @d @e } }
                     fragment F on T @f { w: k @g }";
        assert_eq!(
            counted(query),
            Counts {
                aliases: 4,
                directives: 7
            }
        );
    }

    #[test]
    fn a_fragment_used_many_times_counts_once() {
        let query = "{ ...F ...F ...F } fragment F on T { a: x b: y }";
        assert_eq!(counted(query).aliases, 2);
    }

    #[test]
    fn one_over_the_limit_is_refused_by_name() {
        let fields: Vec<String> = (0..=MAX_ALIASES).map(|i| format!("a{i}: f")).collect();
        let document = parse_query(format!("{{ {} }}", fields.join(" "))).expect("parses");
        let error = check(&document).expect_err("over the limit");
        assert!(error.message.contains("aliases"), "{}", error.message);
        let fields: Vec<String> = (0..MAX_ALIASES).map(|i| format!("a{i}: f")).collect();
        let document = parse_query(format!("{{ {} }}", fields.join(" "))).expect("parses");
        assert!(check(&document).is_ok());
    }
}
