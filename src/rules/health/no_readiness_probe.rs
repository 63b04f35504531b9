//! RES502 no-readiness-probe: a service whose health route is its only probe, so liveness and
//! readiness share one answer.

use super::{report_at_service, route_example, shown_path};
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::{HealthRole, UnitModel};

pub struct NoReadinessProbe;

impl ProjectCheck for NoReadinessProbe {
    fn id(&self) -> &'static str {
        "RES502"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let model = UnitModel::build(cx.unit, cx.catalog);
        let catalog = &cx.catalog.services;
        for service in &model.services {
            if service.routes_elsewhere || service.included_health {
                continue;
            }
            let health: Vec<_> = service.health_routes(catalog).collect();
            let Some((first, _)) = health.first() else {
                continue;
            };
            if health
                .iter()
                .any(|(_, role)| *role == HealthRole::Readiness)
            {
                continue;
            }
            let message = format!(
                "this {} service (`{}`) has a health route ({}) but no separate readiness route: one probe answers both \"restart me\" and \"send me traffic\", so a dependency outage either restarts healthy pods or keeps traffic flowing to pods that cannot serve it",
                service.framework,
                service.constructor,
                shown_path(first),
            );
            let help = format!(
                "serve readiness separately: {}",
                route_example(service.framework)
            );
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
