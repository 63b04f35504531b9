//! Circuit-breaker rules (RES301–RES304), over the breakers each front end finds: library
//! breakers with their listeners and settings, and hand-written breakers with their transitions.

pub mod breaker_misconfigured;
pub mod breaker_no_half_open;
pub mod breaker_transition_unlogged;
pub mod breaker_unobserved;

use crate::facts::Lang;

/// How to log a transition, in the language's own terms.
fn log_help(lang: Lang) -> &'static str {
    match lang {
        Lang::Python => "log every change where it happens, e.g. through one `_transition(new)` helper that does `logger.warning(\"circuit %s: %s -> %s\", self.name, self._state, new)` before assigning",
        Lang::Rust => "log every change where it happens, e.g. through one `transition(&mut self, to)` helper that does `tracing::warn!(from = ?self.state, to = ?to, \"circuit breaker state changed\")` before assigning",
    }
}

/// How to export a breaker's state, in the language's own terms.
fn metrics_help(lang: Lang) -> &'static str {
    match lang {
        Lang::Python => "set a state gauge and count openings where the state changes: `BREAKER_STATE.labels(self.name).set(..)`, `BREAKER_OPENED.labels(self.name).inc()` (prometheus_client)",
        Lang::Rust => "set a state gauge and count openings where the state changes: `metrics::gauge!(\"circuit_breaker_state\", \"name\" => name).set(..)`, `metrics::counter!(\"circuit_breaker_opened_total\").increment(1)`",
    }
}
