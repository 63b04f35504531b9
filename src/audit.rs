//! What the audit knows about the 16 checklist areas and about each rule, in one place: the
//! score caps, the rules that report a missing capability, and the tables the scorecard is
//! written from (which findings decide each failure scenario, alert and SLO). Everything is
//! keyed by rule ID or checklist number, so a rule joins the scorecard as soon as its
//! `rules/<ID>.toml` lands, and an ID with no rule yet is simply never seen.

/// Which score a rule feeds (`score` in its TOML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreKind {
    Resilience,
    Observability,
}

impl ScoreKind {
    pub fn parse(text: &str) -> Option<ScoreKind> {
        match text {
            "resilience" => Some(ScoreKind::Resilience),
            "observability" => Some(ScoreKind::Observability),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ScoreKind::Resilience => "Resilience",
            ScoreKind::Observability => "Observability",
        }
    }
}

/// One area of the audit checklist.
pub struct Area {
    /// The checklist number (`checklist` in a rule's TOML).
    pub checklist: u32,
    pub title: &'static str,
    /// The score the area's rules feed.
    pub kind: ScoreKind,
    /// The most this area can take off its score.
    pub cap: f64,
}

/// The 16 checklist areas with their caps: how much each can take off a 10-point score.
/// Timeouts, health checks, metrics and tracing weigh most: their absence is what turns one
/// failing dependency into an outage nobody sees.
pub const AREAS: &[Area] = &[
    area(1, "Circuit breakers", ScoreKind::Resilience, 1.5),
    area(2, "Partial failure", ScoreKind::Resilience, 1.5),
    area(3, "Timeouts", ScoreKind::Resilience, 3.0),
    area(4, "Retries", ScoreKind::Resilience, 2.0),
    area(5, "Streaming recovery", ScoreKind::Resilience, 1.0),
    area(6, "Health checks", ScoreKind::Resilience, 2.5),
    area(7, "Graceful shutdown", ScoreKind::Resilience, 2.0),
    area(8, "Bulkheads", ScoreKind::Resilience, 1.5),
    area(9, "Error classification", ScoreKind::Resilience, 1.5),
    area(10, "Metrics", ScoreKind::Observability, 3.0),
    area(11, "Logging", ScoreKind::Observability, 2.5),
    area(12, "Tracing", ScoreKind::Observability, 2.5),
    area(13, "Alerting", ScoreKind::Observability, 1.5),
    area(14, "Error reporting", ScoreKind::Observability, 1.5),
    area(15, "Cache reliability", ScoreKind::Resilience, 1.0),
    area(16, "Database resilience", ScoreKind::Resilience, 1.5),
];

/// The cap of a checklist number no table row names (a rule filed under a new area).
pub const DEFAULT_CAP: f64 = 1.0;

const fn area(checklist: u32, title: &'static str, kind: ScoreKind, cap: f64) -> Area {
    Area {
        checklist,
        title,
        kind,
        cap,
    }
}

pub fn area_of(checklist: u32) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.checklist == checklist)
}

/// Rules whose finding says a service lacks a capability (no health route, no graceful
/// shutdown, no metrics, no tracing). They cost the same at any codebase size. Rules
/// implemented as project-level checks count too (see [`is_capability_rule`]).
pub const CAPABILITY_RULES: &[&str] = &[
    "RES501", "RES502", "RES601", "OBS104", "OBS105", "OBS201", "OBS202", "OBS301",
];

pub fn is_capability_rule(id: &str) -> bool {
    CAPABILITY_RULES.contains(&id) || crate::rules::PROJECT_CHECKS.iter().any(|c| c.id() == id)
}

/// What a finding of a rule means in an audit: the failure it exposes, what the code should do
/// instead, and for partial failures what state it can leave behind. The current behaviour and
/// the fix come from each finding's own message and help.
pub struct RuleNote {
    pub id: &'static str,
    pub scenario: &'static str,
    pub required: &'static str,
    pub state_risk: &'static str,
}

