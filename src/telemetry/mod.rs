//! Logging: human-readable by default, JSON with `PL_LOG_FORMAT=json`, level from `RUST_LOG`;
//! the service's [`metrics`], in the Prometheus text format; and its [`traces`], sent over
//! OTLP when an endpoint is configured.

pub mod metrics;
pub mod traces;

use std::io::IsTerminal;

use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::{filter_fn, EnvFilter};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::Layer as _;

/// What must be done before the process ends: the spans not yet sent are sent.
#[must_use = "call `finish` before the process ends, or the last spans are lost"]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends the spans still waiting (within the exporter's time limit).
    pub async fn finish(self) {
        if let Some(provider) = self.traces {
            // Shutting down waits on the exporter's thread, which sends on this runtime.
            let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        }
    }
}

/// Installs the global subscriber, writing to standard error, and sending the service's spans
/// over OTLP when an endpoint is configured (see [`traces`]). Call it on the service's runtime.
pub fn init() -> Telemetry {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let ansi = std::io::stderr().is_terminal();
    let log = if std::env::var("PL_LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_ansi(ansi)
            .with_writer(std::io::stderr)
            .boxed()
    };
    let (provider, problem) = match traces::configured().then(traces::provider) {
        Some(Ok((provider, tracer))) => (Some((provider, tracer)), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let spans = provider.as_ref().map(|(_, tracer)| {
        tracing_opentelemetry::layer()
            .with_tracer(tracer.clone())
            .with_location(false)
            .with_threads(false)
            .with_tracked_inactivity(false)
            // The service's own spans, never its log lines (whose fields are for the operator).
            .with_filter(filter_fn(|meta| {
                meta.is_span()
                    && meta.target().starts_with("partnership_ledger")
                    && *meta.level() <= tracing::Level::INFO
            }))
    });
    tracing_subscriber::registry()
        .with(log.with_filter(filter))
        .with(spans)
        .init();
    if let Some(error) = problem {
        tracing::error!(error = format!("{error:#}"), "traces will not be sent");
    }
    Telemetry {
        traces: provider.map(|(provider, _)| provider),
    }
}
