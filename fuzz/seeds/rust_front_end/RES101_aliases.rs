//! Clients reached through `use` renames, groups and globs, and local items that shadow them.

use std::time::Duration;

use reqwest::Client as Http;
use reqwest::{self, Client, ClientBuilder};
use tokio::net::*;

mod upstream {
    /// An in-house wrapper that happens to share reqwest's names.
    pub struct Client;

    impl Client {
        pub fn new() -> Self {
            Client
        }
    }

    pub async fn get(_url: &str) -> Result<String, std::io::Error> {
        Ok(String::new())
    }
}

pub fn renamed() -> Http {
    Http::new() // expect: RES101
}

pub fn renamed_builder() -> reqwest::Result<Http> {
    Http::builder().timeout(Duration::from_secs(20)).build() // ok: RES101
}

pub async fn through_self_import(url: &str) -> reqwest::Result<String> {
    reqwest::get(url).await?.text().await // expect: RES101
}

pub fn grouped_client() -> Client {
    Client::new() // expect: RES101
}

pub fn grouped_builder() -> reqwest::Result<reqwest::Client> {
    ClientBuilder::new().https_only(true).build() // expect: RES101
}

pub async fn glob_imported_stream(addr: &str) -> std::io::Result<TcpStream> {
    TcpStream::connect(addr).await // expect: RES101
}

pub fn local_module_client() -> upstream::Client {
    upstream::Client::new() // ok: RES101
}

pub async fn local_module_get() -> Result<String, std::io::Error> {
    upstream::get("https://example.internal").await // ok: RES101
}

pub fn crate_relative() -> crate::upstream::Client {
    crate::upstream::Client::new() // ok: RES101
}
