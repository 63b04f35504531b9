//! RES204 retry-unbounded: no attempt cap and no deadline.

use super::report_each;
use crate::rules::{Check, FileCx};

pub struct RetryUnbounded;

impl Check for RetryUnbounded {
    fn id(&self) -> &'static str {
        "RES204"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            if f.bounded != Some(false) {
                return None;
            }
            let fix = lib.map_or(String::new(), |l| l.fix_bound.clone());
            Some((
                f.policy_span,
                format!(
                    "{} never gives up ({}): a permanent failure holds the caller forever and the error is never surfaced",
                    f.what, f.bound_detail
                ),
                fix,
            ))
        });
    }
}
