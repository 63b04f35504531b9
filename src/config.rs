//! Configuration: `resilint.toml` / `.resilint.toml`, or `[tool.resilint]` in `pyproject.toml`,
//! found upward from the scanned path, merged with the command line into [`Settings`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;

use crate::catalog::{Catalog, CallSpec, CatalogFile, DefaultTimeout, NamedDefault, OneOrMany, Unit};
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
    pub max_timeout_seconds: Option<f64>,
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
            default: Some(self.default.unwrap_or(DefaultTimeout::Named(NamedDefault::None))),
            long_default: false,
            versions: Vec::new(),
            assumes: None,
            finish: Vec::new(),
            dsn_key: None,
            tuple: false,
            deadline_bounds: true,
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
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
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
    let parsed: Result<Options, toml::de::Error> = if is_pyproject {
        #[derive(Deserialize)]
        struct Pyproject {
            tool: Option<Tool>,
        }
        #[derive(Deserialize)]
        struct Tool {
            resilint: Option<Options>,
        }
        toml::from_str::<Pyproject>(&text).map(|p| p.tool.and_then(|t| t.resilint).unwrap_or_default())
    } else {
        toml::from_str(&text)
    };
    let options = parsed.map_err(|e| {
        let span = e.span().map(|r| SourceSpan::from(r.start..r.end.max(r.start + 1).min(text.len())));
        let line = e.span().map(|r| text[..r.start.min(text.len())].lines().count().max(1));
        let message = match line {
            Some(l) => format!("invalid config file {display}, line {l}: {}", e.message()),
            None => format!("invalid config file {display}: {}", e.message()),
        };
        Box::new(ConfigError {
            message,
            src: NamedSource::new(display.clone(), text.clone()),
            span,
            label: e.message().to_string(),
        })
    })?;
    validate(&options, &display, &text)?;
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        options,
    })
}

/// Checks values the types cannot: rule IDs, severities, globs.
fn validate(options: &Options, display: &str, text: &str) -> Result<(), Box<ConfigError>> {
    let error = |key: &str, message: String| {
        let at = text.find(key).map(|i| SourceSpan::from(i..i + key.len()));
        let line = at.map(|s| text[..s.offset()].lines().count() + 1);
        Box::new(ConfigError {
            message: match line {
                Some(l) => format!("invalid config file {display}, line {l}, key `{key}`: {message}"),
                None => format!("invalid config file {display}, key `{key}`: {message}"),
            },
            src: NamedSource::new(display.to_string(), text.to_string()),
            span: at,
            label: message,
        })
    };
    let lists = options.select.iter().chain(&options.ignore).flatten();
    for id in lists.chain(options.per_path_ignores.values().flatten()) {
        if !is_rule_selector(id) {
            return Err(error(id, format!("`{id}` is not a rule ID or prefix (like RES101, RES1, OBS)")));
        }
    }
    for (id, sev) in &options.severity {
        if crate::rules::meta(id).is_none() {
            return Err(error(id, format!("`{id}` is not a rule ID")));
        }
        if Severity::parse(sev).is_none() {
            return Err(error(sev, format!("`{sev}` is not a severity (error, warning, note)")));
        }
    }
    if let Some(f) = &options.fail_on {
        if Severity::parse(f).is_none() && f != "never" {
            return Err(error("fail-on", format!("`{f}` is not one of error, warning, note, never")));
        }
    }
    for glob in options.per_path_ignores.keys().chain(options.exclude.iter().flatten()) {
        if let Err(e) = globset::Glob::new(glob) {
            return Err(error(glob, format!("`{glob}` is not a valid glob: {e}")));
        }
    }
    if let Some(max) = options.max_timeout_seconds {
        if max.is_nan() || max <= 0.0 {
            return Err(error("max-timeout-seconds", "must be a positive number of seconds".into()));
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
    matches!(letters.as_str(), "RES" | "OBS") && digits.len() <= 3 && digits.chars().all(|c| c.is_ascii_digit())
}

/// Adds a user's in-house clients to the catalog.
pub fn extend_catalog(catalog: &mut Catalog, options: &mut Options, source_text: &str) {
    let user = std::mem::take(&mut options.catalog);
    let mut file = CatalogFile::default();
    file.calls.extend(user.python.into_iter().map(|c| c.into_spec(Lang::Python)));
    file.calls.extend(user.rust.into_iter().map(|c| c.into_spec(Lang::Rust)));
    if !file.calls.is_empty() {
        catalog.add(file, source_text);
    }
}
