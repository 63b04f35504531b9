//! RES203 retry-without-jitter: exponential backoff with no random component.

use super::report_each;
use crate::facts::RetryDelay;
use crate::rules::{Check, FileCx};

pub struct RetryWithoutJitter;

impl Check for RetryWithoutJitter {
    fn id(&self) -> &'static str {
        "RES203"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            if f.delay != RetryDelay::Exponential {
                return None;
            }
            let fix = lib.map_or(String::new(), |l| l.fix_jitter.clone());
            let detail = if f.delay_detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.delay_detail)
            };
            Some((
                f.delay_span,
                format!(
                    "{} backs off exponentially with no jitter{detail}: clients that failed together retry together, in synchronised waves",
                    f.what
                ),
                fix,
            ))
        });
    }
}
