//! Shutdown facts from Rust: server starts with the methods chained on them
//! (`axum::serve(..).with_graceful_shutdown(..)`) and the signals the code listens for.

use syn::spanned::Spanned;
use syn::Expr;

use super::{path_string, Extractor};
use crate::facts::{Lang, ServeFact, SignalFact};

impl Extractor<'_, '_> {
    /// Called for every expression: a server started with no chain, a signal named by a call
    /// (`SignalKind::terminate()`, `ctrl_c()`) or a constant (`SIGTERM`).
    pub(super) fn shutdown_expr(&mut self, e: &Expr) {
        match e {
            Expr::Call(c) => {
                let Some(callee) = self.call_callee(c) else {
                    return;
                };
                self.note_signal(&callee, c.func.span());
                if self.catalog.serve_spec(Lang::Rust, &callee).is_some() {
                    self.push_serve(callee, Vec::new(), c.func.span());
                }
            }
            Expr::Path(p) => {
                if let Some(path) = self.resolve(&path_string(&p.path)) {
                    self.note_signal(&path, p.span());
                }
            }
            _ => {}
        }
    }

    /// Called for every method chain with its root: `axum::serve(l, app)` and the methods
    /// applied to it.
    pub(super) fn shutdown_chain(&mut self, root: &Expr, methods: &[&syn::ExprMethodCall]) {
        let Expr::Call(c) = root else { return };
        let Some(callee) = self.call_callee(c) else {
            return;
        };
        if self.catalog.serve_spec(Lang::Rust, &callee).is_some() {
            let names = methods.iter().map(|m| m.method.to_string()).collect();
            self.push_serve(callee, names, c.func.span());
        } else {
            self.note_signal(&callee, c.func.span());
        }
    }

    fn push_serve(&mut self, callee: String, methods: Vec<String>, at: proc_macro2::Span) {
        let span = self.span(at);
        // A chain's root is seen twice (as the chain and as a call): keep the longer chain.
        if let Some(seen) = self
            .facts
            .shutdown
            .serves
            .iter_mut()
            .find(|s| s.span == span)
        {
            if seen.methods.len() < methods.len() {
                seen.methods = methods;
            }
            return;
        }
        self.remember_line(span.line);
        let in_test = self.in_test();
        self.facts.shutdown.serves.push(ServeFact {
            callee,
            methods,
            span,
            in_test,
        });
    }

    fn note_signal(&mut self, path: &str, at: proc_macro2::Span) {
        if let Some(signal) = self.catalog.signal_of(Lang::Rust, path) {
            let span = self.span(at);
            let in_test = self.in_test();
            self.facts.shutdown.signals.push(SignalFact {
                signal,
                span,
                in_test,
            });
        }
    }
}
