//! Observability rules (OBS1xx–OBS4xx) over the facts in `facts::observability`. The
//! project-level ones (structured logging, correlation IDs, metrics, tracing) aggregate
//! `ObservabilityFacts::capabilities` per service.

pub mod error_without_traceback;
pub mod no_correlation_id;
pub mod no_latency_histogram;
pub mod no_metrics;
pub mod no_structured_logging;
pub mod no_tracing;
pub mod print_logging;
pub mod secret_in_log;
pub mod sentry_misconfigured;

use crate::facts::observability::{Capability, CapabilityUse, LogCall};
use crate::project::Unit;

/// What a unit's non-test code shows of one capability: the first use, in file order. A
/// capability configured in any module of the unit serves every service of it.
pub(crate) fn unit_use<'u>(
    unit: &'u Unit<'u>,
    capability: Capability,
) -> Option<&'u CapabilityUse> {
    unit.files
        .iter()
        .find_map(|f| f.facts.observability.uses(capability).next())
}

/// Every non-test use of `capability` in the unit.
pub(crate) fn unit_uses<'u>(
    unit: &'u Unit<'u>,
    capability: Capability,
) -> impl Iterator<Item = &'u CapabilityUse> + 'u {
    unit.files
        .iter()
        .flat_map(move |f| f.facts.observability.uses(capability))
}

/// An APM agent (ddtrace, New Relic, Elastic APM) instruments the server itself: it traces
/// every request, carries the incoming trace context and derives request rate, error and
/// latency metrics from the traces.
pub(crate) fn is_apm_agent(via: &str) -> bool {
    ["ddtrace", "newrelic.", "elasticapm."]
        .iter()
        .any(|p| via.starts_with(p))
}

/// Server-side tracing middleware that reads the incoming trace context (`traceparent`) for
/// every request: OpenTelemetry instrumentors of the web framework, APM agents, and the Rust
/// OpenTelemetry middlewares.
pub(crate) fn traces_requests(via: &str) -> bool {
    is_apm_agent(via)
        || via.starts_with("opentelemetry.instrumentation.")
        || via.starts_with("opentelemetry.distro.")
        || via.starts_with("axum_tracing_opentelemetry::")
        || via.starts_with("actix_web_opentelemetry::")
        || via.starts_with("sentry_tower::")
}

/// How a log call is shown in a message: `logger.error(..)`, `tracing::warn!(..)`.
pub(crate) fn shown(call: &LogCall) -> String {
    if let Some(name) = call.callee.strip_suffix('!') {
        let short = name.rsplit("::").next().unwrap_or(name);
        return format!("{short}!(..)");
    }
    if call.callee == "tracing::instrument" {
        return "#[instrument]".into();
    }
    let method = call.callee.rsplit('.').next().unwrap_or(&call.callee);
    let object = if call.callee.starts_with("logging.") && !call.callee.contains("Logger") {
        "logging"
    } else {
        "logger"
    };
    format!("{object}.{method}(..)")
}

/// The lowercase words of a name: `apiKey` → `api`, `key`; `X-Auth-Token` → `x`, `auth`, `token`;
/// trailing digits dropped (`password2`).
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("X-Auth-Token"), ["x", "auth", "token"]);
        assert_eq!(words("self.new_password2"), ["self", "new", "password"]);
        assert_eq!(words("HTTP_AUTHORIZATION"), ["http", "authorization"]);
    }
}
