//! Observability facts of one file: the log calls it makes (with the names of what they log and
//! the error handler they sit in), `print`-style output, Sentry initialisation, and which
//! observability capabilities (metrics, tracing, structured logging, ...) it uses or configures.
//! Project-level rules aggregate `capabilities` per service without re-reading files.

use serde::{Deserialize, Serialize};

use super::Span;

/// What a file can contribute to a service's observability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// A log call (stdlib logging, structlog, loguru; Rust log/tracing/slog macros).
    Logging,
    /// Logging configured without a structured format: `logging.basicConfig`, `env_logger::init`,
    /// `tracing_subscriber::fmt().init()`.
    LoggingSetup,
    /// Structured (JSON / key-value) logging configured or used: structlog, a JSON formatter,
    /// python-json-logger, loguru `serialize=True`, `tracing_subscriber::fmt().json()`, bunyan.
    StructuredLogging,
    /// Any metrics instrumentation: a counter, a gauge, an exporter, a metrics client.
    Metrics,
    /// A latency histogram or summary, or middleware that records request durations
    /// (also counts as `Metrics`).
    LatencyMetrics,
    /// In-process spans that are not exported on their own (Rust `tracing` spans, `#[instrument]`).
    Spans,
    /// Distributed tracing: an OpenTelemetry SDK, exporter or instrumentor, ddtrace, Sentry
    /// performance monitoring, `tracing-opentelemetry`.
    Tracing,
    /// Trace context carried across calls: propagators, `inject`/`extract`, `traceparent`.
    TracePropagation,
    /// Request / correlation IDs: middleware, `X-Request-ID` / `X-Correlation-ID` headers.
    CorrelationId,
    /// An error reporter is initialised (`sentry_sdk.init`, `sentry::init`, rollbar, bugsnag).
    ErrorReporting,
}

impl Capability {
    /// A latency histogram is metrics too.
    pub fn counts_as(self, asked: Capability) -> bool {
        self == asked || (self == Capability::LatencyMetrics && asked == Capability::Metrics)
    }
}

/// One use of a capability in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapabilityUse {
    pub capability: Capability,
    /// The API that shows it, qualified: `prometheus_client.Histogram`, `tracing_subscriber::fmt.json`,
    /// or a header literal such as `"x-request-id"`.
    pub via: String,
    pub span: Span,
    pub in_test: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
    /// `logger.exception(..)`: error level with the traceback.
    Exception,
}

/// A value a log call records, named by what the code calls it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedValue {
    /// The name that says what the value is: a variable, the last attribute or field
    /// (`api_key` in `self.api_key`), a dict or header key (`Authorization`), a keyword or
    /// structured field name (`token` in `token = %t`).
    pub name: String,
    /// The expression as written, shortened: `self.api_key`, `request.headers`, `req.headers()`.
    pub path: String,
}

/// The error handler a log call sits in: a Python `except` clause, a Rust `Err(..)` arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handler {
    /// `e` in `except X as e` / `Err(e)`; `None` when the error is not bound (`Err(_)`).
    pub binding: Option<String>,
    /// `except:`, `except Exception`, `except BaseException`.
    pub catches_all: bool,
    /// The handler uses the bound error anywhere (besides binding it).
    pub binding_used: bool,
    /// The handler raises (or re-raises), so the error is reported further up.
    pub reraises: bool,
    /// Some log call in the handler already records the traceback (`logger.exception(..)`).
    pub logs_traceback: bool,
}

/// A call to a logger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogCall {
    /// Qualified: `logging.Logger.error`, `loguru.logger.info`, `tracing::error!`,
    /// `tracing::instrument` (the attribute, which records the function's arguments).
    pub callee: String,
    /// `None` when it cannot be read (`logger.log(level, ..)`).
    pub level: Option<LogLevel>,
    pub span: Span,
    pub values: Vec<LoggedValue>,
    /// `exc_info=` (not a literal false), loguru `opt(exception=..)`: the traceback is attached.
    pub exc_info: bool,
    /// The innermost enclosing error handler of the same function.
    pub handler: Option<Handler>,
    /// The call mentions the handler's bound error.
    pub mentions_error: bool,
    pub in_test: bool,
}

/// `print(..)` / `println!` / `eprintln!` outside a command-line entry point's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintCall {
    /// `print`, `println!`, `eprintln!`, `print!`, `eprint!`.
    pub callee: String,
    pub span: Span,
    pub in_test: bool,
}

/// How the guard returned by Rust `sentry::init` is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SentryGuard {
    /// Bound to a name, returned, or Python (no guard).
    Kept,
    /// `let _ = sentry::init(..)` or `sentry::init(..);`: dropped on the spot.
    DroppedAtOnce,
    /// Bound inside a helper function that then returns: dropped when it returns.
    DroppedInHelper,
}

/// `sentry_sdk.init(..)` / `sentry::init(..)` and what it sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentryInit {
    pub span: Span,
    /// The DSN is a literal in the code.
    pub dsn_literal: bool,
    pub send_default_pii: bool,
    /// `traces_sample_rate` is a literal of 1.0 (every transaction is traced).
    pub full_trace_sampling: bool,
    pub sets_environment: bool,
    pub sets_release: bool,
    /// Options come from elsewhere too (`**options`, `..opts`): what is missing may be set there.
    pub forwards_options: bool,
    pub guard: SentryGuard,
    pub in_test: bool,
}

/// Everything observability rules and project checks need from one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservabilityFacts {
    pub capabilities: Vec<CapabilityUse>,
    pub log_calls: Vec<LogCall>,
    pub prints: Vec<PrintCall>,
    pub sentry_inits: Vec<SentryInit>,
    /// The file is a command-line entry point (argparse, click, typer, clap, ...): its output
    /// is for users.
    pub cli: bool,
}

impl ObservabilityFacts {
    /// Whether the file uses or configures `capability` outside test code.
    pub fn has(&self, capability: Capability) -> bool {
        self.uses(capability).next().is_some()
    }

    /// The non-test uses of `capability`, in file order.
    pub fn uses(&self, capability: Capability) -> impl Iterator<Item = &CapabilityUse> {
        self.capabilities
            .iter()
            .filter(move |c| !c.in_test && c.capability.counts_as(capability))
    }

    /// Whether a log call starts within `span` (a function's body, say).
    pub fn logs_within(&self, span: Span) -> bool {
        self.log_calls.iter().any(|c| {
            (span.line, span.col) <= (c.span.line, c.span.col) && c.span.line <= span.end_line
        })
    }
}
