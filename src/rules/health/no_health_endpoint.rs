//! RES501 no-health-endpoint: a web service that serves no health route.

use super::{report_at_service, route_example};
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct NoHealthEndpoint;

impl ProjectCheck for NoHealthEndpoint {
    fn id(&self) -> &'static str {
        "RES501"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let model = UnitModel::build(cx.unit, cx.catalog);
        let catalog = &cx.catalog.services;
        for service in &model.services {
            // Routes not seen (none at all, or from another crate) cannot show an absence.
            if service.routes.is_empty() || service.routes_elsewhere || service.included_health {
                continue;
            }
            if service.health_routes(catalog).next().is_some() {
                continue;
            }
            let message = format!(
                "this {} service (`{}`) serves {} route{} and no health route (`/healthz`, `/livez`, `/readyz`): an orchestrator or load balancer cannot tell a hung instance from a healthy one",
                service.framework,
                service.constructor,
                service.routes.len(),
                if service.routes.len() == 1 { "" } else { "s" },
            );
            let help = format!("add {}", route_example(service.framework));
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
