//! RES202 retry-without-backoff: no delay, or the same delay, between attempts.

use super::report_each;
use crate::facts::RetryDelay;
use crate::rules::{Check, FileCx};

pub struct RetryWithoutBackoff;

impl Check for RetryWithoutBackoff {
    fn id(&self) -> &'static str {
        "RES202"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            let problem = match f.delay {
                RetryDelay::None => "retries with no delay between attempts",
                RetryDelay::Constant => "retries with a constant delay, no backoff",
                _ => return None,
            };
            let fix = lib.map_or(String::new(), |l| l.fix_backoff.clone());
            let detail = if f.delay_detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.delay_detail)
            };
            Some((
                f.policy_span,
                format!(
                    "{} {problem}{detail}: during an outage every client hammers the failing service at full rate",
                    f.what
                ),
                fix,
            ))
        });
    }
}
