//! Recognising calls that record something for operators: log calls and metric updates.
//! Kept small and in one place so that a shared observability catalog can replace it.

/// What a call records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Log,
    Metric,
}

const LOG_METHODS: &[&str] = &[
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

const METRIC_METHODS: &[&str] = &[
    "inc",
    "inc_by",
    "dec",
    "dec_by",
    "set",
    "observe",
    "add",
    "record",
    "increment",
    "decrement",
    "incr",
    "decr",
    "gauge",
    "timing",
    "histogram",
    "distribution",
];

/// Words in a receiver's name that say it is a metric or a metrics client.
const METRIC_WORDS: &[&str] = &[
    "metric",
    "counter",
    "gauge",
    "histogram",
    "statsd",
    "stats",
    "prom",
    "meter",
    "telemetry",
    "labels(",
    "with_label_values",
];

/// A Python call: `qualname` is the callee resolved through imports (`logging.warning`),
/// `receiver` the text of the object a method is called on (`self._logger`), `method` the
/// called name.
pub fn python_call(qualname: Option<&str>, receiver: Option<&str>, method: &str) -> Option<Signal> {
    if let Some(q) = qualname {
        let module = q.split('.').next().unwrap_or(q);
        if matches!(module, "logging" | "structlog" | "loguru") && LOG_METHODS.contains(&method) {
            return Some(Signal::Log);
        }
        if matches!(
            module,
            "prometheus_client" | "statsd" | "datadog" | "aioprometheus"
        ) && METRIC_METHODS.contains(&method)
        {
            return Some(Signal::Metric);
        }
    }
    let receiver = receiver?.to_ascii_lowercase();
    let last = receiver.rsplit('.').next().unwrap_or(&receiver);
    let last = last.trim_start_matches('_');
    if LOG_METHODS.contains(&method)
        && (matches!(last, "log" | "logger" | "logging" | "lgr")
            || last.ends_with("logger")
            || last.ends_with("_log")
            || receiver.contains("get_logger(")
            || receiver.contains("getlogger("))
    {
        return Some(Signal::Log);
    }
    if receiver.contains("metric")
        || (METRIC_METHODS.contains(&method) && METRIC_WORDS.iter().any(|w| receiver.contains(w)))
    {
        return Some(Signal::Metric);
    }
    None
}

/// A Rust macro by its path as written: `info!`, `tracing::warn!`, `metrics::counter!`.
pub fn rust_macro(path: &[String]) -> Option<Signal> {
    let last = path.last()?.as_str();
    let first = path.first().map_or("", String::as_str);
    let bare = path.len() == 1;
    if matches!(
        last,
        "trace" | "debug" | "info" | "warn" | "error" | "event"
    ) && (bare || matches!(first, "log" | "tracing"))
    {
        return Some(Signal::Log);
    }
    if matches!(
        last,
        "counter"
            | "gauge"
            | "histogram"
            | "increment_counter"
            | "increment_gauge"
            | "decrement_gauge"
            | "absolute_counter"
    ) && (bare || first == "metrics")
    {
        return Some(Signal::Metric);
    }
    None
}

/// A Rust method call: `receiver` is the receiver's text, `method` the method name.
pub fn rust_method(receiver: &str, method: &str) -> Option<Signal> {
    let receiver = receiver.to_ascii_lowercase();
    let metric = receiver.contains("metric")
        || (METRIC_METHODS.contains(&method) && METRIC_WORDS.iter().any(|w| receiver.contains(w)));
    metric.then_some(Signal::Metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_log_and_metric_calls() {
        assert_eq!(
            python_call(Some("logging.warning"), None, "warning"),
            Some(Signal::Log)
        );
        assert_eq!(
            python_call(None, Some("self._logger"), "info"),
            Some(Signal::Log)
        );
        assert_eq!(python_call(None, Some("log"), "warning"), Some(Signal::Log));
        assert_eq!(
            python_call(None, Some("BREAKER_STATE.labels(name=self.name)"), "set"),
            Some(Signal::Metric)
        );
        assert_eq!(
            python_call(None, Some("self.metrics"), "breaker_opened"),
            Some(Signal::Metric)
        );
        assert_eq!(python_call(None, Some("self.cache"), "set"), None);
        assert_eq!(python_call(None, Some("self.catalog"), "info"), None);
    }

    #[test]
    fn rust_macros_and_methods() {
        let path = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
        assert_eq!(rust_macro(&path("warn")), Some(Signal::Log));
        assert_eq!(rust_macro(&path("tracing::info")), Some(Signal::Log));
        assert_eq!(rust_macro(&path("metrics::counter")), Some(Signal::Metric));
        assert_eq!(rust_macro(&path("anyhow::error")), None);
        assert_eq!(rust_macro(&path("println")), None);
        assert_eq!(
            rust_method("self . metrics . breaker_state", "set"),
            Some(Signal::Metric)
        );
        assert_eq!(rust_method("self . cache", "set"), None);
    }
}
