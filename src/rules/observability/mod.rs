//! Observability rules (OBS1xx–OBS4xx) over the facts in `facts::observability`. The
//! project-level ones (structured logging, correlation IDs, metrics, tracing) aggregate
//! `ObservabilityFacts::capabilities` per service.

pub mod error_without_traceback;
pub mod print_logging;
pub mod secret_in_log;
pub mod sentry_misconfigured;

use crate::facts::observability::LogCall;

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
