//! What the HTTP handlers and the WebSocket loop share.

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql::Executor;
use std::time::Duration;

use super::lane::ReadLane;
use super::limits::RateLimiter;
use super::parsed::CheckedSchema;
use crate::auth::TokenAuthority;
use crate::ledger::Ledger;
use crate::store::LogPosition;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub schema: CheckedSchema,
    pub ledger: Arc<Ledger>,
    pub tokens: Arc<TokenAuthority>,
    pub graphiql: bool,
    pub ready_max_lag_secs: u64,
    pub limiter: Arc<RateLimiter>,
    /// Longest a GraphQL request may run.
    pub request_timeout: Duration,
    /// Where queries run, below the writers' priority.
    pub reads: Arc<ReadLane>,
}

impl AppState {
    /// Runs one GraphQL request, carrying its caller's principal and request id as data, and
    /// hands its answer to `finish`: queries on the read lane, below the writers' priority
    /// (`finish` too, so that writing out a long answer also yields to writers); mutations
    /// here, with readers yielding to them meanwhile (anything else, a request that does not
    /// parse, say, is answered here with its error). `None` when the read lane has stopped,
    /// which is logged.
    ///
    /// Both the GraphQL endpoint and the web pages run their operations through this.
    ///
    /// A query reads the views from the server that [`ReadServers::choose`] gives for `wanted`
    /// (the log position its caller must see, when it names one); a mutation, the primary.
    ///
    /// [`ReadServers::choose`]: crate::projections::reads::ReadServers::choose
    pub async fn execute<T: Send + 'static>(
        &self,
        mut request: async_graphql::Request,
        wanted: Option<LogPosition>,
        finish: impl FnOnce(async_graphql::Response) -> T + Send + 'static,
    ) -> Option<T> {
        let operation = self.schema.operation_type(&mut request);
        let read = matches!(operation, Ok(OperationType::Query));
        let write = matches!(operation, Ok(OperationType::Mutation));
        if read && self.ledger.reads().has_standbys() {
            request = request.data(self.ledger.reads().choose(wanted).await);
        }
        let schema = self.schema.clone();
        let answer = async move { finish(schema.execute(request).await) };
        if read {
            let answer = self.reads.run(answer).await;
            if answer.is_none() {
                tracing::error!("the read lane has stopped: a query went unanswered");
            }
            answer
        } else {
            let _writing = write.then(|| self.reads.writing());
            Some(answer.await)
        }
    }
}
