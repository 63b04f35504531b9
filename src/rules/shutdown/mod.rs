//! Graceful-shutdown rules (RES601–RES603): whether a service stops cleanly on SIGTERM, whether
//! its shutdown waits with a deadline, and whether its long-lived clients are closed.

pub mod client_not_closed;
pub mod no_graceful_shutdown;
pub mod shutdown_without_deadline;

use crate::facts::Signal;
use crate::project::Unit;

/// The signals the unit's code listens for, outside tests.
pub(crate) fn unit_signals(unit: &Unit<'_>) -> Vec<Signal> {
    let mut signals: Vec<Signal> = unit
        .files
        .iter()
        .flat_map(|f| &f.facts.shutdown.signals)
        .filter(|s| !s.in_test)
        .map(|s| s.signal)
        .collect();
    signals.sort_by_key(|s| *s as u8);
    signals.dedup();
    signals
}

/// SIGTERM is handled, or a handler's signals cannot be told (and so may include it).
pub(crate) fn handles_sigterm(signals: &[Signal]) -> bool {
    signals
        .iter()
        .any(|s| matches!(s, Signal::Terminate | Signal::Unknown))
}
