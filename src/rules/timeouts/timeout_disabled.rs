//! RES102 timeout-disabled: a timeout explicitly switched off.

use super::{assessments, Given};
use crate::rules::{Check, FileCx};

pub struct TimeoutDisabled;

impl Check for TimeoutDisabled {
    fn id(&self) -> &'static str {
        "RES102"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for a in assessments(cx) {
            let Given::Disabled(what) = &a.given else {
                continue;
            };
            let message = format!(
                "{} has its timeout switched off with {what}: it can wait forever",
                a.what()
            );
            found.push((a.call.in_test, a.at, message, a.spec.fix.clone()));
        }
        for (in_test, span, message, fix) in found {
            cx.report(self.id(), in_test, span, message, Some(fix));
        }
    }
}
