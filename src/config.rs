//! Configuration: `resilint.toml` / `.resilint.toml`, or `[tool.resilint]` in `pyproject.toml`,
//! found upward from the scanned path, merged with the command line into [`Settings`].

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::catalog::{
    CallSpec, Catalog, CatalogFile, DefaultTimeout, NamedDefault, OneOrMany, RetryClientSpec,
    RetryErrorSpec, RetryPolicySpec, RetryStrategySpec, SleepSpec, Unit,
};
use crate::facts::Lang;
use crate::finding::Severity;

/// The options a config file may set. Keys are kebab-case; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub include_tests: Option<bool>,
    pub fail_on: Option<String>,
    pub min_score: Option<f64>,
    pub max_timeout_seconds: Option<f64>,
    pub breaker_min_failure_threshold: Option<f64>,
    pub breaker_min_open_seconds: Option<f64>,
    pub breaker_max_open_seconds: Option<f64>,
    /// Route names that are health probes besides the built-in ones (`server_info`, `_ping`).
    pub health_routes: Option<Vec<String>>,
    pub max_file_size: Option<u64>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub catalog: UserCatalog,
}

/// In-house clients: `[[catalog.python]] call = "acme.http.fetch" timeout = "deadline"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCatalog {
    #[serde(default)]
    pub python: Vec<UserCall>,
    #[serde(default)]
    pub rust: Vec<UserCall>,
    /// In-house circuit breakers, in the schema of `rules/catalog/breakers.toml`.
    #[serde(default)]
    pub breakers: Vec<crate::catalog::BreakerSpec>,
    /// Calls with a role for the partial-failure and bulkhead rules:
    /// `[[catalog.apis]] lang = "python" role = "blocking" call = "acme.sync_fetch"`.
    #[serde(default)]
    pub apis: Vec<crate::api_roles::ApiSpec>,
    /// In-house logging, metrics or tracing wrappers:
    /// `[[catalog.observability]] lang = "python" capability = "logging" calls = ["acme.log.emit"]`.
    #[serde(default)]
    pub observability: Vec<crate::catalog::observability::ObsSpec>,
    #[serde(default)]
    pub observability_types: Vec<crate::catalog::observability::ObsTypeSpec>,
    /// Retry knowledge in the built-in catalog's own format: `[[catalog.retry_policies]]`
    /// for an in-house retry decorator, `[[catalog.retry_clients]]` for a client that retries.
    #[serde(default)]
    pub retry_policies: Vec<RetryPolicySpec>,
    #[serde(default)]
    pub retry_strategies: Vec<RetryStrategySpec>,
    #[serde(default)]
    pub retry_errors: Vec<RetryErrorSpec>,
    #[serde(default)]
    pub retry_clients: Vec<RetryClientSpec>,
    #[serde(default)]
    pub sleeps: Vec<SleepSpec>,
    /// In-house servers, signal helpers and client lifecycles, in the schema of
    /// `rules/catalog/shutdown.toml`.
    #[serde(default)]
    pub serves: Vec<crate::catalog::ServeSpec>,
    #[serde(default)]
    pub signals: Vec<crate::catalog::SignalSpec>,
    pub lifecycle: Option<crate::catalog::LifecycleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCall {
    pub call: OneOrMany,
    #[serde(default)]
    pub timeout: OneOrMany,
    pub position: Option<usize>,
    /// Seconds, or "none" (the default: waits forever).
    pub default: Option<DefaultTimeout>,
    #[serde(default)]
    pub unit: Unit,
    pub what: Option<String>,
    pub fix: Option<String>,
}

impl UserCall {
    fn into_spec(self, lang: Lang) -> CallSpec {
        let timeout = self.timeout.to_vec();
        let fix = self.fix.unwrap_or_else(|| match timeout.first() {
            Some(t) if lang == Lang::Python => format!("pass `{t}=`"),
            Some(t) => format!("call `.{t}(..)`"),
            None => "give the call a timeout".to_string(),
        });
        CallSpec {
            lang,
            call: self.call,
            package: None,
            what: self.what.unwrap_or_else(|| "external call".into()),
            timeout: OneOrMany::Many(timeout),
            partial: Vec::new(),
            position: self.position,
            unit: self.unit,
            default: Some(
                self.default
                    .unwrap_or(DefaultTimeout::Named(NamedDefault::None)),
            ),
            long_default: false,
            versions: Vec::new(),
            assumes: None,
            finish: Vec::new(),
            dsn_key: OneOrMany::default(),
            dsn_drivers: Vec::new(),
            configured_by: Vec::new(),
            tuple: false,
            none_is_default: false,
            deadline_bounds: true,
            network: true,
            after: Vec::new(),
            fix,
        }
    }
}

/// A config file that could not be used; shown with the offending line.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(resilint::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
}

/// A loaded config file and where it was found.
pub struct LoadedConfig {
    pub path: PathBuf,
    pub options: Options,
}

