//! Retry logic found in a file: library retry policies (tenacity, backoff, urllib3, Celery,
//! stamina; Rust backoff, backon, tokio-retry, reqwest-retry) and hand-written retry loops,
//! each read once into what the retry rules (RES201–RES207) ask of it.

use serde::{Deserialize, Serialize};

use super::Span;

/// How long a retry waits between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryDelay {
    /// Tries again at once.
    None,
    /// The same delay every time.
    Constant,
    /// Exponential growth with no random component.
    Exponential,
    /// Randomised (jittered) and growing, or randomised only.
    Jittered,
    /// Cannot be told from here (a variable, a strategy made elsewhere, linear or Fibonacci growth).
    Unknown,
}

/// One retry: a policy (decorator, constructor, retry call) or a hand-written loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryFact {
    /// The `[[retry_libraries]]` name whose fixes apply: `tenacity`, `urllib3`, `backon`, `loop`.
    pub library: String,
    /// The retry as a reader would name it: "`@retry(...)`", "`for attempt in range(..)` retry loop".
    pub what: String,
    /// Where the retry is reported: the decorator, the call, the loop header.
    pub span: Span,
    /// Where the policy's parameters are given, for RES202–RES204 (a Rust policy constructor on
    /// its own line); else the same as `span`.
    pub policy_span: Span,
    pub delay: RetryDelay,
    /// What the delay is, for messages: "`wait_fixed(2)`", "no `wait=`".
    pub delay_detail: String,
    /// Where an exponential delay is computed (a hand-written loop's sleep line), for RES203.
    pub delay_span: Span,
    /// `Some(false)`: no attempt cap and no deadline; `None`: cannot be told.
    pub bounded: Option<bool>,
    pub bound_detail: String,
    /// Why the retry takes non-transient client errors (4xx) for transient ones (RES201).
    pub client_errors: Option<String>,
    /// A cancellation the retry catches and retries after (RES205): where and what.
    pub cancellation: Option<(Span, String)>,
    /// The retry logs or counts its attempts, or its library does (or it cannot be told).
    pub observed: bool,
    /// A client in the retried code that already retries by itself (RES206).
    pub amplifies: Option<String>,
    pub in_test: bool,
}
