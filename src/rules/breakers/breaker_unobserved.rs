//! RES302 breaker-unobserved: a breaker whose state is not exported as a metric.

use super::metrics_help;
use crate::rules::{Check, FileCx};

pub struct BreakerUnobserved;

impl Check for BreakerUnobserved {
    fn id(&self) -> &'static str {
        "RES302"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for b in &cx.facts.breakers.library {
            let Some(recorded) = b.recorded else { continue };
            if recorded.metrics {
                continue;
            }
            let help = cx
                .catalog
                .breaker_library(cx.lang, &b.library)
                .map(|s| s.metrics_fix.clone())
                .filter(|f| !f.is_empty());
            let message = format!(
                "`{}` exports no metric of its state: dashboards and alerts cannot see it open",
                b.constructor
            );
            found.push((b.in_test, b.span, message, help));
        }
        for b in cx.facts.breakers.hand_written.iter().filter(|b| !b.metrics) {
            let message = format!(
                "circuit breaker `{}` exports no metric of its state or transitions: dashboards and alerts cannot see it open",
                b.name
            );
            found.push((
                b.in_test,
                b.span,
                message,
                Some(metrics_help(cx.lang).into()),
            ));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, help);
        }
    }
}