const fn note(
    id: &'static str,
    scenario: &'static str,
    required: &'static str,
    state_risk: &'static str,
) -> RuleNote {
    RuleNote {
        id,
        scenario,
        required,
        state_risk,
    }
}

pub const RULE_NOTES: &[RuleNote] = &[
    note("RES101", "the server, database or process on the other end stops answering", "the call gives up after a bounded time and frees its worker, connection and memory", "Low: requests hang, nothing is written"),
    note("RES102", "the server on the other end stops answering", "an explicit, finite timeout", "Low: requests hang, nothing is written"),
    note("RES103", "upstream slow", "a timeout shorter than the caller's own deadline, so the caller fails fast", "Low"),
    note("RES104", "clock step (NTP, DST)", "deadlines measured on a monotonic clock", "Low"),
    note("RES105", "upstream slow", "a timeout in the unit the library expects", "Low"),
    note("RES106", "upstream trickles the response", "a total deadline on the whole request, not only the connect phase", "Low"),
    note("RES201", "client error (4xx) from an upstream", "retry only transient failures (connection errors, 408, 425, 429, 5xx)", "Medium: a non-idempotent request is repeated"),
    note("RES202", "upstream overloaded", "retries spaced by exponential backoff", "Low"),
    note("RES203", "many clients fail at once", "backoff with random jitter so retries spread out", "Low"),
    note("RES204", "upstream down for minutes", "a cap on attempts or a deadline on the whole retry", "Medium: work piles up behind endless retries"),
    note("RES205", "shutdown or cancellation during a retry", "cancellation propagates and stops the retry", "Medium: cancelled work keeps running during shutdown"),
    note("RES206", "upstream outage", "one retry layer, or a retry budget shared by the layers", "Low"),
    note("RES207", "retry storm", "every retry logged or counted", "Low"),
    note("RES301", "breaker opens", "every state change logged with the breaker's name", "Low"),
    note("RES302", "breaker opens", "breaker state exported as a metric", "Low"),
    note("RES303", "upstream flaps", "a failure threshold above 1 and a reset timeout between 1 s and 10 min", "Low"),
    note("RES304", "upstream recovers", "a half-open state that lets trial requests through", "Low"),
    note("RES401", "one of several upstreams fails", "the other results kept; the failed branch logged and reported", "High: the results of branches that succeeded are lost; cancelled branches may stop half-way through their writes"),
    note("RES402", "any error on this path", "the error logged, counted or re-raised", "High: the caller carries on as if the operation succeeded"),
    note("RES403", "upstream returns an error", "the error handled or propagated instead of a panic", "Medium: the panic aborts the task with its work half done"),
    note("RES501", "instance unhealthy", "a health route the load balancer and orchestrator probe", "Low"),
    note("RES502", "dependency down", "a readiness route separate from liveness", "Low"),
    note("RES503", "dependency down", "readiness checks the dependencies the service needs", "Low"),
    note("RES504", "dependency down", "the health handler returns 503 when a check fails", "Low"),
    note("RES505", "dependency slow", "liveness independent of dependencies", "Low"),
    note("RES601", "deploy or scale-in (SIGTERM)", "stop accepting, drain in-flight requests, then exit", "Medium: in-flight requests are cut mid-write"),
    note("RES602", "deploy (SIGTERM)", "drain bounded by a deadline below the orchestrator's grace period", "Low"),
    note("RES603", "deploy (SIGTERM)", "clients and pools closed on shutdown", "Low"),
    note("RES701", "producer faster than consumer", "a bounded queue that pushes back", "Medium: queued work is lost when memory runs out"),
    note("RES702", "load spike", "fan-out bounded by a semaphore or a worker pool", "Low"),
    note("RES703", "many distinct keys", "a cache with a size bound", "Low"),
    note("RES704", "database slow or saturated", "a bounded pool with an acquire timeout", "Low"),
    note("RES705", "slow I/O inside async code", "blocking work moved off the event loop", "Low"),
    note("OBS101", "incident investigation", "log records through the logging framework", "Low"),
    note("OBS102", "log access", "secrets kept out of logs", "Low"),
    note("OBS103", "incident investigation", "errors logged with their traceback", "Low"),
    note("OBS104", "incident investigation", "structured (JSON) logs", "Low"),
    note("OBS105", "cross-service incident", "a request ID on every log line and outgoing call", "Low"),
    note("OBS201", "any degradation", "request, error and latency metrics", "Low"),
    note("OBS202", "latency regression", "a latency histogram of requests and external calls", "Low"),
    note("OBS301", "slow request across services", "distributed tracing with context propagation", "Low"),
    note("OBS401", "error reporting", "DSN from the environment, PII off, sampled traces, environment and release set", "Low"),
];

