//! Timeouts switched off with "unlimited" durations, and the same values used for other things.

use std::time::Duration;

const NO_LIMIT: Duration = Duration::MAX;
const POLL_EVERY: Duration = Duration::from_secs(5);

pub fn long_poll_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent("poller")
        .timeout(Duration::MAX) // expect: RES102
        .build()
}

pub fn forever_secs_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(u64::MAX)) // expect: RES102
        .build()
}

pub fn const_unlimited_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(NO_LIMIT).build() // expect: RES102
}

pub fn finite_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(POLL_EVERY * 6).build() // ok: RES102
}

pub async fn unlimited_deadline(addr: &str) -> std::io::Result<()> {
    let stream = tokio::time::timeout(Duration::MAX, tokio::net::TcpStream::connect(addr)) // expect: RES102
        .await??;
    drop(stream);
    Ok(())
}

pub async fn grpc_forever() -> Result<tonic::transport::Channel, tonic::transport::Error> {
    tonic::transport::Endpoint::from_static("http://ledger:50051")
        .timeout(Duration::MAX) // expect: RES102
        .connect()
        .await
}

/// `Duration::MAX` as the start of a minimum: not a timeout.
pub fn fastest(samples: &[Duration]) -> Duration {
    let mut best = Duration::MAX; // ok: RES102
    for s in samples {
        if *s < best {
            best = *s;
        }
    }
    best
}

pub struct Backend {
    pub name: String,
    pub latency: Duration,
}

pub fn pick(backends: &[Backend]) -> Option<&Backend> {
    let mut lowest = Duration::MAX; // ok: RES102
    let mut chosen = None;
    for b in backends {
        if b.latency < lowest {
            lowest = b.latency;
            chosen = Some(b);
        }
    }
    chosen
}

pub fn idle_forever() -> reqwest::Result<reqwest::Client> {
    // Keep-alive of idle pooled connections is not a request timeout.
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_idle_timeout(Duration::MAX) // ok: RES102
        .build()
}

pub fn saturating(elapsed: Duration) -> Duration {
    Duration::MAX.saturating_sub(elapsed) // ok: RES102
}

pub fn grpc_keepalive() -> tonic::transport::Endpoint {
    tonic::transport::Endpoint::from_static("http://ledger:50051")
        .http2_keep_alive_interval(Duration::MAX) // ok: RES102
}

pub fn ureq_no_global_timeout() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(None) // expect: RES102
        .build();
    config.into()
}

pub fn ureq_bounded_global_timeout() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30))) // ok: RES102
        .build();
    config.into()
}
