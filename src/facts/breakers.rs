//! Circuit breakers found in one file: breakers built from a library, and hand-written state
//! machines with their state transitions.

use serde::{Deserialize, Serialize};

use super::Span;

/// A number given to a breaker library: a failure threshold or an open (reset) duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerSetting {
    /// The keyword, builder method or call that carries it, as written: `fail_max`,
    /// `consecutive_failures`.
    pub name: String,
    /// A count for thresholds, seconds for durations.
    pub value: f64,
    /// How it was written, for messages: `1`, `timedelta(seconds=0.5)`, `Duration::from_millis(200)`.
    pub written: String,
    pub span: Span,
}

/// Whether something records a breaker's transitions: a log, a metric, or neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub logs: bool,
    pub metrics: bool,
}

impl Recorded {
    pub const BOTH: Recorded = Recorded {
        logs: true,
        metrics: true,
    };

    pub fn or(self, other: Recorded) -> Recorded {
        Recorded {
            logs: self.logs || other.logs,
            metrics: self.metrics || other.metrics,
        }
    }
}

/// A breaker built from a catalogued library: pybreaker `CircuitBreaker(..)`, failsafe `Config::new()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryBreaker {
    /// The catalog's library name: `pybreaker`, `failsafe`.
    pub library: String,
    /// The qualified constructor: `pybreaker.CircuitBreaker`.
    pub constructor: String,
    /// The constructor's first line (the callee's line in Python, the chain start in Rust).
    pub span: Span,
    /// What its listeners or instruments record; a listener defined elsewhere counts as both.
    /// `None` when the library offers no hook to attach one (then nothing is judged).
    pub recorded: Option<Recorded>,
    pub in_test: bool,
}

/// A threshold or open duration given to a breaker library, wherever it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerValue {
    pub library: String,
    pub kind: BreakerValueKind,
    pub setting: BreakerSetting,
    pub in_test: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerValueKind {
    /// Failures before the breaker opens.
    Threshold,
    /// How long it stays open before a trial call.
    OpenDuration,
}

/// One assignment of a new state in a hand-written breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// The state assigned as written (`CircuitState.OPEN`, `"half_open"`); `None` when a
    /// variable is assigned (`self._state = new_state` in a `_transition()` helper).
    pub to: Option<String>,
    /// The function that assigns it.
    pub function: String,
    pub span: Span,
    /// What the assigning function, or a same-file function it calls, records.
    pub recorded: Recorded,
}

/// A hand-written circuit breaker: a class or struct that moves between closed/open states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandBreaker {
    /// The class or struct that holds the state.
    pub name: String,
    /// Its declaration line.
    pub span: Span,
    pub transitions: Vec<Transition>,
    /// Some method of the breaker, or a function its transitions call, records a metric.
    pub metrics: bool,
    pub in_test: bool,
}

/// The states of a breaker, declared by an enum or class (or, for string states, the breaker
/// class that uses them) that is a breaker's by its name or its use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSet {
    /// The enum or class name.
    pub name: String,
    pub span: Span,
    pub has_half_open: bool,
    pub in_test: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BreakerFacts {
    pub library: Vec<LibraryBreaker>,
    pub values: Vec<BreakerValue>,
    pub hand_written: Vec<HandBreaker>,
    /// Breaker state sets with both OPEN and CLOSED.
    pub state_sets: Vec<StateSet>,
}

/// Which breaker state a name means, in any casing: `HALF_OPEN`, `HalfOpen`, `half-open`,
/// `STATE_OPEN`, `Open(Instant)`'s `Open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateName {
    Closed,
    Open,
    HalfOpen,
}

impl StateName {
    pub fn parse(name: &str) -> Option<StateName> {
        let mut flat: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        for prefix in ["state", "circuit", "breaker", "cb"] {
            if let Some(rest) = flat.strip_prefix(prefix) {
                flat = rest.to_string();
            }
        }
        if let Some(rest) = flat.strip_suffix("state") {
            flat = rest.to_string();
        }
        match flat.as_str() {
            "closed" => Some(StateName::Closed),
            "open" | "opened" | "tripped" => Some(StateName::Open),
            // The trial state under the other names it goes by.
            "halfopen" | "halfopened" | "halfclosed" | "testing" | "probing" | "probe"
            | "trial" | "recovering" => Some(StateName::HalfOpen),
            _ => None,
        }
    }
}

/// Whether a name says it is about a circuit breaker.
pub fn names_breaker(name: &str) -> bool {
    contains_ignoring_case(name, "breaker") || contains_ignoring_case(name, "circuit")
}

