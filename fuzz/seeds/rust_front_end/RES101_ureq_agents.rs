//! A webhook sender on ureq. No Cargo.lock pins ureq here, so ureq 3 is assumed: it has no
//! timeouts at all by default.

use std::time::Duration;

pub fn notify(url: &str, body: &str) -> Result<(), ureq::Error> {
    ureq::post(url).send(body)?; // expect: RES101
    Ok(())
}

pub fn probe(url: &str) -> bool {
    ureq::get(url).call().is_ok() // expect: RES101
}

pub fn default_agent() -> ureq::Agent {
    ureq::Agent::new_with_defaults() // expect: RES101
}

pub fn bounded_agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder() // ok: RES101
        .timeout_global(Some(Duration::from_secs(10)))
        .build();
    config.into()
}

pub fn per_call_bounded(url: &str) -> Result<String, ureq::Error> {
    // The request's own config carries a global timeout.
    ureq::get(url) // ok: RES101
        .config()
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .call()?
        .body_mut()
        .read_to_string()
}

/// An unfinished config builder: the caller decides the timeouts.
pub fn base_config() -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
    ureq::Agent::config_builder().https_only(true) // ok: RES101
}

pub fn config_without_timeout() -> ureq::Agent {
    let config = ureq::Agent::config_builder() // expect: RES101
        .max_redirects(3)
        .build();
    ureq::Agent::new_with_config(config)
}
