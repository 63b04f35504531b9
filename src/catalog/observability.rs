//! Observability API knowledge (`rules/catalog/observability.toml`): which calls log, record
//! metrics, trace, configure structured logging, carry correlation IDs or report errors.
//! Other rule areas ask [`Catalog::is_log_call`] / [`Catalog::is_metrics_call`].

use rustc_hash::FxHashMap;

use serde::Deserialize;

use super::{Catalog, OneOrMany};
use crate::facts::observability::{Capability, LogLevel};
use crate::facts::Lang;

/// Calls, header strings or imports that show a capability.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObsSpec {
    pub lang: Lang,
    pub capability: Capability,
    /// Qualified callees (`prometheus_client.Histogram`, `tracing::info!` for a macro,
    /// `tracing::instrument` for an attribute); a trailing `*` matches any rest.
    #[serde(default)]
    pub calls: OneOrMany,
    /// The call counts only with this keyword set to a true value (Python) or this method
    /// chained on it (Rust): loguru `serialize=True`, `tracing_subscriber::fmt().json()`.
    pub requires: Option<String>,
    /// String literals (any case) that show the capability: header names, dotted class
    /// paths in a logging config or a middleware list.
    #[serde(default)]
    pub strings: Vec<String>,
    /// Modules whose import alone enables it (`import ddtrace.auto`).
    #[serde(default)]
    pub imports: Vec<String>,
    /// Rust method names distinctive enough to count on any receiver (`f64_histogram`).
    #[serde(default)]
    pub methods: Vec<String>,
}

/// Objects whose methods are observability calls, and what makes them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObsTypeSpec {
    pub lang: Lang,
    /// The type's name; its methods are `<name>.<method>` in `calls`.
    pub name: String,
    /// Calls that return such an object: `logging.getLogger`, `statsd.StatsClient`.
    #[serde(default)]
    pub factories: Vec<String>,
    /// Receiver names taken to be such an object when nothing else is known: `logger`, `log`.
    #[serde(default)]
    pub receiver_names: Vec<String>,
    /// Methods that return the same kind of object: loguru `bind`/`opt`, structlog `bind`.
    #[serde(default)]
    pub chaining: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ObsCatalog {
    specs: Vec<ObsSpec>,
    exact: FxHashMap<(Lang, String), Vec<usize>>,
    prefixes: Vec<(Lang, String, usize)>,
    strings: FxHashMap<(Lang, String), Vec<usize>>,
    imports: FxHashMap<(Lang, String), Vec<usize>>,
    methods: FxHashMap<(Lang, String), Vec<usize>>,
    /// `info!` → the specs of macros whose path ends with it, for macros used unimported
    /// (`#[macro_use] extern crate log`).
    bare_macros: FxHashMap<String, Vec<usize>>,
    types: Vec<ObsTypeSpec>,
    factories: FxHashMap<(Lang, String), usize>,
    receiver_names: FxHashMap<(Lang, String), usize>,
}

impl ObsCatalog {
    pub fn add(&mut self, specs: Vec<ObsSpec>, types: Vec<ObsTypeSpec>) {
        for spec in specs {
            let i = self.specs.len();
            for call in spec.calls.to_vec() {
                if let Some(prefix) = call.strip_suffix('*') {
                    self.prefixes.push((spec.lang, prefix.to_string(), i));
                } else {
                    if let Some(name) = call.strip_suffix('!') {
                        let last = name.rsplit("::").next().unwrap_or(name);
                        self.bare_macros
                            .entry(format!("{last}!"))
                            .or_default()
                            .push(i);
                    }
                    self.exact.entry((spec.lang, call)).or_default().push(i);
                }
            }
            for s in &spec.strings {
                let key = (spec.lang, s.to_ascii_lowercase());
                self.strings.entry(key).or_default().push(i);
            }
            for m in &spec.imports {
                self.imports
                    .entry((spec.lang, m.clone()))
                    .or_default()
                    .push(i);
            }
            for m in &spec.methods {
                self.methods
                    .entry((spec.lang, m.clone()))
                    .or_default()
                    .push(i);
            }
            self.specs.push(spec);
        }
        for ty in types {
            let i = self.types.len();
            for f in &ty.factories {
                self.factories.insert((ty.lang, f.clone()), i);
            }
            for n in &ty.receiver_names {
                self.receiver_names.insert((ty.lang, n.clone()), i);
            }
            self.types.push(ty);
        }
    }

    fn specs_of<'s>(&'s self, ids: Option<&'s Vec<usize>>) -> impl Iterator<Item = &'s ObsSpec> {
        ids.into_iter().flatten().map(|i| &self.specs[*i])
    }
}

impl Catalog {
    /// The observability specs a qualified callee matches.
    pub fn obs_specs(&self, lang: Lang, callee: &str) -> Vec<&ObsSpec> {
        let o = &self.observability;
        let mut out: Vec<&ObsSpec> = o
            .specs_of(o.exact.get(&(lang, callee.to_string())))
            .collect();
        for (l, prefix, i) in &o.prefixes {
            if *l == lang && callee.starts_with(prefix.as_str()) {
                out.push(&o.specs[*i]);
            }
        }
        out
    }

    /// The specs of a Rust macro used by its bare name (`info!`) with no import saying whose.
    pub fn obs_bare_macro(&self, name: &str) -> Vec<&ObsSpec> {
        let o = &self.observability;
        o.specs_of(o.bare_macros.get(name)).collect()
    }

    /// The specs a string literal matches (compared in lowercase).
    pub fn obs_string(&self, lang: Lang, literal: &str) -> Vec<&ObsSpec> {
        let o = &self.observability;
        o.specs_of(o.strings.get(&(lang, literal.to_ascii_lowercase())))
            .collect()
    }

