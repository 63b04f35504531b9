//! RES106 partial-timeout: only part of the request is bounded.

use super::{assessments, Given};
use crate::rules::{Check, FileCx};

pub struct PartialTimeout;

impl Check for PartialTimeout {
    fn id(&self) -> &'static str {
        "RES106"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for a in assessments(cx) {
            let detail = match &a.given {
                // A partial timeout object replaces the library default whatever it was
                // (`ClientSession(timeout=ClientTimeout(connect=5))` drops aiohttp's 300 s total).
                Given::Partial(d) => d.clone(),
                Given::Missing if a.default_connect_only() => {
                    "the library's default bounds only the connection: reads can wait forever"
                        .to_string()
                }
                _ => continue,
            };
            let message = format!(
                "{} is only partly bounded: {detail}{}",
                a.what(),
                a.assumption()
            );
            found.push((a.call.in_test, a.at, message, a.default.fix.to_string()));
        }
        for (in_test, span, message, fix) in found {
            cx.report(self.id(), in_test, span, message, Some(fix));
        }
    }
}
