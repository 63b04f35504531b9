//! The language-neutral facts that front ends extract from one file and rules read.
//! Facts are plain data (serde) so that they can be cached by content hash.

pub mod failure;

pub use failure::{CacheDecorator, FailureFacts, FanOut, FanOutKind, PanicOnIo, Swallowed};

use serde::{Deserialize, Serialize};

pub mod service;
pub use service::ServiceFacts;
pub mod shutdown;
pub use shutdown::{
    ClientFact, ServeFact, ShutdownFacts, Signal, SignalFact, WaitFact, WorkerLoopFact,
};
mod retries;
pub use retries::*;
mod breakers;
pub use breakers::*;
pub mod observability;
pub use observability::ObservabilityFacts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Python,
    Rust,
}

impl Lang {
    pub fn from_path(path: &std::path::Path) -> Option<Lang> {
        match path.extension()?.to_str()? {
            "py" | "pyi" => Some(Lang::Python),
            "rs" => Some(Lang::Rust),
            _ => None,
        }
    }
}

/// A region of a file: 1-based lines, 1-based columns counted in Unicode scalar values.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

/// A value as far as static reading can tell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// Python `None`.
    None,
    Bool {
        value: bool,
    },
    /// A plain number literal; its unit is the parameter's.
    Number {
        value: f64,
    },
    /// Seconds written as arithmetic that shows the unit: `15 * 60`, `60 * 60 * 24`.
    ShownSeconds {
        value: f64,
    },
    Str {
        value: String,
    },
    /// A Rust `Duration` whose unit is stated by the constructor (`from_secs`, `from_millis`).
    Duration {
        seconds: f64,
        /// The literal as written, in the constructor's unit.
        literal: f64,
        unit: DurationUnit,
    },
    /// `Duration::MAX`, `u64::MAX` seconds, `float("inf")`: no limit at all.
    Unlimited,
    Tuple {
        items: Vec<Value>,
    },
    Dict {
        entries: Vec<(String, Value)>,
    },
    /// A call whose result is the value: `httpx.Timeout(10)`, `ClientTimeout(total=5)`.
    Call {
        callee: String,
        args: Vec<Arg>,
    },
    /// Anything else (a variable, an expression).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
    Minutes,
}

/// One argument: positional (`name == None`), keyword, or a Rust builder method (`.timeout(d)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arg {
    pub name: Option<String>,
    pub value: Value,
    pub span: Span,
}

/// A method applied to a call's result in the same expression (a Rust builder chain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainCall {
    pub method: String,
    pub args: Vec<Arg>,
    pub span: Span,
}

/// What is known about the object a method is called on, from where it was created
/// and configured in the same function, class (`self.x`) or module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receiver {
    /// The object's qualified type: `requests.Session`, `redis::Client`.
    pub ty: String,
    /// Attributes assigned on it: `session.timeout = 10`.
    pub attrs: Vec<Arg>,
    /// Methods called on it earlier to configure it: `sock.settimeout(5)`, `s.mount(.., adapter)`
    /// (Rust: every earlier method call on the binding, such as a UDP socket's `send`).
    pub setters: Vec<ChainCall>,
}

/// A call site, with its callee resolved through imports and aliases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallFact {
    /// Fully qualified: `requests.get`, `requests.Session.get`, `reqwest::Client::builder`.
    pub callee: String,
    pub span: Span,
    pub args: Vec<Arg>,
    /// `**kwargs` (Python) or struct-update syntax that may carry any parameter.
    pub forwards_kwargs: bool,
    /// `*args`: positional parameters cannot be counted.
    pub forwards_args: bool,
    pub chain: Vec<ChainCall>,
    pub receiver: Option<Receiver>,
    /// Lexically inside a deadline (`asyncio.wait_for`, `tokio::time::timeout`, ...), inside
    /// a function that this file only calls under one, or (a Rust client or future) every use
    /// of what it makes is bounded: a per-request timeout, a deadline around it.
    pub under_deadline: bool,
    pub in_test: bool,
    pub in_async: bool,
}

impl CallFact {
    /// The keyword argument or builder method `name` (`timeout=d` or `.timeout(d)`);
    /// the last one wins, as it does at run time.
    pub fn param(&self, name: &str) -> Option<Param<'_>> {
        let keyword = self
            .args
            .iter()
            .filter(|a| a.name.as_deref() == Some(name))
            .map(|a| Param {
                value: &a.value,
                span: a.span,
            });
        let method = self
            .chain
            .iter()
            .filter(|c| c.method == name)
            .map(|c| Param {
                value: c.args.first().map_or(&UNKNOWN, |a| &a.value),
                span: c.span,
            });
        keyword.chain(method).last()
    }

    pub fn positional(&self, index: usize) -> Option<&Arg> {
        self.args.iter().filter(|a| a.name.is_none()).nth(index)
    }

    pub fn chain_has(&self, method: &str) -> bool {
        self.chain.iter().any(|c| c.method == method)
    }
}

static UNKNOWN: Value = Value::Other;

/// A parameter's value and where it was given.
#[derive(Debug, Clone, Copy)]
pub struct Param<'a> {
    pub value: &'a Value,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockUse {
    /// `deadline = time.time() + 30`
    Deadline,
    /// `while time.time() < deadline`, `if time.time() - start > timeout`
    Compare,
}

/// A read of the wall clock used for a deadline or an elapsed-time check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockRead {
    /// `time.time`, `datetime.datetime.now`, `std::time::SystemTime::now`.
    pub clock: String,
    pub usage: ClockUse,
    pub span: Span,
    pub in_test: bool,
}

/// A `resilint: ignore[...]` comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub line: u32,
    /// Empty means every rule.
    pub rules: Vec<String>,
    pub file_level: bool,
}

/// Why a file could not be fully read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseProblem {
    pub message: String,
    pub line: u32,
    pub col: u32,
}

/// Everything the rules need to know about one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    pub lines: u32,
    pub calls: Vec<CallFact>,
    pub clock_reads: Vec<ClockRead>,
    pub retries: Vec<RetryFact>,
    #[serde(default)]
    pub breakers: BreakerFacts,
    pub suppressions: Vec<Suppression>,
    pub problems: Vec<ParseProblem>,
    /// Apps, routes, servers and dependencies, for the service model.
    pub service: ServiceFacts,
    /// Fan-outs, swallowed errors, queues, pools, caches and blocking calls (RES4xx, RES7xx).
    pub failure: FailureFacts,
    /// Server starts, signal handling, shutdown hooks and client lifecycles (RES6xx).
    pub shutdown: ShutdownFacts,
    pub observability: ObservabilityFacts,
    /// The source text of each line that a fact points at, for fingerprints and reports:
    /// (line, text). Sorted by line.
    pub snippets: Vec<(u32, String)>,
}

impl FileFacts {
    pub fn snippet(&self, line: u32) -> &str {
        match self.snippets.binary_search_by_key(&line, |(l, _)| *l) {
            Ok(i) => &self.snippets[i].1,
            Err(_) => "",
        }
    }
}
