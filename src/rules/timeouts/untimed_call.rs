//! RES101 untimed-call: an external call whose library waits forever, made without a timeout.

use super::{assessments, Given};
use crate::rules::{Check, FileCx};

pub struct UntimedCall;

impl Check for UntimedCall {
    fn id(&self) -> &'static str {
        "RES101"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for a in assessments(cx) {
            if a.given != Given::Missing || !a.default_unbounded() {
                continue;
            }
            let mut message = format!(
                "{} has no timeout: it waits forever on a peer that stops answering{}",
                a.what(),
                a.assumption()
            );
            if let Some(attr) = &a.ignored_attr {
                message.push_str(&format!(
                    "; setting `.{attr}` on the object does nothing, the library reads the timeout only per call"
                ));
            }
            found.push((a.call.in_test, a.at, message, a.default.fix.to_string()));
        }
        for (in_test, span, message, fix) in found {
            cx.report(self.id(), in_test, span, message, Some(fix));
        }
    }
}
