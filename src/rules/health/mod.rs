//! Health-check rules (RES501–RES505), judged per service over the service model
//! (`crate::service`): whether a service serves health routes, whether readiness is separate
//! from liveness, and what the handlers behind them check.

pub mod health_never_fails;
pub mod liveness_checks_dependencies;
pub mod no_health_endpoint;
pub mod no_readiness_probe;
pub mod shallow_readiness;

use std::collections::BTreeSet;

use crate::facts::service::HandlerFact;
use crate::facts::Span;
use crate::rules::ProjectCx;
use crate::service::{HealthRole, Service, ServiceCatalog, ServiceRoute, UnitModel};

/// The fix for a missing health or readiness route, in the framework's own terms.
pub fn route_example(framework: &str) -> &'static str {
    match framework {
        "fastapi" => "`@app.get(\"/livez\")` returning 200, and `@app.get(\"/readyz\")` that checks the database and answers 503 when it fails",
        "starlette" => "`Route(\"/livez\", livez)` and `Route(\"/readyz\", readyz)` in the app's routes; `readyz` checks dependencies and returns `JSONResponse(.., status_code=503)` on failure",
        "flask" => "`@app.get(\"/livez\")` returning `\"ok\"`, and `@app.get(\"/readyz\")` that checks dependencies and returns `(\"unavailable\", 503)` on failure",
        "aiohttp" => "`app.router.add_get(\"/livez\", livez)` and `app.router.add_get(\"/readyz\", readyz)`; `readyz` raises `web.HTTPServiceUnavailable()` when a dependency fails",
        "django" => "`path(\"livez\", livez)` and `path(\"readyz\", readyz)` in `urlpatterns` (or django-health-check's `include(\"health_check.urls\")`)",
        "sanic" => "`@app.get(\"/livez\")` and `@app.get(\"/readyz\")` that answers 503 when a dependency fails",
        "axum" => "`.route(\"/livez\", get(|| async { StatusCode::OK }))` and `.route(\"/readyz\", get(readyz))` where `readyz` checks dependencies and returns `StatusCode::SERVICE_UNAVAILABLE` on failure",
        "actix-web" => "`.route(\"/livez\", web::get().to(|| async { HttpResponse::Ok() }))` and `.route(\"/readyz\", web::get().to(readyz))` where `readyz` returns `HttpResponse::ServiceUnavailable()` when a dependency fails",
        "rocket" => "`#[get(\"/livez\")]` and `#[get(\"/readyz\")]` routes mounted with `routes![livez, readyz]`; `readyz` returns `Status::ServiceUnavailable` on failure",
        "poem" => "`.at(\"/livez\", get(livez)).at(\"/readyz\", get(readyz))`; `readyz` returns `StatusCode::SERVICE_UNAVAILABLE` on failure",
        "tonic" => "serve `tonic_health::server::health_reporter()` beside your services and set each one's status",
        "warp" => "`warp::path!(\"livez\").map(|| StatusCode::OK)` and a `readyz` filter that checks dependencies and replies 503 on failure",
        _ => "a `/livez` route that returns 200 and a `/readyz` route that checks dependencies and returns 503 when one fails",
    }
}

/// How a handler answers 503, in the framework's own terms.
pub fn unavailable_example(framework: &str) -> &'static str {
    match framework {
        "fastapi" | "starlette" => "`return JSONResponse(body, status_code=503)`",
        "flask" | "sanic" => "`return body, 503`",
        "django" => "`return JsonResponse(body, status=503)`",
        "aiohttp" => "`return web.json_response(body, status=503)`",
        "axum" | "poem" => "`(StatusCode::SERVICE_UNAVAILABLE, Json(body))`",
        "actix-web" => "`HttpResponse::ServiceUnavailable().json(body)`",
        "rocket" => "`Status::ServiceUnavailable`",
        _ => "a 503 status",
    }
}

/// A service's health routes whose handler was found, with their role.
pub struct JudgedHandler<'u> {
    pub role: HealthRole,
    pub route: ServiceRoute<'u>,
    pub file: usize,
    pub handler: &'u HandlerFact,
}

/// Handlers of a service's health routes; `has_readiness` says whether a separate readiness
/// route exists.
pub fn health_handlers<'u>(
    unit: &'u crate::project::Unit<'u>,
    service: &Service<'u>,
    catalog: &ServiceCatalog,
) -> (Vec<JudgedHandler<'u>>, bool) {
    let routes: Vec<(ServiceRoute<'u>, HealthRole)> = service.health_routes(catalog).collect();
    let has_readiness = routes.iter().any(|(_, r)| *r == HealthRole::Readiness);
    let handlers = routes
        .into_iter()
        .filter_map(|(route, role)| {
            let (file, handler) = UnitModel::handler(unit, route)?;
            (!handler.in_test).then_some(JudgedHandler {
                role,
                route,
                file,
                handler,
            })
        })
        .collect();
    (handlers, has_readiness)
}

impl JudgedHandler<'_> {
    /// Serves the liveness probe: a route named for liveness, or a plain general one
    /// (`/health`, `/healthz`) beside a separate readiness route. `/health/db` beside
    /// `/readyz` is a dependency report, not a probe.
    pub fn is_liveness(&self, has_readiness: bool) -> bool {
        match self.role {
            HealthRole::Liveness => true,
            HealthRole::Readiness => false,
            HealthRole::General => {
                let plain = match self.route.route.path.as_deref() {
                    Some(p) => p.split('/').filter(|s| !s.is_empty()).count() <= 1,
                    None => true,
                };
                has_readiness && plain
            }
        }
    }
}

/// Reports each handler once, however many services or routes reach it.
#[derive(Default)]
pub struct Once(BTreeSet<(usize, Span)>);

impl Once {
    pub fn first(&mut self, file: usize, span: Span) -> bool {
        self.0.insert((file, span))
    }
}

/// The path a route was declared with, for messages.
pub fn shown_path(route: &ServiceRoute<'_>) -> String {
    match (&route.route.path, &route.route.handler) {
        (Some(p), _) if !p.is_empty() => format!("`{p}`"),
        (_, Some(h)) => format!("the route served by `{h}`"),
        _ => "its health route".to_string(),
    }
}

/// Reports at the service's construction.
pub fn report_at_service(
    cx: &mut ProjectCx<'_>,
    rule: &'static str,
    service: &Service<'_>,
    message: String,
    help: String,
) {
    cx.report(rule, service.file, service.span, message, Some(help));
}