pub fn rule_note(id: &str) -> Option<&'static RuleNote> {
    RULE_NOTES.iter().find(|n| n.id == id)
}

/// Checklist areas whose findings are partial-failure risks.
pub const PARTIAL_FAILURE_AREAS: &[u32] = &[2, 9];
/// The circuit breaker area.
pub const BREAKER_AREA: u32 = 1;
/// The health check area.
pub const HEALTH_AREA: u32 = 6;

/// One of the seven failure scenarios the audit judges.
pub struct Scenario {
    pub title: &'static str,
    /// What a resilient service does.
    pub expected: &'static str,
    /// The rules whose findings put the scenario at risk.
    pub rules: &'static [&'static str],
    /// Whether the rules cover the expected behaviour, so that their silence is a pass; when
    /// false the scenario is at risk or unknown, never passed.
    pub can_pass: bool,
    /// What the verdict cannot see.
    pub blind_spot: &'static str,
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        title: "Single dependency down",
        expected: "the other calls go on; degraded but functional",
        rules: &["RES401", "RES403", "RES204", "RES303", "RES304", "RES402"],
        can_pass: true,
        blind_spot: "fallback content is not checked",
    },
    Scenario {
        title: "All dependencies slow",
        expected: "calls time out, breakers open, the user gets an error quickly",
        rules: &[
            "RES101", "RES102", "RES103", "RES105", "RES106", "RES104", "RES705",
        ],
        can_pass: true,
        blind_spot: "timeouts set through configuration files are not read",
    },
    Scenario {
        title: "Database unreachable",
        expected: "the health check fails and no new requests are accepted",
        rules: &["RES501", "RES503", "RES504", "RES704"],
        can_pass: true,
        blind_spot: "the probe configuration of the orchestrator is not in the code",
    },
    Scenario {
        title: "Mid-stream failure",
        expected: "the client is notified and the stream's resources are cleaned up",
        rules: &["RES205", "RES402", "RES603", "RES602"],
        can_pass: false,
        blind_spot: "no rule follows a streaming response to its end",
    },
    Scenario {
        title: "Delayed webhook",
        expected: "processed idempotently when it arrives",
        rules: &["RES201"],
        can_pass: false,
        blind_spot: "idempotency keys and deduplication are not visible to a static audit",
    },
    Scenario {
        title: "Cache full",
        expected: "eviction works, memory stays bounded",
        rules: &["RES703", "RES701"],
        can_pass: true,
        blind_spot: "external caches' eviction policies are configured outside the code",
    },
    Scenario {
        title: "Load spike",
        expected: "work is bounded and the service degrades gracefully",
        rules: &["RES701", "RES702", "RES704", "RES705", "RES203", "RES206"],
        can_pass: true,
        blind_spot: "rate limiting at the edge is not checked",
    },
];

/// An alert the audit expects, and the rules whose findings show that its signal is missing.
pub struct AlertNeed {
    pub condition: &'static str,
    pub alert: &'static str,
    pub threshold: &'static str,
    pub missing_signal: &'static [&'static str],
    /// What the code shows when those rules ran and found nothing.
    pub when_clean: &'static str,
}

