//! With `max-timeout-seconds = 60` in the config beside this file.

use std::time::Duration;

pub fn batch_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(90)) // expect: RES103
        .build()
}

pub fn interactive_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60)) // ok: RES103
        .build()
}

pub fn fast_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(59_000)) // ok: RES103
        .build()
}

pub fn two_minutes(stream: &std::net::TcpStream) -> std::io::Result<()> {
    stream.set_write_timeout(Some(Duration::from_secs(120))) // expect: RES103
}
