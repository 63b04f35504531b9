//! RES601 no-graceful-shutdown: a server started with no way to drain on SIGTERM.

use super::{handles_sigterm, unit_signals};
use crate::facts::service::AppKind;
use crate::facts::{Lang, Signal};
use crate::rules::{ProjectCheck, ProjectCx};

pub struct NoGracefulShutdown;

/// Frameworks whose apps need a lifespan or shutdown handler to release what they hold.
const LIFESPAN_FRAMEWORKS: [&str; 2] = ["fastapi", "starlette"];

impl ProjectCheck for NoGracefulShutdown {
    fn id(&self) -> &'static str {
        "RES601"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        let signals = unit_signals(unit);
        let sigterm = handles_sigterm(&signals);
        for (index, file) in unit.files.iter().enumerate() {
            let lang = file.file.lang;
            for serve in file.facts.shutdown.serves.iter().filter(|s| !s.in_test) {
                let Some(spec) = cx.catalog.serve_spec(lang, &serve.callee) else {
                    continue;
                };
                let chained = |names: &[String]| serve.methods.iter().any(|m| names.contains(m));
                // `axum::serve`, `Server::builder`: the last two parts of the path.
                let parts: Vec<&str> = serve.callee.rsplit("::").take(2).collect();
                let short = parts.into_iter().rev().collect::<Vec<_>>().join("::");
                let message = if spec.stopped_by_code {
                    let serving = spec.serving.is_empty() || chained(&spec.serving);
                    if !serving || sigterm {
                        continue;
                    }
                    if lang == Lang::Rust && signals.contains(&Signal::Interrupt) {
                        format!(
                            "`{short}` accept loop stops only on Ctrl-C: the project awaits `ctrl_c()` (SIGINT), but Kubernetes, systemd and `docker stop` send SIGTERM, so the process is killed after its grace period with connections open"
                        )
                    } else {
                        let what = if lang == Lang::Rust {
                            format!("the accept loop on `{short}`")
                        } else {
                            format!("`{}`", serve.callee)
                        };
                        format!(
                            "{what} serves with no SIGTERM handler: on `docker stop` or a pod's termination the process is killed with connections open and requests half-served"
                        )
                    }
                } else if spec.stops_on_signals {
                    if !chained(&spec.disables_signals) || sigterm {
                        continue;
                    }
                    format!(
                        "`{short}` with `.disable_signals()` and no SIGTERM handler of its own: the server no longer drains on SIGTERM and is killed with requests in flight"
                    )
                } else if chained(&spec.graceful) {
                    if sigterm || !signals.contains(&Signal::Interrupt) {
                        continue;
                    }
                    format!(
                        "`{short}` shuts down gracefully only on Ctrl-C: the shutdown signal awaits `ctrl_c()` (SIGINT), but Kubernetes, systemd and `docker stop` send SIGTERM, so the pod is killed after its grace period with requests in flight"
                    )
                } else if spec.serving.is_empty() || chained(&spec.serving) {
                    format!(
                        "`{short}` serves with no graceful shutdown: on SIGTERM the process exits at once, dropping in-flight requests and open connections"
                    )
                } else {
                    continue;
                };
                cx.report(
                    self.id(),
                    index,
                    serve.span,
                    message,
                    Some(format!("use {}", spec.fix)),
                );
            }
        }
        if !sigterm {
            self.worker_loops(cx);
        }
        self.apps_holding_clients(cx);
    }
}

impl NoGracefulShutdown {
    /// `while True:` loops taking messages in a unit that never handles SIGTERM: the process
    /// dies between two messages or in the middle of one.
    fn worker_loops(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        for (index, file) in unit.files.iter().enumerate() {
            for worker in file
                .facts
                .shutdown
                .worker_loops
                .iter()
                .filter(|w| !w.in_test)
            {
                let message = format!(
                    "worker loop around `{}` with no SIGTERM handler: on `docker stop` or a pod's termination the process is killed mid-message, so the message in hand is lost or redelivered and offsets or acks are never committed",
                    worker.receive
                );
                let help = "install `signal.signal(signal.SIGTERM, handler)` that sets a flag, loop `while not stopping:`, and after the loop commit and close the consumer".to_string();
                cx.report(self.id(), index, worker.span, message, Some(help));
            }
        }
    }

    /// FastAPI / Starlette apps in a unit that holds long-lived clients but gives no app a
    /// lifespan or shutdown handler: on SIGTERM the server stops and nothing closes them.
    fn apps_holding_clients(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        let has_hook = unit
            .files
            .iter()
            .any(|f| !f.facts.shutdown.shutdown_hooks.is_empty());
        let client = unit
            .files
            .iter()
            .flat_map(|f| &f.facts.shutdown.clients)
            .find(|c| !c.in_test);
        let Some(client) = client.filter(|_| !has_hook) else {
            return;
        };
        for (index, file) in unit.files.iter().enumerate() {
            for app in &file.facts.service.apps {
                let lifespan = LIFESPAN_FRAMEWORKS.contains(&app.framework.as_str());
                if app.in_test || app.kind != AppKind::App || !lifespan {
                    continue;
                }
                let message = format!(
                    "this {} app holds long-lived clients (`{}` as `{}`) but has no lifespan or shutdown handler: on SIGTERM in-flight work is cut off and connections are dropped instead of closed",
                    app.framework, client.callee, client.binding
                );
                let help = "pass `lifespan=` an `@asynccontextmanager` that creates the clients before `yield` and closes them after it (`await client.aclose()`, `await engine.dispose()`)".to_string();
                cx.report(self.id(), index, app.span, message, Some(help));
            }
        }
    }
}
