//! A local `struct Client` and a local `fn get` shadow reqwest's: nothing here is reqwest.

use std::collections::HashMap;

#[allow(unused_imports)]
use reqwest::get as _;

/// A cache client that lives in this crate and makes no network calls.
pub struct Client {
    entries: HashMap<String, String>,
}

impl Client {
    pub fn new() -> Self {
        Client {
            entries: HashMap::new(),
        }
    }

    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

#[derive(Default)]
pub struct ClientBuilder {
    capacity: usize,
}

impl ClientBuilder {
    pub fn capacity(mut self, n: usize) -> Self {
        self.capacity = n;
        self
    }

    pub fn build(self) -> Client {
        Client {
            entries: HashMap::with_capacity(self.capacity),
        }
    }
}

fn get(map: &Client, key: &str) -> Option<String> {
    map.entries.get(key).cloned()
}

pub fn lookup(key: &str) -> Option<String> {
    let cache = Client::new(); // ok: RES101
    let sized = Client::builder().capacity(64).build(); // ok: RES101
    get(&cache, key).or_else(|| get(&sized, key)) // ok: RES101
}
