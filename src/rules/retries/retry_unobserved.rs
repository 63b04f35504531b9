//! RES207 retry-unobserved: a retry that neither logs nor counts its attempts.

use super::report_each;
use crate::rules::{Check, FileCx};

pub struct RetryUnobserved;

impl Check for RetryUnobserved {
    fn id(&self) -> &'static str {
        "RES207"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            if f.observed {
                return None;
            }
            let fix = lib.map_or(String::new(), |l| l.fix_observe.clone());
            Some((
                f.span,
                format!(
                    "{} records nothing about its attempts (no log, no counter): a retry storm is invisible until it is an outage",
                    f.what
                ),
                fix,
            ))
        });
    }
}
