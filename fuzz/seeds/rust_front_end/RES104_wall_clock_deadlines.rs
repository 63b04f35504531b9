//! Deadlines and elapsed-time checks on `SystemTime`, which jumps with NTP and clock changes.

use std::time::{Duration, SystemTime};

const LEASE: Duration = Duration::from_secs(30);

pub fn wait_for_ready(check: impl Fn() -> bool, timeout: Duration) -> bool {
    let deadline = SystemTime::now() + timeout; // expect: RES104
    while SystemTime::now() < deadline { // expect: RES104
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

pub fn expired(started: SystemTime, timeout: Duration) -> bool {
    SystemTime::now().duration_since(started).unwrap_or_default() > timeout // expect: RES104
}

pub fn poll_until_elapsed(mut step: impl FnMut() -> bool, timeout: Duration) {
    let start = SystemTime::now(); // ok: RES104
    while !step() {
        if start.elapsed().unwrap_or_default() > timeout { // expect: RES104
            break;
        }
    }
}

pub struct Poller {
    deadline: SystemTime,
}

impl Poller {
    pub fn arm(&mut self) {
        self.deadline = SystemTime::now() + LEASE; // expect: RES104
    }

    pub fn expired(&self) -> bool {
        SystemTime::now() > self.deadline // expect: RES104
    }

    pub fn start(timeout: Duration) -> Poller {
        Poller {
            deadline: SystemTime::now() + timeout, // expect: RES104
        }
    }
}

pub fn retry_until(mut attempt: impl FnMut() -> bool) {
    let give_up_at = std::time::SystemTime::now() + Duration::from_secs(60); // expect: RES104
    while !attempt() {
        if std::time::SystemTime::now() >= give_up_at { // expect: RES104
            return;
        }
    }
}

pub fn elapsed_since_start(timeout: Duration) -> bool {
    let started = SystemTime::now();
    let now = SystemTime::now(); // ok: RES104
    now.duration_since(started).unwrap_or_default() > timeout // expect: RES104
}

pub fn checked_deadline(timeout: Duration) -> Option<SystemTime> {
    let deadline = SystemTime::now().checked_add(timeout)?; // expect: RES104
    Some(deadline)
}

pub fn slow_call_check(work: impl FnOnce(), limit: Duration) -> bool {
    let begun = SystemTime::now(); // ok: RES104
    work();
    let took = begun.elapsed().unwrap_or_default(); // expect: RES104
    took > limit
}
