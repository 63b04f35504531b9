//! OBS105 no-correlation-id: a web service that neither reads nor sets a request or
//! correlation ID, nor carries trace context, so one request's log lines cannot be joined.

use super::{traces_requests, unit_use, unit_uses};
use crate::facts::observability::Capability;
use crate::rules::health::report_at_service;
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct NoCorrelationId;

/// Request-ID middleware in the framework's own terms.
fn middleware_example(framework: &str) -> &'static str {
    match framework {
        "fastapi" | "starlette" => "asgi-correlation-id: `app.add_middleware(CorrelationIdMiddleware)` (reads `X-Request-ID` or generates one and returns it), and its `CorrelationIdFilter` on the log handler so every record carries it",
        "flask" => "flask-log-request-id: `RequestID(app)` (reads `X-Request-ID` or generates one) with its `RequestIDLogFilter` on the log handler",
        "django" => "django-guid: `\"django_guid.middleware.guid_middleware\"` first in `MIDDLEWARE` and its `CorrelationId` log filter in `LOGGING`",
        "aiohttp" => "an `@web.middleware` that takes `request.headers.get(\"X-Request-ID\")` (or a new `uuid4()`), binds it to the log context and sets it on the response",
        "sanic" => "a request middleware that takes `request.headers.get(\"X-Request-ID\")` (or `request.id`), binds it to the log context and sets it on the response",
        "axum" => "tower_http::request_id: `.layer(PropagateRequestIdLayer::x_request_id()).layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))`, and record the ID in the `TraceLayer` span",
        "actix-web" => "`.wrap(TracingLogger::default())` from tracing-actix-web (a `request_id` on every request's span), or actix-web-requestid's `RequestIdentifier::with_uuid()`",
        "poem" => "a middleware that reads `X-Request-ID` (or generates one), records it in the request's span and sets it on the response",
        "rocket" => "a fairing that reads `X-Request-ID` (or generates one), records it in the request's span and sets it on the response",
        _ => "middleware that reads `X-Request-ID` (or generates one), puts it in every log record of the request and returns it",
    }
}

impl ProjectCheck for NoCorrelationId {
    fn id(&self) -> &'static str {
        "OBS105"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        if unit_use(unit, Capability::CorrelationId).is_some()
            || unit_use(unit, Capability::TracePropagation).is_some()
            || unit_uses(unit, Capability::Tracing).any(|u| traces_requests(&u.via))
            // tracing-actix-web gives every request's root span a `request_id`.
            || unit_uses(unit, Capability::Spans)
                .any(|u| u.via.starts_with("tracing_actix_web::"))
        {
            return;
        }
        let model = UnitModel::build(unit, cx.catalog);
        for service in &model.services {
            // gRPC carries its own metadata; request-ID headers are an HTTP convention.
            if service.framework == "tonic" {
                continue;
            }
            let message = format!(
                "this {} service (`{}`) has no request or correlation ID: no request-ID middleware, no `X-Request-ID` / `X-Correlation-ID` header and no `traceparent` propagation anywhere in the project, so the log lines of one request cannot be told from those of the requests beside it",
                service.framework, service.constructor
            );
            let help = format!("add {}", middleware_example(service.framework));
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
