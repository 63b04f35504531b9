//! Whether a call records something an operator can see: a log line or a metric. The retry
//! rules (RES207) ask it of the code a retry runs; kept small and in one place so that a
//! shared observability catalog can replace it.

const LOG_METHODS: [&str; 10] = [
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
];

const METRIC_METHODS: [&str; 9] = [
    "inc",
    "increment",
    "incr",
    "observe",
    "gauge",
    "histogram",
    "timing",
    "count",
    "inc_by",
];

/// Methods that only counters have: `RETRIES.inc()`, `statsd.incr(..)`.
const COUNTING_METHODS: [&str; 4] = ["inc", "increment", "incr", "inc_by"];

/// A Python call, given its function as written (`logger.warning`, `self._log.info`,
/// `RETRIES.labels(x).inc`, `print`) and its qualified name when imported (`logging.warning`).
pub fn python_call(function_text: &str, qualname: Option<&str>) -> bool {
    if let Some(q) = qualname {
        let module = q.split('.').next().unwrap_or(q);
        if matches!(
            module,
            "logging" | "structlog" | "loguru" | "warnings" | "sentry_sdk"
        ) {
            return true;
        }
    }
    if function_text == "print" {
        return true;
    }
    let Some((object, method)) = function_text.rsplit_once('.') else {
        return false;
    };
    let object = object.to_ascii_lowercase();
    (LOG_METHODS.contains(&method) && object.contains("log"))
        || COUNTING_METHODS.contains(&method)
        || (METRIC_METHODS.contains(&method)
            && [
                "metric",
                "counter",
                "stat",
                "prom",
                "gauge",
                "histogram",
                "meter",
            ]
            .iter()
            .any(|w| object.contains(w)))
}

/// A Rust macro by its last path segment: `tracing::warn!`, `log::error!`, `counter!`.
pub fn rust_macro(name: &str) -> bool {
    matches!(
        name,
        "trace"
            | "debug"
            | "info"
            | "warn"
            | "error"
            | "event"
            | "log"
            | "println"
            | "eprintln"
            | "counter"
            | "increment_counter"
            | "gauge"
            | "histogram"
    )
}

/// A Rust method that counts: `RETRIES.inc()`, `counter.increment(1)`, `.add(1, &attrs)` on a meter.
pub fn rust_method(name: &str) -> bool {
    METRIC_METHODS.contains(&name)
}
