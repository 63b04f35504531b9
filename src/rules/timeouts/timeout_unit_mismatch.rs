//! RES105 timeout-unit-mismatch: a literal timeout that is almost certainly in the wrong unit.

use super::{assessments, unit_mismatch, written};
use crate::rules::{Check, FileCx};

pub struct TimeoutUnitMismatch;

impl Check for TimeoutUnitMismatch {
    fn id(&self) -> &'static str {
        "RES105"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for a in assessments(cx) {
            for l in &a.literals {
                let Some(why) = unit_mismatch(&a, l) else {
                    continue;
                };
                let message = format!("{} timeout {} {why}", a.what(), written(l));
                let help = match l.unit {
                    super::LiteralUnit::Plain(crate::catalog::Unit::S) => {
                        format!("write seconds: `{}` ms is `{}`", written(l), l.raw / 1000.0)
                    }
                    super::LiteralUnit::Plain(crate::catalog::Unit::Ms) => {
                        format!(
                            "write milliseconds: `{}` s is `{}`",
                            written(l),
                            l.raw * 1000.0
                        )
                    }
                    super::LiteralUnit::Stated(crate::facts::DurationUnit::Seconds) => {
                        format!(
                            "use `Duration::from_millis({})` if milliseconds were meant",
                            l.raw
                        )
                    }
                    super::LiteralUnit::Stated(_) => {
                        format!("use `Duration::from_secs({})` if seconds were meant", l.raw)
                    }
                };
                found.push((a.call.in_test, a.at, message, help));
                break;
            }
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
