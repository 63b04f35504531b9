//! RES303 breaker-misconfigured: a failure threshold of 1 or less, or an open duration outside
//! the configured bounds (default 1 s to 10 min).

use crate::facts::BreakerValueKind;
use crate::rules::{Check, FileCx};

pub struct BreakerMisconfigured;

impl Check for BreakerMisconfigured {
    fn id(&self) -> &'static str {
        "RES303"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let s = cx.settings;
        let mut found = Vec::new();
        for v in &cx.facts.breakers.values {
            let value = v.setting.value;
            let written = &v.setting.written;
            let message = match v.kind {
                BreakerValueKind::Threshold if value < s.breaker_min_failure_threshold => {
                    format!(
                        "failure threshold of {} (`{written}`): the breaker opens on {}, so one stray error cuts off a healthy dependency",
                        trim(value),
                        if value <= 1.0 { "the first failure" } else { "too few failures" }
                    )
                }
                BreakerValueKind::OpenDuration if value <= 0.0 => format!(
                    "the breaker does not stay open at all (`{written}`): it lets traffic straight back to the failing dependency"
                ),
                BreakerValueKind::OpenDuration if value < s.breaker_min_open_seconds => format!(
                    "the breaker stays open for only {} (`{written}`), below {}: it lets traffic back almost at once and keeps hammering the failing dependency",
                    seconds(value),
                    seconds(s.breaker_min_open_seconds)
                ),
                BreakerValueKind::OpenDuration if value > s.breaker_max_open_seconds => format!(
                    "the breaker stays open for {} (`{written}`), above {}: the dependency stays cut off long after it has recovered",
                    seconds(value),
                    seconds(s.breaker_max_open_seconds)
                ),
                _ => continue,
            };
            let fix = cx
                .catalog
                .breaker_library(cx.lang, &v.library)
                .map(|spec| spec.config_fix.as_str())
                .filter(|f| !f.is_empty())
                .unwrap_or(
                    "open after a few consecutive failures and stay open for tens of seconds",
                );
            let help = format!(
                "{fix}; the bounds are `breaker-min-failure-threshold`, `breaker-min-open-seconds` and `breaker-max-open-seconds` in the config"
            );
            found.push((v.in_test, v.setting.span, message, help));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}

/// A duration as a reader would say it, down to milliseconds: `250 ms`, `30 s`, `1 h`.
fn seconds(s: f64) -> String {
    if s > 0.0 && s < 1.0 {
        format!("{} ms", trim((s * 1000.0).round()))
    } else {
        crate::rules::timeouts::human_seconds(s)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}
