//! Partial-failure and error-handling rules (RES401–RES403) and bulkhead rules
//! (RES701–RES705), over the facts in `FileFacts::failure`.

pub mod blocking_in_async;
pub mod fan_out_fails_fast;
pub mod panic_on_external_failure;
pub mod pool_without_limits;
pub mod swallowed_error;
pub mod unbounded_cache;
pub mod unbounded_fan_out;
pub mod unbounded_queue;

use crate::api_roles::{ApiSpec, Role};
use crate::facts::{CallFact, Value};
use crate::rules::FileCx;

/// The recorded calls that have `role`, with their catalog entry.
fn calls_with_role<'a>(
    cx: &'a FileCx<'_>,
    role: Role,
) -> impl Iterator<Item = (&'a CallFact, &'a ApiSpec)> + 'a {
    let lang = cx.lang;
    let catalog = cx.catalog;
    cx.facts
        .failure
        .calls
        .iter()
        .filter_map(move |c| catalog.api(lang, &c.callee, role).map(|s| (c, s)))
}

/// The value given for a bound: a keyword or builder method named in `names`, else the
/// positional argument at `position`.
fn bound_value<'a>(
    call: &'a CallFact,
    names: &[String],
    position: Option<usize>,
) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| call.param(n).map(|p| p.value))
        .or_else(|| position.and_then(|p| call.positional(p)).map(|a| &a.value))
}
