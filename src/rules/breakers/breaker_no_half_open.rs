//! RES304 breaker-no-half-open: a hand-written breaker with OPEN and CLOSED states and no
//! HALF_OPEN trial state.

use crate::facts::Lang;
use crate::rules::{Check, FileCx};

pub struct BreakerNoHalfOpen;

impl Check for BreakerNoHalfOpen {
    fn id(&self) -> &'static str {
        "RES304"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for set in cx
            .facts
            .breakers
            .state_sets
            .iter()
            .filter(|s| !s.has_half_open)
        {
            let message = format!(
                "circuit breaker states `{}` have OPEN and CLOSED but no HALF_OPEN: when the open period ends, full traffic goes back to a dependency that may still be down",
                set.name
            );
            let help = match cx.lang {
                Lang::Python => "add a `HALF_OPEN` state: after the open period let one trial call through; its success closes the breaker, its failure opens it again",
                Lang::Rust => "add a `HalfOpen` variant: after the open period let one trial call through; its success closes the breaker, its failure opens it again",
            };
            found.push((set.in_test, set.span, message, help.to_string()));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
