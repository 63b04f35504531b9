//! Test code may make untimed calls: a hung test fails on the runner's timeout.

use std::time::Duration;

pub fn service_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build() // ok: RES101
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fetches_health() {
        let body = reqwest::get("http://127.0.0.1:8080/health") // ok: RES101
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, "ok");
    }

    fn helper_client() -> reqwest::Client {
        reqwest::Client::new() // ok: RES101
    }

    #[test]
    fn builds() {
        let _ = helper_client();
        let _ = service_client().unwrap();
    }
}

#[test]
fn top_level_test_connects() {
    let _ = std::net::TcpStream::connect("127.0.0.1:9"); // ok: RES101
}

#[cfg(all(test, feature = "integration"))]
mod integration {
    #[tokio::test]
    async fn dials_upstream() {
        let _ = tokio::net::TcpStream::connect("127.0.0.1:6379").await; // ok: RES101
    }
}

#[cfg(not(test))]
pub async fn production_only(addr: &str) -> std::io::Result<tokio::net::TcpStream> {
    // `not(test)` is service code.
    tokio::net::TcpStream::connect(addr).await // expect: RES101
}

#[cfg(any(test, feature = "fake-upstream"))]
pub fn fake_upstream_client() -> reqwest::Client {
    // Built in test builds and also with a cargo feature: not only test code.
    reqwest::Client::new() // expect: RES101
}
