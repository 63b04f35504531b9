//! RES205 retry-swallows-cancellation: a retry that catches cancellation and keeps retrying.

use super::report_each;
use crate::rules::{Check, FileCx};

pub struct RetrySwallowsCancellation;

impl Check for RetrySwallowsCancellation {
    fn id(&self) -> &'static str {
        "RES205"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            let (span, why) = f.cancellation.as_ref()?;
            let fix = lib.map_or(String::new(), |l| l.fix_cancellation.clone());
            Some((*span, format!("{}: {why}", f.what), fix))
        });
    }
}