/// Looks for a config upward from `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        for name in ["resilint.toml", ".resilint.toml"] {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        let pyproject = d.join("pyproject.toml");
        if pyproject.is_file() {
            let has_section = std::fs::read_to_string(&pyproject)
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok())
                .is_some_and(|t| t.get("tool").and_then(|t| t.get("resilint")).is_some());
            if has_section {
                return Some(pyproject);
            }
        }
        dir = d.parent();
    }
    None
}

pub fn load(path: &Path) -> Result<LoadedConfig, Box<ConfigError>> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(ConfigError {
            message: format!("cannot read config file {display}: {e}"),
            src: NamedSource::new(display.clone(), String::new()),
            span: None,
            label: String::new(),
        })
    })?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let options = parse(&text, &display, is_pyproject)?;
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        options,
    })
}

/// Parses and validates config text; `display` names the file in errors, and `is_pyproject`
/// reads the options from `[tool.resilint]`.
pub fn parse(text: &str, display: &str, is_pyproject: bool) -> Result<Options, Box<ConfigError>> {
    let parsed: Result<Options, toml::de::Error> = if is_pyproject {
        #[derive(Deserialize)]
        struct Pyproject {
            tool: Option<Tool>,
        }
        #[derive(Deserialize)]
        struct Tool {
            resilint: Option<Options>,
        }
        toml::from_str::<Pyproject>(text)
            .map(|p| p.tool.and_then(|t| t.resilint).unwrap_or_default())
    } else {
        toml::from_str(text)
    };
    let doc = DeTable::parse(text).ok();
    let options = parsed.map_err(|e| {
        let span = e.span();
        let key = span
            .as_ref()
            .and_then(|s| key_at(doc.as_ref()?.get_ref(), s.start, &[]));
        ConfigError::at(display, text, key, span, e.message().to_string())
    })?;
    let prefix: &[&str] = if is_pyproject {
        &["tool", "resilint"]
    } else {
        &[]
    };
    validate(
        &options,
        display,
        text,
        doc.as_ref().map(|d| d.get_ref()),
        prefix,
    )?;
    Ok(options)
}

impl ConfigError {
    /// An error at `span` of the config text, naming the file, the line and the key.
    fn at(
        display: &str,
        text: &str,
        key: Option<String>,
        span: Option<Range<usize>>,
        message: String,
    ) -> Box<Self> {
        let span = span.map(|r| {
            let start = r.start.min(text.len());
            start..r.end.max(start + 1).min(text.len())
        });
        let mut head = format!("invalid config file {display}");
        if let Some(r) = &span {
            head.push_str(&format!(
                ", line {}",
                text[..r.start].matches('\n').count() + 1
            ));
        }
        if let Some(key) = &key {
            head.push_str(&format!(", key `{key}`"));
        }
        Box::new(ConfigError {
            message: format!("{head}: {message}"),
            src: NamedSource::new(display, text.to_string()),
            span: span.map(SourceSpan::from),
            label: message,
        })
    }
}

/// A key path as written in TOML: `severity.RES101`, `per-path-ignores."src/*.py"`.
fn dotted(path: &[&str]) -> String {
    let bare = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let parts: Vec<String> = path
        .iter()
        .map(|k| {
            if bare(k) {
                k.to_string()
            } else {
                format!("{k:?}")
            }
        })
        .collect();
    parts.join(".")
}

/// The innermost key whose key or value holds byte `offset`.
fn key_at(table: &DeTable<'_>, offset: usize, path: &[&str]) -> Option<String> {
    for (key, value) in table.iter() {
        let mut here = path.to_vec();
        here.push(key.get_ref());
        let inner = match value.get_ref() {
            DeValue::Table(t) => key_at(t, offset, &here),
            DeValue::Array(items) => items.iter().find_map(|item| match item.get_ref() {
                DeValue::Table(t) => key_at(t, offset, &here),
                _ => None,
            }),
            _ => None,
        };
        if inner.is_some() {
            return inner;
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(dotted(&here));
        }
    }
    None
}

/// What of a key an error points at.
enum Part<'a> {
    Key,
    Value,
    /// The string item of an array value (the whole value when it is not there).
    Item(&'a str),
}

fn span_of(table: &DeTable<'_>, path: &[&str], part: Part<'_>) -> Option<Range<usize>> {
    let (first, rest) = path.split_first()?;
    let (key, value) = table.iter().find(|(k, _)| k.get_ref() == first)?;
    if !rest.is_empty() {
        return match value.get_ref() {
            DeValue::Table(t) => span_of(t, rest, part),
            _ => None,
        };
    }
    match (part, value.get_ref()) {
        (Part::Key, _) => Some(key.span()),
        (Part::Item(item), DeValue::Array(items)) => items
            .iter()
            .find(|v| matches!(v.get_ref(), DeValue::String(s) if s == item))
            .map_or(Some(value.span()), |v| Some(v.span())),
        _ => Some(value.span()),
    }
}

