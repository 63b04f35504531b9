//! Retry rules (RES201–RES207). The front ends read each retry policy and hand-written retry
//! loop once into a `RetryFact`; each rule reports one question asked of it, with the fix in
//! the retry library's own terms (`[[retry_libraries]]` in the catalog).

pub mod retry_amplification;
pub mod retry_on_client_error;
pub mod retry_swallows_cancellation;
pub mod retry_unbounded;
pub mod retry_unobserved;
pub mod retry_without_backoff;
pub mod retry_without_jitter;

use crate::catalog::RetryLibrarySpec;
use crate::facts::RetryFact;
use crate::rules::FileCx;

/// The fix texts of a retry's library.
fn library<'a>(cx: &FileCx<'a>, fact: &RetryFact) -> Option<&'a RetryLibrarySpec> {
    cx.catalog.retries.library(cx.lang, &fact.library)
}

/// Reports one finding per retry for which `judge` returns (where, message, fix).
fn report_each(
    cx: &mut FileCx<'_>,
    rule: &'static str,
    judge: impl Fn(
        &RetryFact,
        Option<&RetryLibrarySpec>,
    ) -> Option<(crate::facts::Span, String, String)>,
) {
    let found: Vec<_> = cx
        .facts
        .retries
        .iter()
        .filter_map(|f| {
            let lib = library(cx, f);
            judge(f, lib).map(|(span, message, fix)| (f.in_test, span, message, fix))
        })
        .collect();
    for (in_test, span, message, fix) in found {
        let help = (!fix.is_empty()).then_some(fix);
        cx.report(rule, in_test, span, message, help);
    }
}
