//! RES301 breaker-transition-unlogged: a breaker whose state changes leave no log line.

use super::log_help;
use crate::rules::{Check, FileCx};

pub struct BreakerTransitionUnlogged;

impl Check for BreakerTransitionUnlogged {
    fn id(&self) -> &'static str {
        "RES301"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for b in &cx.facts.breakers.library {
            let Some(recorded) = b.recorded else { continue };
            if recorded.logs {
                continue;
            }
            let help = cx
                .catalog
                .breaker_library(cx.lang, &b.library)
                .map(|s| s.log_fix.clone())
                .filter(|f| !f.is_empty());
            let message = format!(
                "`{}` has no listener that logs its state changes: it opens and closes without a trace",
                b.constructor
            );
            found.push((b.in_test, b.span, message, help));
        }
        for b in &cx.facts.breakers.hand_written {
            for t in b.transitions.iter().filter(|t| !t.recorded.logs) {
                let what = match &t.to {
                    Some(to) => format!("sets the state to `{to}`"),
                    None => "changes the state".to_string(),
                };
                let message = format!(
                    "circuit breaker `{}`: `{}` {what} without logging the transition",
                    b.name, t.function
                );
                found.push((b.in_test, t.span, message, Some(log_help(cx.lang).into())));
            }
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, help);
        }
    }
}