/// Whether a name looks like failure counting: `failure_count`, `fail_max`, `failure_threshold`.
pub fn names_failure_counting(name: &str) -> bool {
    if contains_ignoring_case(name, "threshold") {
        return true;
    }
    let counts = [
        "count",
        "threshold",
        "max",
        "limit",
        "streak",
        "consecutive",
        "num",
    ]
    .iter()
    .any(|w| contains_ignoring_case(name, w));
    contains_ignoring_case(name, "fail") && counts
}

/// `haystack.to_ascii_lowercase().contains(lowercase_needle)` without the copy: these checks
/// run on every name of a file.
fn contains_ignoring_case(haystack: &str, lowercase_needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), lowercase_needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    haystack.len() >= needle.len()
        && (0..=haystack.len() - needle.len()).any(|at| {
            haystack[at].to_ascii_lowercase() == first
                && haystack[at + 1..at + needle.len()].eq_ignore_ascii_case(rest)
        })
}

/// What a hand-written breaker's setting is, by its name: `failure_threshold`, `fail_max`,
/// `max_failures` are thresholds (not `success_threshold`); `recovery_timeout`, `reset_timeout`,
/// `cooldown`, `open_duration_ms` are open durations.
pub fn setting_kind(name: &str) -> Option<BreakerValueKind> {
    let lower = name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    // Counters and timestamps: `failure_count`, `last_open_time`, `opened_since`.
    if has(&[
        "count", "last", "since", "until", "start", "stamp", "seen", "current",
    ]) {
        return None;
    }
    if lower.contains("fail") && has(&["threshold", "max", "limit"]) {
        return Some(BreakerValueKind::Threshold);
    }
    let opens = has(&["reset", "recovery", "cooldown", "cool_down", "open"]);
    let span = has(&[
        "timeout", "duration", "period", "time", "seconds", "secs", "interval", "wait", "after",
    ]);
    (lower.contains("cooldown") || lower.contains("cool_down") || (opens && span))
        .then_some(BreakerValueKind::OpenDuration)
}

/// The unit a setting's name states for a plain number: seconds unless it says milliseconds.
pub fn name_says_millis(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with("_ms") || lower.contains("millis")
}

/// Whether a called name or its receiver looks like a state-change hook that other code fills
/// in (a listener, callback, event emitter): what it records cannot be seen from here.
pub fn names_hook(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "listener",
        "callback",
        "hook",
        "notify",
        "emit",
        "publish",
        "observer",
        "subscriber",
        "on_state",
        "on_transition",
        "on_open",
        "on_close",
        "on_half_open",
        "on_trip",
        "on_reset",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_in_any_casing() {
        assert_eq!(StateName::parse("HALF_OPEN"), Some(StateName::HalfOpen));
        assert_eq!(StateName::parse("HalfOpen"), Some(StateName::HalfOpen));
        assert_eq!(StateName::parse("half-open"), Some(StateName::HalfOpen));
        assert_eq!(StateName::parse("STATE_OPEN"), Some(StateName::Open));
        assert_eq!(StateName::parse("Closed"), Some(StateName::Closed));
        assert_eq!(StateName::parse("OpenState"), Some(StateName::Open));
        assert_eq!(StateName::parse("opening"), None);
        assert_eq!(StateName::parse("Probing"), Some(StateName::HalfOpen));
        assert_eq!(StateName::parse("pending"), None);
    }

    #[test]
    fn setting_names() {
        use BreakerValueKind::*;
        assert_eq!(setting_kind("failure_threshold"), Some(Threshold));
        assert_eq!(setting_kind("FAIL_MAX"), Some(Threshold));
        assert_eq!(setting_kind("max_failures"), Some(Threshold));
        assert_eq!(setting_kind("success_threshold"), None);
        assert_eq!(setting_kind("recovery_timeout"), Some(OpenDuration));
        assert_eq!(setting_kind("open_duration_ms"), Some(OpenDuration));
        assert_eq!(setting_kind("cooldown"), Some(OpenDuration));
        assert_eq!(setting_kind("request_timeout"), None);
        assert_eq!(setting_kind("opened_at"), None);
        assert_eq!(setting_kind("last_open_time"), None);
        assert_eq!(setting_kind("max_failure_count"), None);
        assert!(name_says_millis("open_duration_ms"));
    }

    #[test]
    fn failure_counting_names() {
        assert!(names_failure_counting("failure_count"));
        assert!(names_failure_counting("fail_max"));
        assert!(names_failure_counting("failure_threshold"));
        assert!(!names_failure_counting("failed"));
        assert!(!names_failure_counting("error_count"));
        assert!(!names_failure_counting("owner"));
    }
}
