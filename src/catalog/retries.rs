//! Retry knowledge (`rules/catalog/retries.toml`): which decorators, calls and classes are
//! retry policies, what their waits and stops mean, which exceptions are client errors or
//! cancellation, which clients retry by themselves, and each library's fixes.

use rustc_hash::FxHashMap;

use serde::Deserialize;

use super::OneOrMany;
use crate::facts::{Lang, RetryDelay};

/// A retry library and how to fix its policies, in its own terms.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryLibrarySpec {
    pub lang: Lang,
    pub name: String,
    /// Logs every retry itself (Celery, urllib3, Python backoff, reqwest-retry).
    #[serde(default)]
    pub logs_itself: bool,
    pub fix_client_errors: String,
    pub fix_backoff: String,
    pub fix_jitter: String,
    pub fix_bound: String,
    #[serde(default)]
    pub fix_cancellation: String,
    pub fix_amplification: String,
    pub fix_observe: String,
}

/// How a policy's arguments are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyStyle {
    Tenacity,
    Backoff,
    Urllib3,
    HttpAdapter,
    Celery,
    Stamina,
    Retrying,
    BackoffCrate,
    Backon,
    TokioRetry,
    ReqwestRetry,
}

/// A decorator, call or constructor that is a retry policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicySpec {
    pub lang: Lang,
    pub call: OneOrMany,
    /// The `[[retry_libraries]]` entry.
    pub library: String,
    pub style: PolicyStyle,
    /// Gives up by itself when no stop is given (urllib3's 10 attempts, backon's 3).
    #[serde(default)]
    pub bounded_by_default: bool,
    /// The delay when none is given.
    pub default_delay: RetryDelay,
}

/// A wait, stop or backoff strategy: tenacity `wait_exponential`, backoff `expo`,
/// tokio-retry `FixedInterval`, backon `ExponentialBuilder`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryStrategySpec {
    pub lang: Lang,
    pub call: OneOrMany,
    pub delay: Option<RetryDelay>,
    /// A stop that gives up (`stop_after_attempt`) or never does (`stop_never`); for a Rust
    /// builder, whether it gives up by default.
    pub bounds: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Raised for every 4xx and 5xx status (`raise_for_status()`).
    Status,
    /// Includes the status error among others (`Exception`, `requests.RequestException`).
    Broad,
    /// Cancellation or interruption (`asyncio.CancelledError`, `BaseException`, `KeyboardInterrupt`).
    Cancellation,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryErrorSpec {
    pub lang: Lang,
    pub call: OneOrMany,
    pub kind: ErrorKind,
}

/// A client that retries by itself, so a retry around it multiplies attempts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryClientSpec {
    pub lang: Lang,
    pub call: OneOrMany,
    /// How it retries, for messages: "openai clients retry twice by default".
    pub what: String,
    /// A keyword that turns its retries off when 0 (`max_retries=0`).
    pub off: Option<String>,
    /// A keyword without which it does not retry (httpx transports' `retries=`).
    pub requires: Option<String>,
}

/// A call that waits: `time.sleep`, `tokio::time::sleep`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleepSpec {
    pub lang: Lang,
    pub call: OneOrMany,
}

#[derive(Debug, Default)]
pub struct RetryCatalog {
    libraries: FxHashMap<(Lang, String), RetryLibrarySpec>,
    policies: FxHashMap<(Lang, String), RetryPolicySpec>,
    strategies: FxHashMap<(Lang, String), RetryStrategySpec>,
    errors: FxHashMap<(Lang, String), ErrorKind>,
    clients: FxHashMap<(Lang, String), RetryClientSpec>,
    sleeps: FxHashMap<(Lang, String), ()>,
}

impl RetryCatalog {
    pub fn add(
        &mut self,
        libraries: Vec<RetryLibrarySpec>,
        policies: Vec<RetryPolicySpec>,
        strategies: Vec<RetryStrategySpec>,
        errors: Vec<RetryErrorSpec>,
        clients: Vec<RetryClientSpec>,
        sleeps: Vec<SleepSpec>,
    ) {
        for l in libraries {
            self.libraries.insert((l.lang, l.name.clone()), l);
        }
        for p in policies {
            for name in p.call.to_vec() {
                self.policies.insert((p.lang, name), p.clone());
            }
        }
        for s in strategies {
            for name in s.call.to_vec() {
                self.strategies.insert((s.lang, name), s.clone());
            }
        }
        for e in errors {
            for name in e.call.to_vec() {
                self.errors.insert((e.lang, name), e.kind);
            }
        }
        for c in clients {
            for name in c.call.to_vec() {
                self.clients.insert((c.lang, name), c.clone());
            }
        }
        for s in sleeps {
            for name in s.call.to_vec() {
                self.sleeps.insert((s.lang, name), ());
            }
        }
    }

    pub fn library(&self, lang: Lang, name: &str) -> Option<&RetryLibrarySpec> {
        self.libraries.get(&(lang, name.to_string()))
    }

    pub fn policy(&self, lang: Lang, callee: &str) -> Option<&RetryPolicySpec> {
        self.policies.get(&(lang, callee.to_string()))
    }

    pub fn strategy(&self, lang: Lang, callee: &str) -> Option<&RetryStrategySpec> {
        self.strategies.get(&(lang, callee.to_string()))
    }

    pub fn error(&self, lang: Lang, name: &str) -> Option<ErrorKind> {
        self.errors.get(&(lang, name.to_string())).copied()
    }

    pub fn client(&self, lang: Lang, callee: &str) -> Option<&RetryClientSpec> {
        self.clients.get(&(lang, callee.to_string()))
    }

    pub fn is_sleep(&self, lang: Lang, callee: &str) -> bool {
        self.sleeps.contains_key(&(lang, callee.to_string()))
    }
}
