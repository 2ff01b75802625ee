//! Traces: OpenTelemetry spans sent over OTLP/HTTP (protobuf) when `OTEL_EXPORTER_OTLP_ENDPOINT`
//! (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, with the other standard `OTEL_*` settings
//! (headers, timeout, sampler, batch delay, service name) read by the SDK as it documents them.
//!
//! The spans exported are the service's own at `info` (a request, a command, a commit batch, a
//! projector batch, the wait for the views): never log lines, and never a field that names a
//! person or carries a token or a record's text. Each is made with only counts, names of
//! operations and commands, routes (not paths) and outcome codes.

use std::time::Duration;

use anyhow::Context as _;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HeaderExtractor, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{SpanExporter, WithHttpConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;

/// The name spans are sent under when `OTEL_SERVICE_NAME` does not give one.
const SERVICE_NAME: &str = "partnership-ledger";

/// How long one export may take when `OTEL_EXPORTER_OTLP_TIMEOUT` does not say (the
/// specification's default).
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether spans are to be sent: an OTLP endpoint is configured.
pub fn configured() -> bool {
    [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .iter()
    .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

/// The tracer provider sending spans to the configured endpoint, and a tracer of it; made on
/// the runtime that will send them.
pub fn provider() -> anyhow::Result<(SdkTracerProvider, SdkTracer)> {
    let runtime = tokio::runtime::Handle::try_current()
        .context("traces are sent from the service's runtime")?;
    let timeout = std::env::var("OTEL_EXPORTER_OTLP_TIMEOUT")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(EXPORT_TIMEOUT, Duration::from_millis);
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .context("could not make the HTTP client for traces")?;
    let exporter = SpanExporter::builder()
        .with_http()
        .with_http_client(OnRuntime { client, runtime })
        .build()
        .context("OTEL_EXPORTER_OTLP_ENDPOINT: could not make the OTLP exporter")?;
    let mut resource = Resource::builder();
    if std::env::var("OTEL_SERVICE_NAME").is_err() {
        resource = resource.with_service_name(SERVICE_NAME);
    }
    let provider = SdkTracerProvider::builder()
        .with_resource(resource.build())
        .with_batch_exporter(exporter)
        .build();
    let tracer = provider.tracer(SERVICE_NAME);
    Ok((provider, tracer))
}

/// Makes `span` (a request's) a child of the caller's span when the request carries a W3C
/// `traceparent` header (and `tracestate`); else it starts a trace of its own.
pub fn continue_trace(span: &tracing::Span, headers: &http::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    if headers.contains_key("traceparent") {
        let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
        // Fails only when traces are off (no layer to take it): nothing to continue then.
        let _ = span.set_parent(parent);
    }
}

/// Links `span` to `other`'s trace: a commit batch to each command it wrote but the first
/// (its parent).
pub fn link(span: &tracing::Span, other: &tracing::Span) {
    use opentelemetry::trace::TraceContextExt as _;
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    let context = other.context();
    let linked = context.span().span_context().clone();
    if linked.is_valid() {
        span.add_link(linked);
    }
}

/// The exporter's HTTP client: the `reqwest` client the service already carries (rather than a
/// second HTTP stack), each request run on the service's runtime. The SDK exports from a
/// thread of its own, which has no runtime to drive a `reqwest` future; a task spawned on the
/// service's runtime does, and its handle can be awaited from anywhere.
#[derive(Debug)]
struct OnRuntime {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

#[async_trait::async_trait]
impl HttpClient for OnRuntime {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = self.client.clone();
        let sent = self.runtime.spawn(async move {
            let response = client.execute(reqwest::Request::try_from(request)?).await?;
            let mut answer = Response::builder().status(response.status());
            if let Some(headers) = answer.headers_mut() {
                headers.extend(response.headers().clone());
            }
            let body = response.bytes().await?;
            Ok::<_, HttpError>(answer.body(body)?)
        });
        sent.await?
    }
}
