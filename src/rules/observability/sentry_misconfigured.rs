//! OBS401: `sentry_sdk.init(..)` / `sentry::init(..)` with a DSN literal, `send_default_pii`,
//! every transaction traced, no environment or release, or (Rust) its guard dropped.

use crate::facts::observability::SentryGuard;
use crate::facts::Lang;
use crate::rules::{Check, FileCx};

pub struct SentryMisconfigured;

impl Check for SentryMisconfigured {
    fn id(&self) -> &'static str {
        "OBS401"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let rust = cx.lang == Lang::Rust;
        for init in &cx.facts.observability.sentry_inits {
            let mut problems: Vec<&str> = Vec::new();
            let mut fixes: Vec<&str> = Vec::new();
            match init.guard {
                SentryGuard::DroppedAtOnce => {
                    problems.push("its guard is dropped at once, which shuts the client down: every event is lost");
                    fixes.push(
                        "keep the guard for the life of `main`: `let _guard = sentry::init(..);`",
                    );
                }
                SentryGuard::DroppedInHelper => {
                    problems.push("its guard is dropped when this function returns, which shuts the client down: every later event is lost");
                    fixes.push("return the `ClientInitGuard` and hold it in `main`");
                }
                SentryGuard::Kept => {}
            }
            if init.dsn_literal {
                problems.push("the DSN is a literal in the code (it ships in every build and cannot differ per environment)");
                fixes.push(if rust {
                    "leave `dsn` unset so the SDK reads `SENTRY_DSN`"
                } else {
                    "read it from the environment: `dsn=os.environ.get(\"SENTRY_DSN\")` (or omit it: the SDK reads `SENTRY_DSN`)"
                });
            }
            if init.send_default_pii {
                problems.push(if rust {
                    "`send_default_pii: true` sends users' IP addresses, cookies and request headers"
                } else {
                    "`send_default_pii=True` sends users' IP addresses, cookies and request headers"
                });
                fixes.push("drop `send_default_pii` (it defaults to off)");
            }
            if init.full_trace_sampling {
                problems.push("`traces_sample_rate` of 1.0 traces every transaction, which costs quota and overhead in production");
                fixes.push(if rust {
                    "sample a fraction (`traces_sample_rate: 0.1`) or decide per request with `traces_sampler`"
                } else {
                    "sample a fraction (`traces_sample_rate=0.1`) or decide per request with `traces_sampler=`"
                });
            }
            if !init.sets_environment && !init.sets_release && !init.forwards_options {
                problems.push("neither `environment` nor `release` is set, so events cannot be told apart by deployment or version");
                fixes.push(if rust {
                    "set `release: sentry::release_name!()` and `environment: Some(env.into())` (or `SENTRY_RELEASE` / `SENTRY_ENVIRONMENT`)"
                } else {
                    "pass `environment=` and `release=` (or set `SENTRY_ENVIRONMENT` / `SENTRY_RELEASE`)"
                });
            }
            if problems.is_empty() {
                continue;
            }
            let callee = if rust {
                "sentry::init(..)"
            } else {
                "sentry_sdk.init(..)"
            };
            let message = format!("`{callee}`: {}", problems.join("; "));
            cx.report(
                "OBS401",
                init.in_test,
                init.span,
                message,
                Some(fixes.join("; ")),
            );
        }
    }
}
