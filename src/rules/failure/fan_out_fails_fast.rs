//! RES401 fan-out-fails-fast: concurrent calls to external services joined so that one
//! failure raises and the other results are lost.

use crate::facts::{FanOutKind, Lang};
use crate::rules::{Check, FileCx};

pub struct FanOutFailsFast;

impl Check for FanOutFailsFast {
    fn id(&self) -> &'static str {
        "RES401"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for f in &cx.facts.failure.fan_outs {
            let Some(external) = &f.external else {
                continue;
            };
            if f.kind != FanOutKind::Join || !f.fails_fast {
                continue;
            }
            let (message, help) = match cx.lang {
                Lang::Python => (
                    format!(
                        "`{}(..)` over external calls (`{external}`) without `return_exceptions=True`: the first failure raises, the results of the calls that succeeded are lost and the others keep running unobserved",
                        f.callee
                    ),
                    "pass `return_exceptions=True` and handle each result (`if isinstance(r, Exception): ..`), so one failed upstream degrades the answer instead of failing it".to_string(),
                ),
                Lang::Rust => (
                    format!(
                        "`{}` over external calls (`{external}`): the first error drops the other futures, cancelling their requests mid-flight and losing the results that succeeded",
                        f.callee
                    ),
                    "use `futures::future::join_all(..)` (or `tokio::join!`) and handle each `Result`, so one failed upstream degrades the answer instead of failing it".to_string(),
                ),
            };
            found.push((f.in_test, f.span, message, help));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
