//! Limits on a query's shape that async-graphql does not enforce itself: how deeply the text
//! nests brackets (checked before parsing, so no parser or checker recursion can run out of
//! stack), how deeply input values nest lists and objects (literals in the text and JSON
//! variables alike), and aliases and directives across the whole document. They are checked
//! before validation and before any resolver runs, on every way in (HTTP and WebSocket).

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Variables};
use async_graphql_value::{ConstValue, Value};

/// Most aliased fields one request may hold.
pub const MAX_ALIASES: usize = 30;
/// Most directives one request may hold, on all its fields and fragments together.
pub const MAX_DIRECTIVES: usize = 20;
/// Deepest nesting of brackets (`{`, `[`, `(`) a query's text may hold, outside strings and
/// comments. Selections and values together stay far below it; the standard introspection
/// queries reach about 15.
pub const MAX_TEXT_NESTING: usize = 64;
/// Deepest nesting of lists and objects in one input value, in the text or in the variables.
/// The deepest input the schema takes (a demographic count inside an activity's input) is 4.
pub const MAX_INPUT_DEPTH: usize = 10;

/// What a document holds, counted over every operation and fragment once.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    aliases: usize,
    directives: usize,
    /// The deepest argument value, with the argument's name.
    deepest: Option<(usize, Name)>,
}

impl Counts {
    fn arguments<'a>(
        &mut self,
        arguments: impl IntoIterator<Item = &'a (Positioned<Name>, Positioned<Value>)>,
    ) {
        for (name, value) in arguments {
            let depth = value_depth(&value.node);
            if self.deepest.as_ref().is_none_or(|(d, _)| depth > *d) {
                self.deepest = Some((depth, name.node.clone()));
            }
        }
    }

    fn directives(&mut self, directives: &[Positioned<Directive>]) {
        self.directives += directives.len();
        for directive in directives {
            self.arguments(&directive.node.arguments);
        }
    }
}

/// How deeply `value` (in the text, where a variable may stand) nests lists and objects: 0
/// for a scalar, 1 for `[1]`.
fn value_depth(value: &Value) -> usize {
    match value {
        Value::List(items) => 1 + items.iter().map(value_depth).max().unwrap_or(0),
        Value::Object(fields) => 1 + fields.values().map(value_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The same for a constant (a variable's value or default).
fn const_depth(value: &ConstValue) -> usize {
    match value {
        ConstValue::List(items) => 1 + items.iter().map(const_depth).max().unwrap_or(0),
        ConstValue::Object(fields) => 1 + fields.values().map(const_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn count_set(set: &Positioned<SelectionSet>, counts: &mut Counts) {
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => {
                counts.aliases += usize::from(field.node.alias.is_some());
                counts.directives(&field.node.directives);
                counts.arguments(&field.node.arguments);
                count_set(&field.node.selection_set, counts);
            }
            Selection::FragmentSpread(spread) => counts.directives(&spread.node.directives),
            Selection::InlineFragment(inline) => {
                counts.directives(&inline.node.directives);
                count_set(&inline.node.selection_set, counts);
            }
        }
    }
}

fn counts(document: &ExecutableDocument) -> Counts {
    let mut counts = Counts::default();
    for (_, operation) in document.operations.iter() {
        counts.directives(&operation.node.directives);
        for variable in &operation.node.variable_definitions {
            counts.directives(&variable.node.directives);
            if let Some(default) = &variable.node.default_value {
                let depth = const_depth(&default.node);
                if counts.deepest.as_ref().is_none_or(|(d, _)| depth > *d) {
                    counts.deepest = Some((depth, variable.node.name.node.clone()));
                }
            }
        }
        count_set(&operation.node.selection_set, &mut counts);
    }
    for fragment in document.fragments.values() {
        counts.directives(&fragment.node.directives);
        count_set(&fragment.node.selection_set, &mut counts);
    }
    counts
}

/// Whether the operation `name` (or the only one) of `document` asks for nothing but
/// introspection (`__schema`, `__type`, `__typename`), directly or through fragments.
pub(super) fn introspection_only(document: &ExecutableDocument, name: Option<&str>) -> bool {
    let operation = document
        .operations
        .iter()
        .find(|(n, _)| name.is_none() || n.map(|n| n.as_str()) == name);
    let Some((_, operation)) = operation else {
        return false;
    };
    // Fragments are followed once each, so a fragment spreading itself ends.
    let mut seen = std::collections::HashSet::new();
    let mut sets = vec![&operation.node.selection_set];
    while let Some(set) = sets.pop() {
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !matches!(
                        field.node.name.node.as_str(),
                        "__schema" | "__type" | "__typename"
                    ) {
                        return false;
                    }
                }
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set),
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    match document.fragments.get(name) {
                        Some(fragment) if seen.insert(name.clone()) => {
                            sets.push(&fragment.node.selection_set);
                        }
                        Some(_) => {}
                        None => return false,
                    }
                }
            }
        }
    }
    !operation.node.selection_set.node.items.is_empty()
}

