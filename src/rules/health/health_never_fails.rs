//! RES504 health-never-fails: a health handler that probes dependencies but has no way to
//! answer with a non-2xx status.

use super::{health_handlers, shown_path, unavailable_example, Once};
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct HealthNeverFails;

impl ProjectCheck for HealthNeverFails {
    fn id(&self) -> &'static str {
        "RES504"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let model = UnitModel::build(cx.unit, cx.catalog);
        let mut once = Once::default();
        for service in &model.services {
            let (handlers, has_readiness) = health_handlers(cx.unit, service, &cx.catalog.services);
            for h in handlers {
                // A liveness route should not probe at all (RES505), not fail when it does.
                if h.is_liveness(has_readiness) {
                    continue;
                }
                let Some(probe) = h.handler.probes.first() else {
                    continue;
                };
                if h.handler.can_fail || !once.first(h.file, h.handler.span) {
                    continue;
                }
                let message = format!(
                    "`{}` checks dependencies (`{probe}`) for {} but always answers 2xx: the failure is caught and reported in the body, and a load balancer or kubelet reads only the status code",
                    h.handler.name,
                    shown_path(&h.route),
                );
                let help = format!(
                    "when a check fails, answer 503: {}",
                    unavailable_example(service.framework)
                );
                cx.report(self.id(), h.file, h.handler.span, message, Some(help));
            }
        }
    }
}
