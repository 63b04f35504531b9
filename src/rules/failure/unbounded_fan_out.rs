//! RES702 unbounded-fan-out: one task or future per item with no concurrency limit.

use crate::facts::{FanOutKind, Lang};
use crate::rules::{Check, FileCx};

pub struct UnboundedFanOut;

impl Check for UnboundedFanOut {
    fn id(&self) -> &'static str {
        "RES702"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for f in &cx.facts.failure.fan_outs {
            if !f.per_item || f.limited {
                continue;
            }
            let how = match f.kind {
                FanOutKind::Join => "runs one future per item at once",
                FanOutKind::Spawn => "starts one task per item",
            };
            let message = format!(
                "`{}(..)` {how} with no concurrency limit: a large input opens that many connections and tasks at once and overwhelms this service and its upstreams",
                f.callee
            );
            let help = match cx.lang {
                Lang::Python => "bound it: create `sem = asyncio.Semaphore(10)` and wrap each task's work in `async with sem:`, or process the items in fixed-size batches",
                Lang::Rust => "bound it: `futures::stream::iter(items).map(f).buffer_unordered(10)`, or acquire a `tokio::sync::Semaphore` permit (`acquire_owned`) before each spawn",
            };
            found.push((f.in_test, f.span, message, help.to_string()));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