pub const ALERTS: &[AlertNeed] = &[
    AlertNeed {
        condition: "Error rate",
        alert: "page when the 5xx ratio burns the error budget",
        threshold: "> 0.1 % of requests over 5 min (14.4× burn over 1 h)",
        missing_signal: &["OBS201"],
        when_clean: "no service without metrics was found, so an error-rate alert can be built on them",
    },
    AlertNeed {
        condition: "Latency",
        alert: "page when p99 latency exceeds the SLO",
        threshold: "p95 > 5 s or p99 > 10 s for 10 min",
        missing_signal: &["OBS201", "OBS202"],
        when_clean: "no service without metrics or a latency histogram was found",
    },
    AlertNeed {
        condition: "Circuit breaker open",
        alert: "notify when any breaker opens",
        threshold: "state = open for > 1 min",
        missing_signal: &["RES302", "RES301"],
        when_clean: "no breaker without logged transitions and a state metric was found (or there are no breakers)",
    },
    AlertNeed {
        condition: "Retry storm",
        alert: "notify when retries per request climb",
        threshold: "retries > 10 % of calls over 5 min",
        missing_signal: &["RES207"],
        when_clean: "no retry policy that records nothing was found",
    },
    AlertNeed {
        condition: "Instance unhealthy",
        alert: "page when instances fail their probes",
        threshold: "readiness failing on > 20 % of instances for 2 min",
        missing_signal: &["RES501", "RES504"],
        when_clean: "no web service without a health route, or with one that cannot fail, was found",
    },
    AlertNeed {
        condition: "Unhandled errors",
        alert: "notify on new error groups",
        threshold: "any new issue in the error tracker",
        missing_signal: &["OBS401", "OBS103"],
        when_clean: "no error logged without its traceback and no misconfigured error tracker was found",
    },
];

/// A service-level objective and the rules whose findings show the code cannot meet or
/// measure it.
pub struct Slo {
    pub slo: &'static str,
    /// What the code needs to measure the SLO.
    pub needs: &'static str,
    /// Findings of these rules mean it cannot be measured.
    pub unmeasurable: &'static [&'static str],
    /// Findings of these rules mean it is at risk of being missed.
    pub at_risk: &'static [&'static str],
}

pub const SLOS: &[Slo] = &[
    Slo {
        slo: "Availability 99.9 %",
        needs: "request and error counters, probed health routes",
        unmeasurable: &["OBS201", "RES501"],
        at_risk: &["RES601", "RES504", "RES401", "RES403"],
    },
    Slo {
        slo: "Latency p95 < 5 s, p99 < 10 s",
        needs: "a latency histogram; every external call bounded in time",
        unmeasurable: &["OBS201", "OBS202"],
        at_risk: &["RES101", "RES102", "RES103", "RES105", "RES106", "RES705"],
    },
    Slo {
        slo: "Error rate < 0.1 %",
        needs: "error counters by type; errors classified and never swallowed",
        unmeasurable: &["OBS201", "RES402"],
        at_risk: &["RES201", "RES204", "OBS103"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_has_sixteen_distinct_areas() {
        let mut numbers: Vec<u32> = AREAS.iter().map(|a| a.checklist).collect();
        numbers.dedup();
        assert_eq!(numbers, (1..=16).collect::<Vec<_>>());
        assert!(AREAS.iter().all(|a| a.cap > 0.0));
    }

    #[test]
    fn rule_tables_name_catalogued_ids() {
        let ids = RULE_NOTES
            .iter()
            .map(|n| n.id)
            .chain(CAPABILITY_RULES.iter().copied())
            .chain(SCENARIOS.iter().flat_map(|s| s.rules.iter().copied()))
            .chain(ALERTS.iter().flat_map(|a| a.missing_signal.iter().copied()))
            .chain(
                SLOS.iter()
                    .flat_map(|s| s.unmeasurable.iter().chain(s.at_risk).copied()),
            );
        for id in ids {
            assert!(
                rule_note(id).is_some(),
                "{id} is in a scorecard table but has no note"
            );
        }
    }
}
