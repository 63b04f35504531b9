//! RES403 panic-on-external-failure: `.unwrap()` / `.expect(..)` on an external call's result.

use crate::rules::{Check, FileCx};

pub struct PanicOnExternalFailure;

impl Check for PanicOnExternalFailure {
    fn id(&self) -> &'static str {
        "RES403"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for p in &cx.facts.failure.panics {
            let message = format!(
                "`.{}` on the result of `{}`: the first network or I/O error panics the task instead of being handled",
                if p.method == "expect" { "expect(..)" } else { "unwrap()" },
                p.callee
            );
            let help = "propagate it with `?` (map it to an error response or a retry), or match on the error; `.expect(..)` panics just the same".to_string();
            found.push((p.in_test, p.span, message, help));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
