//! RES503 shallow-readiness: a readiness handler (or a service's only kind of health handler)
//! that answers from constants while the service depends on a database, cache or upstream.

use std::collections::BTreeSet;

use super::{health_handlers, shown_path, unavailable_example, Once};
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::{HealthRole, UnitModel};

pub struct ShallowReadiness;

impl ProjectCheck for ShallowReadiness {
    fn id(&self) -> &'static str {
        "RES503"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let model = UnitModel::build(cx.unit, cx.catalog);
        // A service that holds no dependencies needs no deep check.
        let Some(example) = model.dependencies.first() else {
            return;
        };
        let kinds: BTreeSet<&str> = model.dependencies.iter().map(|d| d.kind).collect();
        let kinds = kinds.into_iter().collect::<Vec<_>>().join(", ");
        let mut once = Once::default();
        for service in &model.services {
            let (handlers, has_readiness) = health_handlers(cx.unit, service, &cx.catalog.services);
            // A deep check elsewhere (`/health/db`) makes a constant `/health` the liveness probe.
            let deep_elsewhere = handlers.iter().any(|h| !h.handler.checks_nothing());
            for h in &handlers {
                // A constant liveness route is right; with a readiness route beside it, a
                // general `/health` is the liveness probe.
                let judged = match h.role {
                    HealthRole::Readiness => true,
                    HealthRole::General => !has_readiness && !deep_elsewhere,
                    HealthRole::Liveness => false,
                };
                // A constant error (`404` for a retired route) reports nothing ready.
                let constant_ok = h.handler.checks_nothing() && !h.handler.can_fail;
                if !judged || !constant_ok || !once.first(h.file, h.handler.span) {
                    continue;
                }
                let message = format!(
                    "`{}` answers {} with a constant while the service depends on {kinds} (`{}`): it reports ready when they are down, so traffic keeps flowing to an instance that cannot serve it",
                    h.handler.name,
                    shown_path(&h.route),
                    example.callee,
                );
                let help = format!(
                    "check what the service needs (`SELECT 1` on the pool, a Redis `PING`, with a short timeout) and answer 503 when a check fails: {}",
                    unavailable_example(service.framework)
                );
                cx.report(self.id(), h.file, h.handler.span, message, Some(help));
            }
        }
    }
}
