//! RES103 timeout-too-long: a literal timeout above the configured maximum, or a client left on
//! a very long library default.

use super::{assessments, human_seconds, unit_mismatch, written, Given};
use crate::rules::{Check, FileCx};

pub struct TimeoutTooLong;

impl Check for TimeoutTooLong {
    fn id(&self) -> &'static str {
        "RES103"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let max = cx.settings.max_timeout_seconds;
        let mut found = Vec::new();
        for a in assessments(cx) {
            if a.given == Given::Missing && a.default.long_default {
                if let Some(crate::catalog::DefaultTimeout::Seconds(s)) = a.default.default {
                    let message = format!(
                        "{} is left on the library's default timeout of {}: a stuck call holds its caller that long",
                        a.what(),
                        human_seconds(s)
                    );
                    found.push((a.call.in_test, a.at, message, a.default.fix.to_string()));
                }
                continue;
            }
            for l in &a.literals {
                if l.seconds <= max || unit_mismatch(&a, l).is_some() {
                    continue;
                }
                let message = format!(
                    "{} has a timeout of {} ({}), above the {} maximum",
                    a.what(),
                    written(l),
                    human_seconds(l.seconds),
                    human_seconds(max)
                );
                let help = format!(
                    "bound the call by what its caller can wait (seconds, not minutes); raise `max-timeout-seconds` in the config if {} is intended",
                    human_seconds(l.seconds)
                );
                found.push((a.call.in_test, a.at, message, help));
                break;
            }
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
