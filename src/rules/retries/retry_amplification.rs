//! RES206 retry-amplification: a retry around a client that already retries.

use super::report_each;
use crate::rules::{Check, FileCx};

pub struct RetryAmplification;

impl Check for RetryAmplification {
    fn id(&self) -> &'static str {
        "RES206"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            let inner = f.amplifies.as_ref()?;
            let fix = lib.map_or(String::new(), |l| l.fix_amplification.clone());
            Some((
                f.span,
                format!(
                    "{} retries code in which {inner}: the attempts multiply at every layer during an outage",
                    f.what
                ),
                fix,
            ))
        });
    }
}
