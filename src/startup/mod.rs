//! Building and running the service: database, migrations, projector, ledger, HTTP.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api::{router, service_schema, AppState};
use crate::audit::CheckpointKey;
use crate::auth::TokenAuthority;
use crate::config::{Key, Settings};
use crate::crypto::{Erasure, ErasureRegister, KeyStore, MasterKey};
use crate::ledger::Ledger;
use crate::projections::reads::{ReadServers, ReadSettings};
use crate::projections::{Projector, ProjectorHandle};
use crate::store::Db;

mod erasures;
mod metrics;

/// The most connections each PostgreSQL pool opens.
const POOL_CONNECTIONS: u32 = 16;

/// Opens the configured database: PostgreSQL when `DATABASE_URL` is set, else the SQLite file.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    match &settings.database_url {
        Some(url) => Db::connect_postgres(url.expose(), POOL_CONNECTIONS).await,
        None => Db::open_sqlite(&settings.data_dir).await,
    }
}

/// Where queries read the views: the primary, and the standbys of `DATABASE_READ_URL`.
fn read_servers(
    settings: &Settings,
    db: &Db,
    projector: &ProjectorHandle,
) -> anyhow::Result<ReadServers> {
    if settings.database_read_urls.is_empty() {
        return Ok(ReadServers::primary_only(db.clone()));
    }
    if settings.database_url.is_none() {
        anyhow::bail!(
            "DATABASE_READ_URL names standbys of a PostgreSQL primary: set DATABASE_URL too \
             (the embedded database has no standbys)"
        );
    }
    ReadServers::start(
        db.clone(),
        projector.clone(),
        &ReadSettings {
            standbys: settings
                .database_read_urls
                .iter()
                .map(|url| url.expose().clone())
                .collect(),
            connections: POOL_CONNECTIONS,
            max_lag: settings.read_max_lag,
            share_primary: settings.read_from_primary,
        },
    )
}

/// A built service, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    port: u16,
    /// Where `/metrics` is served, when it is.
    metrics: Option<TcpListener>,
    data_dir: std::path::PathBuf,
    /// How often the log is verified, and with what key.
    verify: Option<(std::time::Duration, Arc<CheckpointKey>)>,
    state: AppState,
    projector: Projector,
    web: crate::config::WebSettings,
    /// Erasures the erasure register holds and the log lacks, recorded again once the
    /// projector runs.
    unlogged: Vec<Erasure>,
}

impl Application {
    /// Checks the secrets, opens the database, applies migrations, prepares the projector and
    /// binds the listener.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        settings.check_secrets(&Key::ALL)?;
        let db = open_database(settings).await?;
        db.migrate().await?;
        let tokens = Arc::new(TokenAuthority::from_settings(
            &settings.jwt,
            &settings.data_dir,
        )?);
        let (master, previous) = MasterKey::configured(settings)?;
        let keys = KeyStore::new(db.clone(), master)
            .with_previous(previous)
            .with_register(ErasureRegister::at(settings.erasure_register_path()));
        keys.verify_master().await?;
        let unlogged = keys.reapply_erasures().await?;
        let checkpoints = Arc::new(CheckpointKey::load(
            settings
                .checkpoint_key
                .as_ref()
                .map(|k| k.expose().as_str()),
            &settings.data_dir,
        )?);
        let (projector, handle) = Projector::with_caching(db.clone(), settings.caching).await?;
        let reads = read_servers(settings, &db, &handle)?;
        let ledger = Arc::new(Ledger::new(db.clone(), handle, keys).reading_from(reads));
        let state = AppState {
            schema: service_schema(
                ledger.clone(),
                checkpoints.clone(),
                settings.introspection_enabled(),
            ),
            ledger,
            tokens,
            graphiql: settings.graphiql_enabled(),
            ready_max_lag_secs: settings.ready_max_lag_secs,
            limiter: Arc::new(crate::api::transport::limits::RateLimiter::new(
                settings.rate_limit_per_minute,
            )),
            request_timeout: std::time::Duration::from_secs(settings.request_timeout_secs),
            reads: crate::api::transport::lane::ReadLane::start()?,
        };
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("could not listen on {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let metrics = match settings.metrics_listen {
            Some(address) => Some(
                TcpListener::bind(address)
                    .await
                    .with_context(|| format!("could not serve metrics on {address}"))?,
            ),
            None => None,
        };
        if let Some(metrics) = &metrics {
            crate::telemetry::metrics::handle();
            tracing::info!(address = %metrics.local_addr()?, "metrics served at /metrics");
        }
        tracing::info!(
            database = db.backend(),
            address = %SocketAddr::new(settings.listen.ip(), port),
            "partnership ledger ready"
        );
        if !settings.web.over_tls() && !settings.listen.ip().is_loopback() {
            tracing::warn!(
                public_url = %settings.web.public_url,
                "the web interface is reached without TLS on a network address: set \
                 PL_PUBLIC_URL to its https address behind a proxy that ends TLS"
            );
        }
        Ok(Self {
            listener,
            port,
            metrics,
            data_dir: settings.data_dir.clone(),
            verify: settings.verify_every.map(|every| (every, checkpoints)),
            state,
            projector,
            web: settings.web.clone(),
            unlogged,
        })
    }

    /// The bound port (useful when configured with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when it is.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics
            .as_ref()
            .and_then(|m| m.local_addr().ok())
            .map(|a| a.port())
    }

    /// The GraphQL schema, for in-process callers such as the seed generator.
    pub fn schema(&self) -> crate::api::LedgerSchema {
        self.state.schema.schema().clone()
    }

    /// The ledger, for in-process callers such as tests.
    pub fn ledger(&self) -> Arc<Ledger> {
        self.state.ledger.clone()
    }

    /// Serves until `shutdown` completes, then stops the projector.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, mut stop_rx) = watch::channel(false);
        let projector = tokio::spawn(self.projector.run(async move {
            let _ = stop_rx.wait_for(|stopped| *stopped).await;
        }));
        erasures::record_again(&self.state.ledger, self.unlogged).await;
        let pages = crate::web::routes(
            self.state.ledger.db(),
            &self.web,
            self.state.limiter.clone(),
        )?;
        let observed = self.metrics.map(|listener| {
            let routes = metrics::router(self.state.ledger.clone(), self.data_dir.clone());
            tokio::spawn(async move {
                tokio::select! {
                    served = axum::serve(listener, routes).into_future() => {
                        if let Err(error) = served {
                            tracing::error!(%error, "the metrics listener failed");
                        }
                    }
                    () = crate::telemetry::metrics::upkeep() => {}
                }
            })
        });
        let verifying = self.verify.map(|(every, key)| {
            tokio::spawn(metrics::verify_now_and_then(
                self.state.ledger.clone(),
                key,
                every,
            ))
        });
        let service = router(self.state, pages).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop_tx.send(true);
        let _ = projector.await;
        for task in [observed, verifying].into_iter().flatten() {
            task.abort();
        }
        served.context("the HTTP server failed")
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
