//! OBS301 no-tracing: a service that calls other services but neither exports traces nor
//! carries trace context, so a slow or failing request cannot be followed downstream.

use super::{unit_use, unit_uses};
use crate::catalog::Catalog;
use crate::facts::observability::Capability;
use crate::facts::Lang;
use crate::project::Unit;
use crate::rules::health::report_at_service;
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct NoTracing;

/// Catalogued calls (by the `what` of their entry) that reach other services. Databases,
/// caches, SMTP and subprocesses are not: their spans are useful, but no trace continues on
/// the other side.
const SERVICE_CALLS: [&str; 5] = ["HTTP", "gRPC", "AWS", "OpenAI", "Anthropic"];

/// The unit's non-test calls to other services, by callee, sorted and deduplicated.
fn service_calls<'u>(unit: &'u Unit<'u>, catalog: &Catalog) -> Vec<&'u str> {
    let mut out: Vec<&str> = Vec::new();
    for f in &unit.files {
        let lang = f.file.lang;
        for call in f.facts.calls.iter().filter(|c| !c.in_test) {
            let what = catalog.call(lang, &call.callee).map(|s| s.what.as_str());
            let reaches_service = match what {
                Some(what) => SERVICE_CALLS.iter().any(|w| what.contains(w)),
                // A constructor of a client type named for HTTP or gRPC.
                None => catalog
                    .constructed_type(lang, &call.callee)
                    .map(str::to_ascii_lowercase)
                    .is_some_and(|ty| ty.contains("http") || ty.contains("grpc")),
            };
            if reaches_service {
                out.push(&call.callee);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The OpenTelemetry instrumentation of the server, in the framework's terms.
fn server_instrumentation(framework: &str) -> &'static str {
    match framework {
        "fastapi" => "`FastAPIInstrumentor.instrument_app(app)`",
        "starlette" => "`StarletteInstrumentor.instrument_app(app)`",
        "flask" => "`FlaskInstrumentor().instrument_app(app)`",
        "django" => "`DjangoInstrumentor().instrument()`",
        "aiohttp" => "`AioHttpServerInstrumentor().instrument()`",
        "axum" => "axum-tracing-opentelemetry's `.layer(OtelAxumLayer::default())`",
        "actix-web" => "actix-web-opentelemetry's `.wrap(RequestTracing::new())`",
        _ => "a server span per request that extracts the incoming `traceparent`",
    }
}

/// The OpenTelemetry instrumentation of a Python client library, by its package.
fn client_instrumentation(callee: &str) -> Option<&'static str> {
    let package = callee.split('.').next()?;
    Some(match package {
        "requests" => "`RequestsInstrumentor().instrument()`",
        "httpx" => "`HTTPXClientInstrumentor().instrument()`",
        "aiohttp" => "`AioHttpClientInstrumentor().instrument()`",
        "urllib3" => "`URLLib3Instrumentor().instrument()`",
        "grpc" => "`GrpcInstrumentorClient().instrument()`",
        "boto3" | "botocore" => "`BotocoreInstrumentor().instrument()`",
        _ => return None,
    })
}

impl ProjectCheck for NoTracing {
    fn id(&self) -> &'static str {
        "OBS301"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        if unit_use(unit, Capability::Tracing).is_some()
            || unit_use(unit, Capability::TracePropagation).is_some()
        {
            return;
        }
        let outgoing = service_calls(unit, cx.catalog);
        if outgoing.is_empty() {
            return;
        }
        let model = UnitModel::build(unit, cx.catalog);
        let shown: Vec<String> = outgoing.iter().take(3).map(|c| format!("`{c}`")).collect();
        let more = if outgoing.len() > 3 { ", ..." } else { "" };
        let spans = unit_uses(unit, Capability::Spans).next().is_some();
        for service in &model.services {
            let lang = unit.files[service.file].file.lang;
            let local = if spans {
                " (its `tracing` spans stay in the process: nothing exports them or sends `traceparent`)"
            } else {
                ""
            };
            let message = format!(
                "this {} service (`{}`) calls other services (through {}{more}) but has no distributed tracing{local}: no OpenTelemetry, ddtrace or Sentry performance anywhere in the project and no trace-context propagation, so a slow or failing request cannot be followed into the services it calls",
                service.framework,
                service.constructor,
                shown.join(", ")
            );
            let help = match lang {
                Lang::Python => {
                    let mut clients: Vec<&str> = outgoing
                        .iter()
                        .filter_map(|c| client_instrumentation(c))
                        .collect();
                    clients.sort_unstable();
                    clients.dedup();
                    let clients = if clients.is_empty() {
                        String::new()
                    } else {
                        format!(" and {} for the outgoing calls", clients.join(", "))
                    };
                    format!(
                        "set up OpenTelemetry: a `TracerProvider` with a `BatchSpanProcessor(OTLPSpanExporter())`, {}{clients} (or run the service under `opentelemetry-instrument`)",
                        server_instrumentation(service.framework)
                    )
                }
                Lang::Rust => format!(
                    "export spans with OpenTelemetry: add `tracing_opentelemetry::layer().with_tracer(tracer)` (an `opentelemetry_otlp` exporter) to the subscriber, {} on the server, and reqwest-middleware's `reqwest_tracing::TracingMiddleware::default()` on the client so `traceparent` is sent",
                    server_instrumentation(service.framework)
                ),
            };
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
