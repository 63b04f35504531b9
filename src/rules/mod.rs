//! The rule registry: each rule's metadata and documentation come from `rules/<ID>.toml`,
//! its check from one file under `src/rules/<area>/`.

pub mod breakers;
pub mod failure;
pub mod health;
pub mod observability;
pub mod retries;
pub mod shutdown;
pub mod timeouts;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::facts::{FileFacts, Lang, Span};
use crate::finding::Severity;
use crate::versions::Pins;

/// The rule files shipped in the binary: every `rules/<ID>.toml`, listed by `build.rs`.
const RULE_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub lang: Lang,
    pub bad: String,
    pub good: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub area: String,
    pub checklist: u32,
    pub score: String,
    pub severity: Severity,
    pub precision: String,
    pub summary: String,
    pub why: String,
    pub fix: String,
    pub scope: String,
    pub references: Vec<String>,
    pub examples: Vec<Example>,
}

/// Every rule's metadata, sorted by ID.
pub fn all() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<RuleMeta> = RULE_FILES
            .iter()
            .map(|(id, text)| {
                toml::from_str(text).unwrap_or_else(|e| panic!("rules/{id}.toml is invalid: {e}"))
            })
            .collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules
    })
}

pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    all().iter().find(|r| r.id == id)
}

/// What the rules may be configured with.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// RES103: timeouts strictly above this many seconds are too long.
    pub max_timeout_seconds: f64,
    /// RES303: breaker failure thresholds below this many failures are too low.
    pub breaker_min_failure_threshold: f64,
    /// RES303: breakers open for less than this many seconds reopen too soon.
    pub breaker_min_open_seconds: f64,
    /// RES303: breakers open for more than this many seconds stay cut off too long.
    pub breaker_max_open_seconds: f64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            max_timeout_seconds: 300.0,
            breaker_min_failure_threshold: 2.0,
            breaker_min_open_seconds: 1.0,
            breaker_max_open_seconds: 600.0,
        }
    }
}

/// A finding as a check reports it, before paths, severities and suppressions are applied.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule: &'static str,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// What a check sees of one file.
pub struct FileCx<'a> {
    pub lang: Lang,
    /// The file's path relative to the scan root, `/`-separated.
    pub rel: &'a str,
    pub facts: &'a FileFacts,
    pub catalog: &'a Catalog,
    pub pins: &'a Pins,
    pub settings: &'a RuleSettings,
    pub include_tests: bool,
    pub out: Vec<RawFinding>,
}

impl FileCx<'_> {
    /// Reports a finding unless it is in test code that is not being audited.
    pub fn report(
        &mut self,
        rule: &'static str,
        in_test: bool,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        if in_test && !self.include_tests {
            return;
        }
        self.out.push(RawFinding {
            rule,
            span,
            message,
            help,
        });
    }
}

/// A rule's check over one file's facts.
pub trait Check: Sync {
    fn id(&self) -> &'static str;
    fn check(&self, cx: &mut FileCx<'_>);
}

/// What a project-level check sees of one unit.
pub struct ProjectCx<'a> {
    pub unit: &'a crate::project::Unit<'a>,
    pub catalog: &'a Catalog,
    pub settings: &'a RuleSettings,
    pub include_tests: bool,
    /// Findings with the index (in `unit.files`) of the file each is reported in.
    pub out: Vec<(usize, RawFinding)>,
}

impl ProjectCx<'_> {
    /// Reports a finding in the unit's file `file` (an index into `unit.files`).
    pub fn report(
        &mut self,
        rule: &'static str,
        file: usize,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        self.out.push((
            file,
            RawFinding {
                rule,
                span,
                message,
                help,
            },
        ));
    }
}

/// A rule's check over a whole unit (a crate, a Python project): for questions asked of a
/// service, such as whether it serves a health route. It reads the files' facts only.
pub trait ProjectCheck: Sync {
    fn id(&self) -> &'static str;
    fn check(&self, cx: &mut ProjectCx<'_>);
}

/// Every check, in ID order. RES000 has none: the engine reports parse problems itself.
pub const CHECKS: &[&dyn Check] = &[
    &timeouts::untimed_call::UntimedCall,
    &timeouts::timeout_disabled::TimeoutDisabled,
    &timeouts::timeout_too_long::TimeoutTooLong,
    &timeouts::deadline_on_wall_clock::DeadlineOnWallClock,
    &timeouts::timeout_unit_mismatch::TimeoutUnitMismatch,
    &timeouts::partial_timeout::PartialTimeout,
    &retries::retry_on_client_error::RetryOnClientError,
    &retries::retry_without_backoff::RetryWithoutBackoff,
    &retries::retry_without_jitter::RetryWithoutJitter,
    &retries::retry_unbounded::RetryUnbounded,
    &retries::retry_swallows_cancellation::RetrySwallowsCancellation,
    &retries::retry_amplification::RetryAmplification,
    &retries::retry_unobserved::RetryUnobserved,
    &breakers::breaker_transition_unlogged::BreakerTransitionUnlogged,
    &breakers::breaker_unobserved::BreakerUnobserved,
    &breakers::breaker_misconfigured::BreakerMisconfigured,
    &breakers::breaker_no_half_open::BreakerNoHalfOpen,
    &failure::fan_out_fails_fast::FanOutFailsFast,
    &failure::swallowed_error::SwallowedError,
    &failure::panic_on_external_failure::PanicOnExternalFailure,
    &failure::unbounded_queue::UnboundedQueue,
    &failure::unbounded_fan_out::UnboundedFanOut,
    &failure::unbounded_cache::UnboundedCache,
    &failure::pool_without_limits::PoolWithoutLimits,
    &failure::blocking_in_async::BlockingInAsync,
    &shutdown::shutdown_without_deadline::ShutdownWithoutDeadline,
    &observability::print_logging::PrintLogging,
    &observability::secret_in_log::SecretInLog,
    &observability::error_without_traceback::ErrorWithoutTraceback,
    &observability::sentry_misconfigured::SentryMisconfigured,
];

/// Every project-level check, in ID order.
pub const PROJECT_CHECKS: &[&dyn ProjectCheck] = &[
    &health::no_health_endpoint::NoHealthEndpoint,
    &health::no_readiness_probe::NoReadinessProbe,
    &health::shallow_readiness::ShallowReadiness,
    &health::health_never_fails::HealthNeverFails,
    &health::liveness_checks_dependencies::LivenessChecksDependencies,
    &shutdown::no_graceful_shutdown::NoGracefulShutdown,
    &shutdown::client_not_closed::ClientNotClosed,
    &observability::no_structured_logging::NoStructuredLogging,
    &observability::no_correlation_id::NoCorrelationId,
    &observability::no_metrics::NoMetrics,
    &observability::no_latency_histogram::NoLatencyHistogram,
    &observability::no_tracing::NoTracing,
];
