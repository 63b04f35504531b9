//! What one file says about how its service stops: servers started and how they are told to
//! stop, signal handling, shutdown hooks, long-lived clients and whether they are closed, and
//! what shutdown code waits on.

use serde::{Deserialize, Serialize};

use super::Span;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShutdownFacts {
    pub serves: Vec<ServeFact>,
    pub signals: Vec<SignalFact>,
    /// Python: a lifespan or shutdown handler given to an app (`lifespan=`,
    /// `@app.on_event("shutdown")`, `on_shutdown=[..]`, `add_event_handler("shutdown", ..)`).
    pub shutdown_hooks: Vec<Span>,
    /// Python: clients and pools bound at module level or on `app.state`.
    pub clients: Vec<ClientFact>,
    /// Names (the last part: `client` of `app.state.client`) on which a close method is called
    /// or referenced, or that are used as a context manager.
    pub closed: Vec<String>,
    /// Waits without a deadline in shutdown code: Python functions this file registers as
    /// shutdown code, Rust drains (`GracefulShutdown::shutdown().await`, `graceful_shutdown(None)`).
    pub waits: Vec<WaitFact>,
    /// Python: `while True:` loops that take messages from a broker or work queue.
    pub worker_loops: Vec<WorkerLoopFact>,
}

/// A loop that runs until the process dies, taking the next message each time round:
/// `while True: msg = consumer.poll(1.0)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerLoopFact {
    /// The receiving call, as written: `consumer.poll`.
    pub receive: String,
    /// The loop header.
    pub span: Span,
    pub in_test: bool,
}

/// A call that starts serving and must be told how to stop: `axum::serve(..)` and the methods
/// chained on it, `asyncio.start_server(..)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServeFact {
    pub callee: String,
    /// Methods chained on the call: `with_graceful_shutdown`, `disable_signals`, `serve`.
    pub methods: Vec<String>,
    pub span: Span,
    pub in_test: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// SIGTERM, what Kubernetes, systemd and `docker stop` send.
    Terminate,
    /// SIGINT only: Ctrl-C at a terminal.
    Interrupt,
    /// A handler whose signals cannot be told (`ctrlc::set_handler`, `signal_hook` iterators).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalFact {
    pub signal: Signal,
    pub span: Span,
    pub in_test: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientFact {
    pub callee: String,
    /// The last part of the name it is bound to: `client` for `app.state.client`.
    pub binding: String,
    pub span: Span,
    pub in_test: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitFact {
    /// What is waited on, as written: `queue.join()`, `asyncio.gather(..)`.
    pub what: String,
    pub span: Span,
    pub in_test: bool,
    /// How to bound it, from the catalog (Rust drains); `None` for Python's waits.
    pub fix: Option<String>,
}
