//! Circuit-breaker libraries (`rules/catalog/breakers.toml`): how each is built, where its
//! failure threshold and open duration are given, and how a listener is attached.

use std::sync::OnceLock;

use memchr::memmem;
use serde::Deserialize;

use super::{Catalog, Unit};
use crate::facts::{names_breaker, names_failure_counting, BreakerValueKind, Lang};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerSpec {
    pub lang: Lang,
    pub library: String,
    /// Qualified constructors: Python calls or decorators, the first call of a Rust builder chain.
    #[serde(default)]
    pub constructors: Vec<String>,
    /// Keyword arguments (Python) or builder methods (Rust) that give the failure threshold.
    #[serde(default)]
    pub threshold: Vec<String>,
    pub threshold_position: Option<usize>,
    /// Keyword arguments or builder methods that give how long the breaker stays open.
    #[serde(default)]
    pub open_duration: Vec<String>,
    pub open_duration_position: Option<usize>,
    /// The unit of a plain number given as an open duration.
    #[serde(default)]
    pub unit: Unit,
    /// Calls, wherever they are made, whose first argument is the failure threshold:
    /// failsafe's `consecutive_failures(3, backoff)`.
    #[serde(default)]
    pub threshold_calls: Vec<String>,
    /// Calls whose duration arguments are open durations: failsafe's `backoff::constant(d)`.
    #[serde(default)]
    pub open_duration_calls: Vec<String>,
    /// Keyword arguments or builder methods that attach a listener (instrument).
    #[serde(default)]
    pub listener_args: Vec<String>,
    /// Methods that attach a listener to a breaker after it is built: `add_listener`.
    #[serde(default)]
    pub listener_methods: Vec<String>,
    /// The library offers a hook on state changes; without one, RES301/RES302 have no fix to
    /// offer and say nothing.
    #[serde(default = "super::yes")]
    pub hook: bool,
    /// How to log transitions with this library (RES301's help).
    #[serde(default)]
    pub log_fix: String,
    /// How to export the state as a metric with this library (RES302's help).
    #[serde(default)]
    pub metrics_fix: String,
    /// How to set sane values (RES303's help).
    #[serde(default)]
    pub config_fix: String,
}

/// What `may_hold_breakers` searches for, per language: the breaker packages (as written), and
/// the words that say a breaker can be open and that name one (in a lowercase copy). Built on
/// first use, after user config has added its libraries.
#[derive(Debug, Default)]
pub(crate) struct BreakerGates {
    python: OnceLock<BreakerGate>,
    rust: OnceLock<BreakerGate>,
}

#[derive(Debug)]
struct BreakerGate {
    packages: Vec<memmem::Finder<'static>>,
    open_words: Vec<memmem::Finder<'static>>,
    breaker_words: Vec<memmem::Finder<'static>>,
}

fn finders(words: &[impl AsRef<[u8]>]) -> Vec<memmem::Finder<'static>> {
    words
        .iter()
        .map(|w| memmem::Finder::new(w).into_owned())
        .collect()
}

impl Catalog {
    /// The breaker library a constructor call builds.
    pub fn breaker_constructor(&self, lang: Lang, callee: &str) -> Option<&BreakerSpec> {
        self.breakers
            .iter()
            .find(|b| b.lang == lang && b.constructors.iter().any(|c| c == callee))
    }

    /// Whether a file's text can hold a breaker, decided before walking its tree for one: a
    /// library breaker names its library's package (`pybreaker`, `failsafe`); a hand-written
    /// one names an open state (`open`, `tripped`) and says it is a breaker (`breaker`,
    /// `circuit`, failure counting, a `threshold`).
    pub fn may_hold_breakers(&self, lang: Lang, text: &str) -> bool {
        let gate = match lang {
            Lang::Python => self
                .breaker_gates
                .python
                .get_or_init(|| self.breaker_gate(lang)),
            Lang::Rust => self
                .breaker_gates
                .rust
                .get_or_init(|| self.breaker_gate(lang)),
        };
        if gate
            .packages
            .iter()
            .any(|package| package.find(text.as_bytes()).is_some())
        {
            return true;
        }
        // Most files say none of these words: one lowercase copy and a few searches rule them
        // out before the names are read.
        let lower = text.to_ascii_lowercase();
        let lower = lower.as_bytes();
        let says = |word: &memmem::Finder| word.find(lower).is_some();
        if !gate.open_words.iter().any(says) {
            return false;
        }
        // The words must be in one name (`failure_count`, not "failed to open" in a comment),
        // as the hand-written breaker check reads them: each place a word is said is read as
        // the name around it.
        gate.breaker_words.iter().any(|word| {
            word.find_iter(lower).any(|at| {
                let name = name_around(text, at, word.needle().len());
                names_breaker(name) || names_failure_counting(name)
            })
        })
    }

    fn breaker_gate(&self, lang: Lang) -> BreakerGate {
        let sep = if lang == Lang::Rust { "::" } else { "." };
        let mut package_names: Vec<String> = self
            .breakers
            .iter()
            .filter(|b| b.lang == lang)
            .flat_map(|b| {
                b.constructors
                    .iter()
                    .chain(&b.threshold_calls)
                    .chain(&b.open_duration_calls)
            })
            .filter_map(|c| c.split(sep).next())
            .map(str::to_string)
            .collect();
        package_names.sort_unstable();
        package_names.dedup();
        BreakerGate {
            packages: finders(&package_names),
            open_words: finders(&["open", "tripped"]),
            breaker_words: finders(&["breaker", "circuit", "threshold", "fail"]),
        }
    }

    /// A call anywhere that gives a breaker library a threshold or an open duration.
    pub fn breaker_value_call(
        &self,
        lang: Lang,
        callee: &str,
    ) -> Option<(&BreakerSpec, BreakerValueKind)> {
        self.breakers
            .iter()
            .filter(|b| b.lang == lang)
            .find_map(|b| {
                if b.threshold_calls.iter().any(|c| c == callee) {
                    Some((b, BreakerValueKind::Threshold))
                } else if b.open_duration_calls.iter().any(|c| c == callee) {
                    Some((b, BreakerValueKind::OpenDuration))
                } else {
                    None
                }
            })
    }

    pub fn breaker_library(&self, lang: Lang, library: &str) -> Option<&BreakerSpec> {
        self.breakers
            .iter()
            .find(|b| b.lang == lang && b.library == library)
    }
}

/// The identifier that holds `text[at..at + len]`.
fn name_around(text: &str, at: usize, len: usize) -> &str {
    let is_name_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let bytes = text.as_bytes();
    let start = bytes[..at]
        .iter()
        .rposition(|b| !is_name_byte(b))
        .map_or(0, |i| i + 1);
    let end = bytes[at + len..]
        .iter()
        .position(|b| !is_name_byte(b))
        .map_or(bytes.len(), |i| at + len + i);
    &text[start..end]
}
