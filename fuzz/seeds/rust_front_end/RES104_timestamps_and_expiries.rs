//! Wall-clock reads that are not deadlines: timestamps, token and lease expiries shared with
//! other machines, measurements, and deadlines kept on the monotonic clock.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const LEASE: Duration = Duration::from_secs(30);

pub fn monotonic_wait(check: impl Fn() -> bool, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout; // ok: RES104
    while Instant::now() < deadline { // ok: RES104
        if check() {
            return true;
        }
    }
    false
}

pub fn monotonic_elapsed(start: Instant, timeout: Duration) -> bool {
    start.elapsed() > timeout // ok: RES104
}

pub fn unix_timestamp() -> u64 {
    SystemTime::now() // ok: RES104
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub fn log_line(msg: &str) -> String {
    let now = SystemTime::now(); // ok: RES104
    format!("{now:?} {msg}")
}

#[derive(serde::Serialize)]
pub struct Claims {
    pub sub: String,
    pub exp: SystemTime,
}

pub fn token_claims(sub: String) -> Claims {
    // A token's expiry is a wall-clock instant by definition, not a local deadline.
    Claims {
        sub,
        exp: SystemTime::now() + Duration::from_secs(3600), // ok: RES104
    }
}

pub fn cookie_expiry() -> SystemTime {
    SystemTime::now() + Duration::from_secs(86_400) // ok: RES104
}

pub fn measure(work: impl FnOnce()) -> Duration {
    // Measuring for a log line checks nothing.
    let start = SystemTime::now(); // ok: RES104
    work();
    start.elapsed().unwrap_or_default() // ok: RES104
}

/// A lease recorded in a shared store: every node must read its expiry on the same clock.
pub struct Lease {
    pub holder: String,
    pub valid_until: SystemTime,
}

pub fn grant(holder: String) -> Lease {
    Lease {
        holder,
        valid_until: SystemTime::now() + LEASE, // ok: RES104
    }
}

pub fn still_valid(lease: &Lease) -> bool {
    SystemTime::now() < lease.valid_until // ok: RES104
}

pub fn is_future(t: SystemTime) -> bool {
    // Comparing a timestamp from a file or a peer with now: a date check, not a timeout.
    t > SystemTime::now() // ok: RES104
}

pub fn took_logged(work: impl FnOnce()) -> Duration {
    let begun = SystemTime::now();
    work();
    let took = begun.elapsed().unwrap_or_default(); // ok: RES104
    took
}
