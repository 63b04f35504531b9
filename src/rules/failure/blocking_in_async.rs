//! RES705 blocking-in-async: a blocking call inside `async def` / `async fn`.

use super::calls_with_role;
use crate::api_roles::Role;
use crate::facts::Lang;
use crate::rules::{Check, FileCx};

pub struct BlockingInAsync;

impl Check for BlockingInAsync {
    fn id(&self) -> &'static str {
        "RES705"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for (call, spec) in calls_with_role(cx, Role::Blocking) {
            if !call.in_async {
                continue;
            }
            let what = spec.what.as_deref().unwrap_or("blocking call");
            let message = match cx.lang {
                Lang::Python => format!(
                    "`{}` ({what}) inside `async def` blocks the event loop: every other request on this worker waits until it returns",
                    call.callee
                ),
                Lang::Rust => format!(
                    "`{}` ({what}) inside async code blocks the runtime's worker thread: the other tasks on it stall until it returns",
                    call.callee
                ),
            };
            found.push((call.in_test, call.span, message, spec.fix.clone()));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, help);
        }
    }
}
