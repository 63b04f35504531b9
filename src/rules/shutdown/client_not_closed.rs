//! RES603 client-not-closed: a long-lived client or pool of a service that is never closed.

use crate::rules::{ProjectCheck, ProjectCx};

pub struct ClientNotClosed;

impl ProjectCheck for ClientNotClosed {
    fn id(&self) -> &'static str {
        "RES603"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        // A library or a script exits with its process; a service runs until told to stop.
        let serves = unit.files.iter().any(|f| {
            !f.facts.service.apps.is_empty()
                || !f.facts.service.servers.is_empty()
                || !f.facts.shutdown.serves.is_empty()
        });
        if !serves {
            return;
        }
        let closed: std::collections::BTreeSet<&str> = unit
            .files
            .iter()
            .flat_map(|f| &f.facts.shutdown.closed)
            .map(String::as_str)
            .collect();
        for (index, file) in unit.files.iter().enumerate() {
            for client in &file.facts.shutdown.clients {
                if client.in_test || closed.contains(client.binding.as_str()) {
                    continue;
                }
                let close = close_call(&client.callee, &client.binding);
                let message = format!(
                    "`{}` (`{}`) lives as long as the service but is never closed: on shutdown its pooled connections are dropped, not closed, and peers see resets",
                    client.callee, client.binding
                );
                let help = format!("close it when the service stops: `{close}` in the lifespan's teardown (after `yield`) or a shutdown handler");
                cx.report(self.id(), index, client.span, message, Some(help));
            }
        }
    }
}

/// How the client's library closes it.
fn close_call(callee: &str, binding: &str) -> String {
    if callee.contains("create_engine") || callee.contains("create_async_engine") {
        let awaited = if callee.contains("async") {
            "await "
        } else {
            ""
        };
        format!("{awaited}{binding}.dispose()")
    } else if callee == "httpx.AsyncClient" {
        format!("await {binding}.aclose()")
    } else if callee.starts_with("httpx") || callee == "pymongo.MongoClient" {
        format!("{binding}.close()")
    } else {
        format!("await {binding}.close()")
    }
}