/// Refuses a query text that nests brackets deeper than [`MAX_TEXT_NESTING`], before it is
/// parsed. Brackets inside strings, block strings and comments do not count.
pub(super) fn check_text(query: &str) -> ServerResult<()> {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while at < bytes.len() {
        match bytes[at] {
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    // An escaped triple quote inside a block string.
                    at += if bytes[at..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_TEXT_NESTING {
                    return Err(ServerError::new(
                        format!(
                            "the query nests brackets more than {MAX_TEXT_NESTING} deep; \
                             ask for less at a time"
                        ),
                        None,
                    ));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    Ok(())
}

fn too_deep(name: &str, depth: usize) -> ServerError {
    ServerError::new(
        format!(
            "`{name}` nests lists and objects {depth} deep; at most {MAX_INPUT_DEPTH} are allowed"
        ),
        None,
    )
}

/// Refuses variables whose values nest lists and objects deeper than [`MAX_INPUT_DEPTH`].
pub(super) fn check_variables(variables: &Variables) -> ServerResult<()> {
    for (name, value) in variables.iter() {
        let depth = const_depth(value);
        if depth > MAX_INPUT_DEPTH {
            return Err(too_deep(&format!("${name}"), depth));
        }
    }
    Ok(())
}

/// Refuses a document with input values nested too deep, or more aliases or directives than
/// allowed.
pub(super) fn check(document: &ExecutableDocument) -> ServerResult<()> {
    let counts = counts(document);
    if let Some((depth, name)) = &counts.deepest {
        if *depth > MAX_INPUT_DEPTH {
            return Err(too_deep(name, *depth));
        }
    }
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
                directives: 7,
                deepest: None,
            }
        );
    }

    #[test]
    fn brackets_in_strings_and_comments_are_not_nesting() {
        let deep = "[".repeat(MAX_TEXT_NESTING + 1);
        for text in [
            format!("{{ f(a: \"{deep}\") }}"),
            format!("{{ f(a: \"\"\"{deep} \\\"\"\" {deep}\"\"\") }}"),
            format!("{{ f(a: \"\\\" {deep}\") }}"),
            format!("# {deep}\n{{ f }}"),
        ] {
            assert!(check_text(&text).is_ok(), "{text}");
        }
        assert!(check_text(&format!("{{ f(a: {deep}) }}")).is_err());
        let nested = format!(
            "{}{}",
            "{ f ".repeat(MAX_TEXT_NESTING),
            "}".repeat(MAX_TEXT_NESTING)
        );
        assert!(check_text(&nested).is_ok(), "at the limit");
    }

    #[test]
    fn introspection_only_documents_are_told_apart() {
        let only = |text: &str, name: Option<&str>| {
            introspection_only(&parse_query(text).expect("parses"), name)
        };
        assert!(only("{ __schema { types { name } } __typename }", None));
        assert!(only(
            "query Q { ...F } fragment F on Query { __type(name: \"X\") { name } ...F }",
            None
        ));
        assert!(!only(
            "{ __schema { types { name } } organisations { nodes { odsCode } } }",
            None
        ));
        assert!(!only(
            "{ ... on Query { organisations { nodes { odsCode } } } __typename }",
            None
        ));
        assert!(!only(
            "query A { __typename } query B { organisations { nodes { odsCode } } }",
            Some("B")
        ));
        assert!(only(
            "query A { __typename } query B { organisations { nodes { odsCode } } }",
            Some("A")
        ));
        assert!(!only("{ ...Missing }", None));
    }

    #[test]
    fn the_deepest_argument_is_named() {
        let document =
            parse_query("{ f(a: [1], b: {x: [[{y: 1}]]}) @d(c: [[1]]) }").expect("parses");
        assert_eq!(counts(&document).deepest, Some((4, Name::new("b"))));
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
