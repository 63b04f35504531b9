//! RES602 shutdown-without-deadline: shutdown code that waits for in-flight work forever.

use crate::rules::{Check, FileCx};

pub struct ShutdownWithoutDeadline;

impl Check for ShutdownWithoutDeadline {
    fn id(&self) -> &'static str {
        "RES602"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        for wait in &cx.facts.shutdown.waits {
            let message = format!(
                "shutdown waits on `{}` with no deadline: one stuck task or thread holds the process until the orchestrator kills it (SIGKILL after the grace period), skipping the rest of the cleanup",
                wait.what
            );
            let help = if let Some(fix) = &wait.fix {
                fix.clone()
            } else if wait.what.ends_with(".join()") {
                format!(
                    "bound the wait below the grace period: `await asyncio.wait_for({}, timeout=20)` for a queue, `{}(timeout=20)` for a thread",
                    wait.what,
                    wait.what.trim_end_matches("()")
                )
            } else {
                format!(
                    "bound the wait below the grace period: `await asyncio.wait_for({}, timeout=20)`, then cancel what is left",
                    wait.what
                )
            };
            cx.report(self.id(), wait.in_test, wait.span, message, Some(help));
        }
    }
}
