//! Facts for the partial-failure (RES401–RES403) and bulkhead (RES701–RES705) rules: fan-outs,
//! swallowed errors, panics on I/O results, cache decorators, and calls to the APIs that
//! `rules/catalog/bulkheads.toml` and `errors.toml` name (queues, pools, blocking calls).

use serde::{Deserialize, Serialize};

use super::{CallFact, Span};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailureFacts {
    pub fan_outs: Vec<FanOut>,
    pub swallowed: Vec<Swallowed>,
    pub panics: Vec<PanicOnIo>,
    pub caches: Vec<CacheDecorator>,
    /// Calls to catalogued queue constructors, pools and blocking calls, with their arguments
    /// and builder chains; `in_async` is false inside a lambda, a closure or a nested sync `def`
    /// (work moved off the event loop).
    pub calls: Vec<CallFact>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FanOutKind {
    /// `asyncio.gather(..)`, `join_all(..)`, `try_join_all(..)`, `try_join!(..)`: awaits all.
    Join,
    /// `asyncio.create_task(..)`, `tokio::spawn(..)`: starts one task.
    Spawn,
}

/// Concurrent work started at one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanOut {
    pub kind: FanOutKind,
    /// As resolved: `asyncio.gather`, `futures::future::try_join_all`, `tokio::try_join`.
    pub callee: String,
    pub span: Span,
    /// One failure fails the whole join (`gather` without `return_exceptions=True`,
    /// `try_join_all`, `try_join!`).
    pub fails_fast: bool,
    /// The first external call found among the joined work, directly or through a function
    /// of this file that makes one: `requests.get`, `fetch_user → httpx.AsyncClient.get`.
    pub external: Option<String>,
    /// One task or future per item of a collection (a comprehension, `iter().map(..)`, a loop
    /// over items), so the number in flight grows with the input.
    pub per_item: bool,
    /// A semaphore, limiter or bounded buffer is in sight in the function or the work it runs.
    pub limited: bool,
    pub in_test: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Swallowed {
    pub span: Span,
    /// How it is dropped, for the message: "`except Exception: pass`", "`let _ =`", "`.ok();`".
    pub form: String,
    /// The call whose error is dropped (Rust), or what is caught (Python; empty for a bare
    /// `except:`).
    pub what: String,
    pub in_test: bool,
}

/// `.unwrap()` / `.expect(..)` on the result of an external call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanicOnIo {
    pub span: Span,
    /// `unwrap` or `expect`.
    pub method: String,
    pub callee: String,
    pub in_test: bool,
}

/// A caching decorator on a function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheDecorator {
    /// The decorator line.
    pub span: Span,
    /// `functools.lru_cache`, `functools.cache`.
    pub decorator: String,
    /// No size limit: `maxsize=None` or a decorator that has none.
    pub unbounded: bool,
    /// The function is a method (first parameter `self`): the cache keeps every instance alive.
    pub method: bool,
    /// The first parameter named or typed like request data (`request`, `user_id`, `Request`).
    pub request_param: Option<String>,
    /// Parameters besides `self`/`cls`: with none the cache holds one entry.
    pub keyed: bool,
    pub in_test: bool,
}
