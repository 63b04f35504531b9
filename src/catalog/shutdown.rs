//! How services stop (`rules/catalog/shutdown.toml`): which calls start a server that needs
//! its own graceful shutdown and which chained methods give it one, which calls handle which
//! signals, which clients are long-lived, and how they are closed.

use serde::Deserialize;

use super::Catalog;
use crate::facts::{Lang, Signal};

/// A server start: graceful when one of `graceful` is chained on it; a chain with none of
/// `graceful` but one of `serving` (or with no methods, when `serving` is empty) starts it
/// without one. `stops_on_signals` says the library drains on SIGTERM by itself unless one of
/// `disables_signals` is chained; `stopped_by_code` that only the project's own SIGTERM handling
/// can stop it (a raw accept loop, `asyncio.start_server`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSpec {
    pub lang: Lang,
    pub callee: String,
    #[serde(default)]
    pub graceful: Vec<String>,
    #[serde(default)]
    pub serving: Vec<String>,
    #[serde(default)]
    pub stops_on_signals: bool,
    #[serde(default)]
    pub disables_signals: Vec<String>,
    #[serde(default)]
    pub stopped_by_code: bool,
    /// The corrected call, for the help line.
    pub fix: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalSpec {
    pub lang: Lang,
    pub signal: Signal,
    pub calls: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LifecycleSpec {
    /// Python clients and pools that hold connections until closed.
    pub python_clients: Vec<String>,
    /// Methods that close a client (called, or handed to a shutdown hook uncalled).
    pub close_methods: Vec<String>,
    /// Keyword arguments of an app constructor that give it a shutdown path.
    pub shutdown_keywords: Vec<String>,
    /// Methods that register a handler for an event named by their first argument.
    pub event_registrations: Vec<String>,
    /// Python calls that register a signal handler: `(signal, handler)` arguments.
    pub signal_registrations: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ShutdownCatalog {
    serves: Vec<ServeSpec>,
    signals: Vec<SignalSpec>,
    /// The last segment of every signal name, per language: a path ending otherwise names no
    /// signal, so most paths need no resolving.
    signal_ends: Vec<(Lang, String)>,
    pub lifecycle: LifecycleSpec,
}

impl ShutdownCatalog {
    pub fn add(
        &mut self,
        serves: Vec<ServeSpec>,
        signals: Vec<SignalSpec>,
        lifecycle: Option<LifecycleSpec>,
    ) {
        for s in serves {
            self.serves
                .retain(|old| old.lang != s.lang || old.callee != s.callee);
            self.serves.push(s);
        }
        for spec in &signals {
            let sep = if spec.lang == Lang::Rust { "::" } else { "." };
            for call in &spec.calls {
                let end = (
                    spec.lang,
                    call.rsplit(sep).next().unwrap_or(call).to_string(),
                );
                if !self.signal_ends.contains(&end) {
                    self.signal_ends.push(end);
                }
            }
        }
        self.signals.extend(signals);
        if let Some(l) = lifecycle {
            let ours = &mut self.lifecycle;
            ours.python_clients.extend(l.python_clients);
            ours.close_methods.extend(l.close_methods);
            ours.shutdown_keywords.extend(l.shutdown_keywords);
            ours.event_registrations.extend(l.event_registrations);
            ours.signal_registrations.extend(l.signal_registrations);
        }
    }
}

impl Catalog {
    pub fn serve_spec(&self, lang: Lang, callee: &str) -> Option<&ServeSpec> {
        self.shutdown
            .serves
            .iter()
            .find(|s| s.lang == lang && s.callee == callee)
    }

    /// The last segments of the signal names: a path ending otherwise names no signal.
    pub fn signal_name_ends(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.shutdown
            .signal_ends
            .iter()
            .filter(move |(l, _)| *l == lang)
            .map(|(_, end)| end.as_str())
    }

    /// The signal a call handles or names: `tokio::signal::ctrl_c`, `SignalKind::terminate`.
    pub fn signal_of(&self, lang: Lang, callee: &str) -> Option<Signal> {
        self.shutdown
            .signals
            .iter()
            .find(|s| s.lang == lang && s.calls.iter().any(|c| c == callee))
            .map(|s| s.signal)
    }
}