/// Checks values the types cannot: rule IDs, severities, globs.
fn validate(
    options: &Options,
    display: &str,
    text: &str,
    doc: Option<&DeTable<'_>>,
    prefix: &[&str],
) -> Result<(), Box<ConfigError>> {
    let error = |path: &[&str], part: Part<'_>, message: String| {
        let full: Vec<&str> = prefix.iter().chain(path).copied().collect();
        let span = doc.and_then(|d| span_of(d, &full, part));
        ConfigError::at(display, text, Some(dotted(&full)), span, message)
    };
    let not_selector =
        |id: &str| format!("`{id}` is not a rule ID or prefix (like RES101, RES1, OBS)");
    for (key, ids) in [("select", &options.select), ("ignore", &options.ignore)] {
        if let Some(bad) = ids.iter().flatten().find(|id| !is_rule_selector(id)) {
            return Err(error(&[key], Part::Item(bad), not_selector(bad)));
        }
    }
    for (glob, ids) in &options.per_path_ignores {
        if let Some(bad) = ids.iter().find(|id| !is_rule_selector(id)) {
            return Err(error(
                &["per-path-ignores", glob],
                Part::Item(bad),
                not_selector(bad),
            ));
        }
        if let Err(e) = globset::Glob::new(glob) {
            return Err(error(
                &["per-path-ignores", glob],
                Part::Key,
                format!("`{glob}` is not a valid glob: {e}"),
            ));
        }
    }
    for (id, sev) in &options.severity {
        if crate::rules::meta(id).is_none() {
            return Err(error(
                &["severity", id],
                Part::Key,
                format!("`{id}` is not a rule ID"),
            ));
        }
        if Severity::parse(sev).is_none() {
            return Err(error(
                &["severity", id],
                Part::Value,
                format!("`{sev}` is not a severity (error, warning, note)"),
            ));
        }
    }
    if let Some(f) = &options.fail_on {
        if Severity::parse(f).is_none() && f != "never" {
            return Err(error(
                &["fail-on"],
                Part::Value,
                format!("`{f}` is not one of error, warning, note, never"),
            ));
        }
    }
    if let Some(min) = options.min_score {
        if !(0.0..=10.0).contains(&min) {
            return Err(error(
                &["min-score"],
                Part::Value,
                format!("`{min}` is not a score from 0 to 10"),
            ));
        }
    }
    for glob in options.exclude.iter().flatten() {
        if let Err(e) = globset::Glob::new(glob) {
            return Err(error(
                &["exclude"],
                Part::Item(glob),
                format!("`{glob}` is not a valid glob: {e}"),
            ));
        }
    }
    let positive = [
        ("max-timeout-seconds", options.max_timeout_seconds),
        (
            "breaker-min-failure-threshold",
            options.breaker_min_failure_threshold,
        ),
        ("breaker-min-open-seconds", options.breaker_min_open_seconds),
        ("breaker-max-open-seconds", options.breaker_max_open_seconds),
    ];
    for (key, value) in positive {
        if value.is_some_and(|v| v.is_nan() || v <= 0.0) {
            return Err(error(
                &[key],
                Part::Value,
                "must be a positive number".into(),
            ));
        }
    }
    Ok(())
}

/// `RES101`, `RES1`, `RES`, `OBS2`, `ALL`.
pub fn is_rule_selector(id: &str) -> bool {
    if id == "ALL" {
        return true;
    }
    let letters: String = id.chars().take_while(|c| c.is_ascii_uppercase()).collect();
    let digits = &id[letters.len()..];
    matches!(letters.as_str(), "RES" | "OBS")
        && digits.len() <= 3
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// Adds a user's in-house clients and health route names to the catalog.
pub fn extend_catalog(catalog: &mut Catalog, options: &mut Options, source_text: &str) {
    let user = std::mem::take(&mut options.catalog);
    let mut file = CatalogFile::default();
    file.calls
        .extend(user.python.into_iter().map(|c| c.into_spec(Lang::Python)));
    file.calls
        .extend(user.rust.into_iter().map(|c| c.into_spec(Lang::Rust)));
    file.breakers = user.breakers;
    if let Some(names) = options.health_routes.take() {
        file.health = Some(crate::service::HealthSpec {
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            ..Default::default()
        });
    }
    file.apis = user.apis;
    file.observability = user.observability;
    file.observability_types = user.observability_types;
    file.retry_policies = user.retry_policies;
    file.retry_strategies = user.retry_strategies;
    file.retry_errors = user.retry_errors;
    file.retry_clients = user.retry_clients;
    file.sleeps = user.sleeps;
    file.serves = user.serves;
    file.signals = user.signals;
    file.lifecycle = user.lifecycle;
    // Always added, even when empty: the config's text then feeds the facts cache's key.
    catalog.add(file, source_text);
}
