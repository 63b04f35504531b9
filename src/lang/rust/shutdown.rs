//! Shutdown facts from Rust: server starts with the methods chained on them
//! (`axum::serve(..).with_graceful_shutdown(..)`) and the signals the code listens for.

use syn::spanned::Spanned;
use syn::Expr;

use super::{path_string, Extractor};
use crate::api_roles::Role;
use crate::facts::{Lang, ServeFact, SignalFact, Span, WaitFact};

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
                // Most paths are local names: only one that ends like a signal's name, or a
                // renamed import of one, is resolved.
                let Some(last) = p.path.segments.last().map(|s| &s.ident) else {
                    return;
                };
                let may_name_signal = self
                    .catalog
                    .signal_name_ends(Lang::Rust)
                    .any(|end| last == end)
                    || (p.path.segments.len() == 1
                        && self.items.aliases.contains_key(&last.to_string()));
                if !may_name_signal {
                    return;
                }
                if let Some(path) = self.resolve(&path_string(&p.path)) {
                    self.note_signal(&path, p.span());
                }
            }
            Expr::Await(a) => self.awaited_drain(&a.base),
            Expr::MethodCall(m) => self.drain_without_deadline(m),
            _ => {}
        }
    }

    /// `graceful.shutdown().await` on a drain of a catalogued type, with no deadline around
    /// it (`tokio::time::timeout(..)`, a `select!` against a sleep).
    fn awaited_drain(&mut self, base: &Expr) {
        let Expr::MethodCall(m) = base else { return };
        let Expr::Path(holder) = &*m.receiver else {
            return;
        };
        let Some(name) = holder.path.get_ident().map(|i| i.to_string()) else {
            return;
        };
        let Some(ty) = self.binding_type(&name) else {
            return;
        };
        let method = m.method.to_string();
        let Some(spec) = self
            .catalog
            .api(Lang::Rust, &format!("{ty}::{method}"), Role::Drain)
        else {
            return;
        };
        if spec.position.is_some() || self.ctx.under_deadline {
            return;
        }
        let fix = spec.fix.clone();
        self.push_wait(format!("{name}.{method}()"), m.method.span(), fix);
    }

    /// `handle.graceful_shutdown(None)`: a drain whose own deadline argument is `None`.
    fn drain_without_deadline(&mut self, m: &syn::ExprMethodCall) {
        let method = m.method.to_string();
        let Some(spec) = self.catalog.api_method(Lang::Rust, &method, Role::Drain) else {
            return;
        };
        let unbounded = spec
            .position
            .and_then(|p| m.args.iter().nth(p))
            .is_some_and(|arg| matches!(arg, Expr::Path(p) if p.path.is_ident("None")));
        if unbounded {
            let fix = spec.fix.clone();
            self.push_wait(format!("{method}(.., None)"), m.method.span(), fix);
        }
    }

    fn push_wait(&mut self, what: String, at: proc_macro2::Span, fix: Option<String>) {
        let span = self.span(at);
        self.remember_line(span.line);
        let in_test = self.in_test();
        self.facts.shutdown.waits.push(WaitFact {
            what,
            span,
            in_test,
            fix,
        });
    }

    /// Called for every method chain with its root: `axum::serve(l, app)` and the methods
    /// applied to it.
    pub(super) fn shutdown_chain(&mut self, root: &Expr, methods: &[&syn::ExprMethodCall]) {
        if let (Expr::Path(p), Some(first)) = (root, methods.first()) {
            self.accept_loop(p, &first.method.to_string());
        }
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

    /// `listener.accept()` inside a loop, on a listener this function bound: the bind becomes
    /// a server start serving through `accept`.
    fn accept_loop(&mut self, holder: &syn::ExprPath, method: &str) {
        let Some(made) = holder
            .path
            .get_ident()
            .and_then(|i| self.made_by(&i.to_string()))
        else {
            return;
        };
        if !self.in_loop() {
            return;
        }
        let bind = &self.facts.calls[made.fact];
        let serves = self
            .catalog
            .serve_spec(Lang::Rust, &bind.callee)
            .is_some_and(|spec| spec.serving.iter().any(|m| m == method));
        if serves {
            let (callee, span) = (bind.callee.clone(), bind.span);
            self.push_serve_at(callee, vec![method.to_string()], span);
        }
    }

    fn push_serve(&mut self, callee: String, methods: Vec<String>, at: proc_macro2::Span) {
        let span = self.span(at);
        self.push_serve_at(callee, methods, span);
    }

    fn push_serve_at(&mut self, callee: String, methods: Vec<String>, span: Span) {
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
