//! OBS201 no-metrics: a service with no metrics instrumentation at all.

use super::{is_apm_agent, unit_use, unit_uses};
use crate::facts::observability::Capability;
use crate::rules::health::report_at_service;
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct NoMetrics;

/// Request metrics (rate, errors, a latency histogram) for the framework, and where they are
/// served, in the framework's own terms.
pub(crate) fn request_metrics_example(framework: &str) -> &'static str {
    match framework {
        "fastapi" => "prometheus-fastapi-instrumentator: `Instrumentator().instrument(app).expose(app)` (request counts and an `http_request_duration_seconds` histogram on `/metrics`)",
        "starlette" => "starlette-exporter: `app.add_middleware(PrometheusMiddleware)` and `app.add_route(\"/metrics\", handle_metrics)`",
        "flask" => "prometheus-flask-exporter: `PrometheusMetrics(app)` (request counts and a duration histogram on `/metrics`)",
        "django" => "django-prometheus: `\"django_prometheus\"` in `INSTALLED_APPS`, `PrometheusBeforeMiddleware` first and `PrometheusAfterMiddleware` last in `MIDDLEWARE`, and `path(\"\", include(\"django_prometheus.urls\"))`",
        "aiohttp" | "sanic" | "uvicorn" => "prometheus_client: a `Histogram(\"http_request_duration_seconds\", .., [\"route\", \"status\"])` observed in a request middleware, served with `make_asgi_app()` / `generate_latest()` on `/metrics`",
        "axum" => "axum-prometheus: `let (layer, handle) = PrometheusMetricLayer::pair();`, `.layer(layer)` and `.route(\"/metrics\", get(|| async move { handle.render() }))`",
        "actix-web" => "actix-web-prom: `.wrap(PrometheusMetricsBuilder::new(\"api\").endpoint(\"/metrics\").build()?)`",
        "rocket" => "rocket_prometheus: `let prometheus = PrometheusMetrics::new();` then `.attach(prometheus.clone()).mount(\"/metrics\", prometheus)`",
        _ => "the `metrics` crate: `metrics::histogram!(\"http_request_duration_seconds\", \"route\" => route).record(elapsed)` and `counter!` for requests and errors, exported with metrics-exporter-prometheus's `PrometheusBuilder::new().install()?`",
    }
}

impl ProjectCheck for NoMetrics {
    fn id(&self) -> &'static str {
        "OBS201"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        // An APM agent derives request metrics from the traces it records.
        if unit_use(unit, Capability::Metrics).is_some()
            || unit_uses(unit, Capability::Tracing).any(|u| is_apm_agent(&u.via))
        {
            return;
        }
        let model = UnitModel::build(unit, cx.catalog);
        for service in &model.services {
            let message = format!(
                "this {} service (`{}`) records no metrics: no Prometheus, StatsD/Datadog or OpenTelemetry metrics anywhere in the project, so its request rate, error rate and latency cannot be graphed or alerted on",
                service.framework, service.constructor
            );
            let help = format!("add {}", request_metrics_example(service.framework));
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
