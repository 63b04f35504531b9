//! reqwest timeouts that read like the wrong unit: milliseconds given to `from_secs`, or a few
//! milliseconds where a network call needs seconds.

use std::time::Duration;

const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(30_000);
const RETRY_PAUSE: Duration = Duration::from_millis(5);

pub fn ms_as_secs() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30000)) // expect: RES105
        .build()
}

pub fn const_ms_as_secs() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(UPSTREAM_TIMEOUT).build() // expect: RES105
}

pub fn hour_in_secs() -> reqwest::Result<reqwest::Client> {
    // 3600 s is stated in seconds and plausible as seconds: too long (RES103), not a unit slip.
    reqwest::Client::builder()
        .timeout(Duration::from_secs(3600)) // expect: RES103 // ok: RES105
        .build()
}

pub fn nine_thousand() -> reqwest::Result<reqwest::Client> {
    // Under 10,000: taken at face value.
    reqwest::Client::builder()
        .timeout(Duration::from_secs(9_999)) // expect: RES103 // ok: RES105
        .build()
}

pub fn five_millis() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(5)) // expect: RES105
        .build()
}

pub fn connect_in_millis() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_millis(2)) // expect: RES105, RES106
        .build()
}

pub fn sensible_millis() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(1500)) // ok: RES105
        .build()
}

pub fn fifty_millis() -> reqwest::Result<reqwest::Client> {
    // Aggressive but deliberate (a local sidecar).
    reqwest::Client::builder()
        .timeout(Duration::from_millis(50)) // ok: RES105
        .build()
}

pub fn ten_seconds() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10)) // ok: RES105
        .build()
}

pub fn const_pause() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(RETRY_PAUSE).build() // expect: RES105
}

pub struct Search {
    http: reqwest::Client,
}

impl Search {
    pub async fn query(&self, url: &str) -> reqwest::Result<String> {
        self.http
            .get(url)
            .timeout(Duration::from_millis(750)) // ok: RES105
            .send()
            .await?
            .text()
            .await
    }

    pub async fn query_ms_as_secs(&self, url: &str) -> reqwest::Result<String> {
        self.http
            .get(url)
            .timeout(Duration::from_secs(15_000)) // expect: RES105
            .send()
            .await?
            .text()
            .await
    }
}
