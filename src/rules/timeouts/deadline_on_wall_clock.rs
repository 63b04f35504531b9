//! RES104 deadline-on-wall-clock: deadlines and elapsed-time checks computed from the wall clock.

use crate::facts::ClockUse;
use crate::rules::{Check, FileCx};

pub struct DeadlineOnWallClock;

impl Check for DeadlineOnWallClock {
    fn id(&self) -> &'static str {
        "RES104"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let reads: Vec<_> = cx.facts.clock_reads.clone();
        for read in reads {
            let (clock, fix) = match cx.lang {
                crate::facts::Lang::Python => (
                    format!("`{}()`", read.clock),
                    "use `time.monotonic()` for deadlines and elapsed time",
                ),
                crate::facts::Lang::Rust => (
                    "`SystemTime::now()`".to_string(),
                    "use `std::time::Instant` (or `tokio::time::Instant`) for deadlines and elapsed time",
                ),
            };
            let what = match read.usage {
                ClockUse::Deadline => "computes a deadline",
                ClockUse::Compare => "checks a deadline or elapsed time",
            };
            let message = format!(
                "{what} from the wall clock {clock}, which jumps with NTP corrections and clock changes"
            );
            cx.report(
                self.id(),
                read.in_test,
                read.span,
                message,
                Some(fix.to_string()),
            );
        }
    }
}
