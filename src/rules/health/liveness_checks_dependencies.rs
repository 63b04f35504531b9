//! RES505 liveness-checks-dependencies: a liveness route that calls a database, cache or
//! upstream, so a slow dependency restarts healthy pods.

use super::{health_handlers, shown_path, Once};
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct LivenessChecksDependencies;

impl ProjectCheck for LivenessChecksDependencies {
    fn id(&self) -> &'static str {
        "RES505"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let model = UnitModel::build(cx.unit, cx.catalog);
        let mut once = Once::default();
        for service in &model.services {
            let (handlers, has_readiness) = health_handlers(cx.unit, service, &cx.catalog.services);
            for h in handlers {
                let liveness = h.is_liveness(has_readiness);
                let Some(probe) = h.handler.probes.first() else {
                    continue;
                };
                if !liveness || !once.first(h.file, h.handler.span) {
                    continue;
                }
                let message = format!(
                    "liveness handler `{}` ({}) calls a dependency (`{probe}`): when it is slow or down, every pod fails liveness at once and is restarted, which cures nothing and adds a restart storm to the outage",
                    h.handler.name,
                    shown_path(&h.route),
                );
                let help = "keep liveness to the process itself (return 200 if the event loop answers); check dependencies in the readiness route".to_string();
                cx.report(self.id(), h.file, h.handler.span, message, Some(help));
            }
        }
    }
}
