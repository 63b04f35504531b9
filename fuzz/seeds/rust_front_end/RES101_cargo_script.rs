#!/usr/bin/env -S cargo +nightly -Zscript
---cargo
[dependencies]
reqwest = { version = "0.12", features = ["blocking"] }
---

//! A cargo script: the frontmatter above is not Rust, and the code below is still read.

fn main() {
    let body = reqwest::blocking::get("https://status.internal/health") // ok: RES101
        .and_then(|r| r.text())
        .unwrap_or_default();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let async_body = rt.block_on(async {
        reqwest::get("https://status.internal/health").await // expect: RES101
    });
    println!("{body} {}", async_body.is_ok());
}
