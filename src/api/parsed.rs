//! Parsed queries kept for reuse: clients send the same few query texts over and over with
//! new variables, so each text is parsed (and shape-checked) once, and its document reused.
//!
//! Only documents that parsed and passed every check made at parse time (the shape limits,
//! recursion and directives) are kept; those checks depend on the text alone, so a kept
//! document passes them again. Validation against the schema, which depends on the variables,
//! still runs on every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};

/// Most documents kept; when full, the cache starts again empty.
const CAPACITY: usize = 256;
/// Longest query text kept, in bytes: longer texts are parsed every time.
const MAX_TEXT: usize = 4096;

/// Keeps parsed documents by query text, shared by every request to one schema.
#[derive(Default)]
pub struct ParsedQueries {
    documents: Arc<Mutex<HashMap<String, ExecutableDocument>>>,
}

impl ExtensionFactory for ParsedQueries {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Self {
            documents: self.documents.clone(),
        })
    }
}

impl ParsedQueries {
    fn kept(&self, query: &str) -> Option<ExecutableDocument> {
        let documents = self.documents.lock().unwrap_or_else(|e| e.into_inner());
        documents.get(query).cloned()
    }

    fn keep(&self, query: &str, document: &ExecutableDocument) {
        if query.len() > MAX_TEXT {
            return;
        }
        let mut documents = self.documents.lock().unwrap_or_else(|e| e.into_inner());
        if documents.len() >= CAPACITY {
            documents.clear();
        }
        documents.insert(query.to_owned(), document.clone());
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ParsedQueries {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(document) = self.kept(query) {
            return Ok(document);
        }
        let document = next.run(ctx, query, variables).await?;
        self.keep(query, &document);
        Ok(document)
    }
}
