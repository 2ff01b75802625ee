//! The shape of `src`, checked so that it stays as ARCHITECTURE.md describes it: no file over
//! 500 lines, no import loop among the modules, and no layer importing one above it.
//!
//! Imports are read from the code (`crate::`, `super::` and `self::` paths outside comments and
//! outside each file's closing `#[cfg(test)]` module), each resolved to the longest module path
//! that is a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The most lines a source file may have.
const MAX_LINES: usize = 500;

/// The layers from the bottom up; a module may import its own layer and those below it.
const LAYERS: &[&[&str]] = &[
    &["config", "telemetry", "cache"],
    &["domain", "auth"],
    &["store"],
    &["crypto"],
    &["projections"],
    &["ledger"],
    &["audit", "reports"],
    &["api"],
    &["import"],
    &["web"],
    &["startup"],
    &["seed", "cli"],
];

type Module = Vec<String>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable src") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines: `src/api/http.rs` and `src/api/http/mod.rs` are both `api::http`.
fn module_of(path: &Path) -> Module {
    let relative = path.strip_prefix(src()).expect("under src");
    let mut parts: Module = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its closing test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::`/`super::`/`self::` path in `code`, as written, split at `::`.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let begin = from + at;
            from = begin + start.len();
            if begin > 0 && (bytes[begin - 1].is_ascii_alphanumeric() || bytes[begin - 1] == b'_') {
                continue;
            }
            let end = code[begin..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |n| begin + n);
            found.push(
                code[begin..end]
                    .split("::")
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        }
    }
    found
}

/// The module file `path`, written in `from`, names (the longest prefix that is one).
fn resolve(from: &Module, path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let mut base: Module = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self") => {
            base = from.clone();
            rest = &path[1..];
        }
        Some("super") => {
            base = from.clone();
            while rest.first().is_some_and(|p| p == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    (0..=rest.len()).rev().find_map(|n| {
        let mut candidate = base.clone();
        candidate.extend(rest[..n].iter().cloned());
        modules.contains(&candidate).then_some(candidate)
    })
}

/// Every module, its line count, and the modules it imports.
fn graph() -> BTreeMap<Module, (usize, BTreeSet<Module>)> {
    let mut paths = Vec::new();
    files(&src(), &mut paths);
    let texts: Vec<(Module, String)> = paths
        .iter()
        .map(|p| (module_of(p), std::fs::read_to_string(p).expect("readable")))
        .collect();
    let modules: BTreeSet<Module> = texts.iter().map(|(m, _)| m.clone()).collect();
    texts
        .iter()
        .map(|(module, text)| {
            let imports = paths_in(&code_of(text))
                .iter()
                .filter_map(|p| resolve(module, p, &modules))
                // A module's own children are declared in it, not imported; the crate root
                // only lists the modules.
                .filter(|target| {
                    !target.is_empty() && target != module && !target.starts_with(module)
                })
                .collect();
            (module.clone(), (text.lines().count(), imports))
        })
        .collect()
}

/// The groups of modules that import each other round a loop (Tarjan's algorithm).
fn loops(graph: &BTreeMap<Module, (usize, BTreeSet<Module>)>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<Module, (usize, BTreeSet<Module>)>,
        index: BTreeMap<&'a Module, (usize, usize)>,
        stack: Vec<&'a Module>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, v: &'a Module) {
        state.index.insert(v, (state.next, state.next));
        state.next += 1;
        state.stack.push(v);
        let graph = state.graph;
        for w in graph.get(v).map(|(_, i)| i).into_iter().flatten() {
            if !state.index.contains_key(w) {
                visit(state, w);
                let low = state.index[w].1.min(state.index[v].1);
                state.index.get_mut(v).expect("visited").1 = low;
            } else if state.stack.contains(&w) {
                let low = state.index[w].0.min(state.index[v].1);
                state.index.get_mut(v).expect("visited").1 = low;
            }
        }
        if state.index[v].0 == state.index[v].1 {
            let mut group = Vec::new();
            while let Some(w) = state.stack.pop() {
                group.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                state.found.push(group);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

fn layer(module: &Module) -> Option<usize> {
    let top = module.first()?;
    LAYERS.iter().position(|l| l.contains(&top.as_str()))
}

#[test]
fn no_source_file_is_over_500_lines() {
    let long: Vec<String> = graph()
        .iter()
        .filter(|(_, (lines, _))| *lines > MAX_LINES)
        .map(|(m, (lines, _))| format!("{} ({lines} lines)", m.join("::")))
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:#?}");
}

#[test]
fn no_modules_import_each_other_round_a_loop() {
    let found = loops(&graph());
    assert!(found.is_empty(), "import loops: {found:#?}");
}

#[test]
fn no_layer_imports_one_above_it() {
    let graph = graph();
    let mut upwards = Vec::new();
    for (module, (_, imports)) in &graph {
        let Some(from) = layer(module) else { continue };
        for target in imports {
            match layer(target) {
                Some(to) if to > from => {
                    upwards.push(format!("{} -> {}", module.join("::"), target.join("::")))
                }
                Some(_) => {}
                None => upwards.push(format!(
                    "{} -> {}: {} is in no layer",
                    module.join("::"),
                    target.join("::"),
                    target[0]
                )),
            }
        }
    }
    let unplaced: Vec<&String> = graph
        .keys()
        .filter(|m| !m.is_empty() && layer(m).is_none())
        .map(|m| &m[0])
        .collect();
    assert!(unplaced.is_empty(), "modules in no layer: {unplaced:?}");
    assert!(
        upwards.is_empty(),
        "imports from a lower layer to a higher one: {upwards:#?}"
    );
}

#[test]
fn the_checks_see_a_loop_and_an_upward_import() {
    // The checks themselves, on a made-up graph: a loop of two and a store reaching up.
    let mut graph = BTreeMap::new();
    let m = |s: &str| -> Module { s.split("::").map(str::to_owned).collect() };
    graph.insert(m("store::a"), (10, BTreeSet::from([m("projections::b")])));
    graph.insert(m("projections::b"), (10, BTreeSet::from([m("store::a")])));
    assert_eq!(loops(&graph), vec![vec!["projections::b", "store::a"]]);
    assert!(layer(&m("store::a")) < layer(&m("projections::b")));
    let written = "use super::b::C; // crate::api::x\nfn f() { crate::store::Db::open(); }";
    assert_eq!(
        paths_in(&code_of(written)),
        vec![
            vec!["crate", "store", "Db", "open"],
            vec!["super", "b", "C"]
        ]
    );
}