    pub fn obs_import(&self, lang: Lang, module: &str) -> Vec<&ObsSpec> {
        let o = &self.observability;
        o.specs_of(o.imports.get(&(lang, module.to_string())))
            .collect()
    }

    pub fn obs_method(&self, lang: Lang, method: &str) -> Vec<&ObsSpec> {
        let o = &self.observability;
        o.specs_of(o.methods.get(&(lang, method.to_string())))
            .collect()
    }

    /// The observability type a factory call returns: `logging.getLogger` → `logging.Logger`.
    pub fn obs_factory(&self, lang: Lang, callee: &str) -> Option<&ObsTypeSpec> {
        let o = &self.observability;
        o.factories
            .get(&(lang, callee.to_string()))
            .map(|i| &o.types[*i])
    }

    /// The type a receiver is taken to be by its name alone (`logger`, `self._log`).
    pub fn obs_receiver_name(&self, lang: Lang, name: &str) -> Option<&ObsTypeSpec> {
        let o = &self.observability;
        o.receiver_names
            .get(&(lang, name.to_string()))
            .map(|i| &o.types[*i])
    }

    /// Whether a qualified callee (a method of a logger object as `<type>.<method>`) logs.
    pub fn is_log_call(&self, lang: Lang, callee: &str) -> bool {
        self.obs_specs(lang, callee)
            .iter()
            .any(|s| s.capability == Capability::Logging)
    }

    /// Whether a qualified callee records or sets up metrics.
    pub fn is_metrics_call(&self, lang: Lang, callee: &str) -> bool {
        self.obs_specs(lang, callee)
            .iter()
            .any(|s| s.capability.counts_as(Capability::Metrics))
    }
}

/// The level a log method or macro logs at, from its last name: `error`, `warn!`, `exception`.
pub fn log_level(callee: &str) -> Option<LogLevel> {
    let last = callee
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(callee)
        .trim_end_matches('!');
    let last = last.strip_suffix("_span").unwrap_or(last);
    Some(match last.to_ascii_lowercase().as_str() {
        "trace" => LogLevel::Trace,
        "debug" => LogLevel::Debug,
        "info" | "msg" | "success" => LogLevel::Info,
        "warning" | "warn" => LogLevel::Warning,
        "error" | "err" => LogLevel::Error,
        "critical" | "fatal" | "crit" => LogLevel::Critical,
        "exception" => LogLevel::Exception,
        _ => return None,
    })
}

/// Whether a metric's name allows it to measure time: `request_duration_seconds` does,
/// `response_size_bytes` does not; a name that says neither is taken to.
pub fn names_latency(name: &str) -> bool {
    const TIME: [&str; 10] = [
        "second", "latency", "duration", "time", "elapsed", "_ms", "millis", "took", "delay",
        "wait",
    ];
    const OTHER: [&str; 8] = [
        "byte", "size", "length", "count", "ratio", "rows", "items", "tokens",
    ];
    let n = name.to_ascii_lowercase();
    TIME.iter().any(|w| n.contains(w)) || !OTHER.iter().any(|w| n.contains(w))
}

/// A Sentry DSN: `https://<key>@<host>/<project>`.
pub fn is_dsn(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://")) && s.contains('@')
}

/// A level named by a constant: `logging.ERROR`, `Level::WARN`, `tracing::Level::ERROR`.
pub fn level_constant(text: &str) -> Option<LogLevel> {
    let last = text.rsplit(['.', ':']).next()?.trim().to_ascii_uppercase();
    Some(match last.as_str() {
        "TRACE" => LogLevel::Trace,
        "DEBUG" => LogLevel::Debug,
        "INFO" => LogLevel::Info,
        "WARNING" | "WARN" => LogLevel::Warning,
        "ERROR" => LogLevel::Error,
        "CRITICAL" | "FATAL" => LogLevel::Critical,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_and_metrics_calls_are_told_apart() {
        let c = Catalog::builtin();
        assert!(c.is_log_call(Lang::Python, "logging.Logger.warning"));
        assert!(c.is_log_call(Lang::Python, "logging.info"));
        assert!(c.is_log_call(Lang::Python, "loguru.logger.error"));
        assert!(c.is_log_call(Lang::Rust, "tracing::error!"));
        assert!(c.is_log_call(Lang::Rust, "log::warn!"));
        assert!(!c.is_log_call(Lang::Python, "logging.getLogger"));
        assert!(c.is_metrics_call(Lang::Python, "prometheus_client.Counter.inc"));
        assert!(c.is_metrics_call(Lang::Python, "prometheus_client.Histogram"));
        assert!(c.is_metrics_call(Lang::Rust, "metrics::counter!"));
        assert!(!c.is_metrics_call(Lang::Python, "logging.info"));
        assert!(c.is_metrics_call(Lang::Python, "datadog.statsd.increment"));
        assert_eq!(
            c.obs_factory(Lang::Python, "logging.getLogger")
                .map(|t| t.name.as_str()),
            Some("logging.Logger")
        );
    }

    #[test]
    fn levels_come_from_the_method_or_the_constant() {
        assert_eq!(log_level("logging.Logger.warn"), Some(LogLevel::Warning));
        assert_eq!(log_level("tracing::error!"), Some(LogLevel::Error));
        assert_eq!(log_level("tracing::info_span!"), Some(LogLevel::Info));
        assert_eq!(log_level("logging.Logger.log"), None);
        assert_eq!(level_constant("logging.ERROR"), Some(LogLevel::Error));
        assert_eq!(level_constant("Level::WARN"), Some(LogLevel::Warning));
    }
}
