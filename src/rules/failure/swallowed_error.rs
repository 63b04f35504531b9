//! RES402 swallowed-error: an error dropped with no trace.

use crate::facts::Lang;
use crate::rules::{Check, FileCx};

pub struct SwallowedError;

impl Check for SwallowedError {
    fn id(&self) -> &'static str {
        "RES402"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for s in &cx.facts.failure.swallowed {
            let (message, help) = match cx.lang {
                Lang::Python => (
                    format!(
                        "{} drops {} with no log and no re-raise: failures here leave no trace",
                        s.form,
                        if s.what.is_empty() {
                            "every exception".to_string()
                        } else {
                            format!("every `{}`", s.what)
                        }
                    ),
                    "log it (`logger.exception(\"..\")`, or `logger.debug(\"..\", exc_info=True)` when it is expected), or catch only the exception you expect".to_string(),
                ),
                Lang::Rust => (
                    format!(
                        "{} discards the `Result` of `{}`: a failed request or write goes unnoticed",
                        s.form, s.what
                    ),
                    "handle it: `if let Err(e) = .. { tracing::warn!(error = %e, \"..\") }`, or propagate it with `?`".to_string(),
                ),
            };
            found.push((s.in_test, s.span, message, help));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
