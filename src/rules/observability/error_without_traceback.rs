//! OBS103: in an `except` block, `logger.error(..)` without the traceback, or a log call that
//! drops the caught exception. Python only: the facts also carry Rust `Err(..)` arms, but
//! whether a dropped Rust error said anything is a matter of its type (a marker error the callee
//! already reported, a closed channel, an elapsed timer), which a reader of syntax cannot tell.

use crate::facts::observability::{LogCall, LogLevel};
use crate::facts::Lang;
use crate::rules::observability::shown;
use crate::rules::{Check, FileCx};

pub struct ErrorWithoutTraceback;

enum Problem {
    /// The exception is in the message but its traceback is not.
    NoTraceback,
    /// Neither the exception nor its traceback is logged.
    Dropped,
}

impl Check for ErrorWithoutTraceback {
    fn id(&self) -> &'static str {
        "OBS103"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        if cx.lang != Lang::Python {
            return;
        }
        for call in &cx.facts.observability.log_calls {
            let Some(problem) = problem(call) else {
                continue;
            };
            let (message, help) = match problem {
                Problem::NoTraceback => (
                    format!(
                        "`{}` in an `except` block logs the exception without its traceback: \
                         where it was raised is lost",
                        shown(call)
                    ),
                    python_fix(call),
                ),
                Problem::Dropped => (
                    format!(
                        "`{}` in an `except` block drops the caught exception: the log says \
                         that something failed but not what or where",
                        shown(call)
                    ),
                    python_fix(call),
                ),
            };
            cx.report("OBS103", call.in_test, call.span, message, Some(help));
        }
    }
}

fn python_fix(call: &LogCall) -> String {
    if call.callee.starts_with("loguru.") {
        "use `logger.exception(..)` or `logger.opt(exception=True).error(..)`".into()
    } else {
        "use `logger.exception(..)`, or pass `exc_info=True` to keep the level".into()
    }
}

fn problem(call: &LogCall) -> Option<Problem> {
    let handler = call.handler.as_ref()?;
    if call.exc_info || handler.reraises || handler.logs_traceback {
        return None;
    }
    let level = call.level?;
    let severe = matches!(level, LogLevel::Error | LogLevel::Critical);
    // A specific exception left unbound was judged to say enough by its type
    // (`except ValueError: log.error("bundle not configured")`); one bound and then ignored
    // was dropped.
    let dropped_specific =
        handler.binding.is_some() && !handler.binding_used && !call.mentions_error;
    if severe && (handler.catches_all || dropped_specific) {
        Some(if call.mentions_error {
            Problem::NoTraceback
        } else {
            Problem::Dropped
        })
    } else if level == LogLevel::Warning
        && handler.catches_all
        && !call.mentions_error
        && !handler.binding_used
    {
        Some(Problem::Dropped)
    } else {
        None
    }
}
