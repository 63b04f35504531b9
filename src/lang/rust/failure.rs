//! Rust facts for the partial-failure and bulkhead rules (RES401–RES403, RES701–RES705):
//! fan-outs (`try_join_all`, `try_join!`, `join_all`, `tokio::spawn` per item), dropped and
//! unwrapped I/O results, and calls to catalogued queues, pools and blocking calls.

use std::collections::{HashMap, HashSet};

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use super::{macro_exprs, path_string, Extractor};
use crate::api_roles::Role;
use crate::catalog::split_qualified;
use crate::facts::{CallFact, ChainCall, FanOut, FanOutKind, Lang, PanicOnIo, Span, Swallowed};

/// Links deeper than this in one method chain are not followed.
const MAX_CHAIN: usize = 64;

#[derive(Default)]
pub(super) struct State {
    /// Open functions: index into `fns` and where their loops start in `loops`.
    open: Vec<(usize, usize)>,
    fns: Vec<FnRecord>,
    /// Open loops: does each run once per item of a collection?
    loops: Vec<bool>,
    /// Closures run once per item (`items.iter().map(|x| ..)`): their spans.
    item_closures: Vec<Span>,
    /// Calls directly awaited (`tokio::spawn(f).await`), by the span of their callee.
    awaited_calls: HashSet<(u32, u32)>,
    /// Per fan-out fact (same index): its function and the local functions its work calls.
    fan_out_meta: Vec<(Option<usize>, Vec<String>)>,
}

struct FnRecord {
    name: String,
    /// The range of `facts.calls` recorded inside it.
    facts: (usize, usize),
    limited: bool,
}

impl Extractor<'_, '_> {
    pub(super) fn failure_enter_fn(&mut self, name: &str) {
        let index = self.failure.fns.len();
        self.failure.fns.push(FnRecord {
            name: name.to_string(),
            facts: (self.facts.calls.len(), self.facts.calls.len()),
            limited: false,
        });
        let loops = self.failure.loops.len();
        self.failure.open.push((index, loops));
    }

    pub(super) fn failure_exit_fn(&mut self) {
        if let Some((index, loops)) = self.failure.open.pop() {
            self.failure.fns[index].facts.1 = self.facts.calls.len();
            self.failure.loops.truncate(loops);
        }
    }

    fn current_fn(&self) -> Option<&FnRecord> {
        self.failure.open.last().map(|(i, _)| &self.failure.fns[*i])
    }

    fn in_main(&self) -> bool {
        self.current_fn().is_some_and(|f| f.name == "main")
    }

    fn mark_limited(&mut self) {
        if let Some((i, _)) = self.failure.open.last() {
            self.failure.fns[*i].limited = true;
        }
    }

    /// Every expression, before it is visited.
    pub(super) fn failure_expr(&mut self, e: &Expr) {
        if let Expr::Await(a) = e {
            if let Expr::Call(c) = peel_paren(&a.base) {
                let s = self.span(c.func.span());
                self.failure.awaited_calls.insert((s.line, s.col));
            }
        }
    }

    /// Visits a loop, remembering whether it runs once per item of a collection.
    pub(super) fn failure_loop(&mut self, e: &Expr, visit: impl FnOnce(&mut Self)) {
        let per_item = match e {
            Expr::ForLoop(f) => iterates_items(&f.expr),
            // `while let Some(msg) = rx.recv().await`: once per message.
            Expr::While(w) => matches!(&*w.cond, Expr::Let(_)),
            // `loop { let (sock, _) = listener.accept().await?; .. }`: once per connection.
            Expr::Loop(l) => {
                let mut finder = MethodFinder::new(&["accept", "recv", "next", "recv_from"]);
                finder.visit_block(&l.body);
                finder.found
            }
            _ => false,
        };
        self.failure.loops.push(per_item);
        visit(self);
        self.failure.loops.pop();
    }

    /// Inside a loop of the current function.
    pub(super) fn in_loop(&self) -> bool {
        let base = self.failure.open.last().map_or(0, |(_, l)| *l);
        self.failure.loops.len() > base
    }

    fn in_item_loop(&self, span: Span) -> bool {
        let base = self.failure.open.last().map_or(0, |(_, l)| *l);
        let in_loop = self
            .failure
            .loops
            .get(base..)
            .is_some_and(|l| l.iter().any(|p| *p));
        in_loop
            || self
                .failure
                .item_closures
                .iter()
                .any(|c| contains(*c, span))
    }

    /// A call with its callee resolved, before its arguments are visited: records queues,
    /// pools and blocking calls, and returns a started fan-out to finish afterwards.
    pub(super) fn failure_call(
        &mut self,
        c: &syn::ExprCall,
        callee: &str,
        methods: &[&syn::ExprMethodCall],
    ) -> Option<(usize, usize)> {
        if self
            .catalog
            .api(Lang::Rust, callee, Role::Limiter)
            .is_some()
        {
            self.mark_limited();
        }
        // A path's span joins its tokens: read only for a call that makes a fact.
        let span_of = |x: &Self| x.span(c.func.span());
        if self.catalog.is_bulkhead_call(Lang::Rust, callee) && !carries_unit(c) {
            let span = span_of(self);
            self.remember_line(span.line);
            let chain: Vec<ChainCall> = methods
                .iter()
                .map(|m| ChainCall {
                    method: m.method.to_string(),
                    args: self.args(&m.args),
                    span: self.span(m.method.span()),
                })
                .collect();
            for link in &chain {
                self.remember_line(link.span.line);
            }
            let fact = CallFact {
                callee: callee.to_string(),
                span,
                args: self.args(&c.args),
                forwards_kwargs: false,
                forwards_args: false,
                chain,
                receiver: None,
                under_deadline: self.ctx.under_deadline,
                in_test: self.in_test(),
                in_async: self.ctx.in_async && !self.in_main(),
            };
            self.facts.failure.calls.push(fact);
        }
        // `Command::new("git").output()`: a blocking method of the type the chain builds.
        if let Some((ty, _)) = split_qualified(Lang::Rust, callee) {
            for m in methods {
                let method_callee = format!("{ty}::{}", m.method);
                if self
                    .catalog
                    .api(Lang::Rust, &method_callee, Role::Blocking)
                    .is_some()
                {
                    let at = self.span(m.method.span());
                    self.remember_line(at.line);
                    let fact = CallFact {
                        callee: method_callee,
                        span: at,
                        args: self.args(&m.args),
                        forwards_kwargs: false,
                        forwards_args: false,
                        chain: Vec::new(),
                        receiver: None,
                        under_deadline: self.ctx.under_deadline,
                        in_test: self.in_test(),
                        in_async: self.ctx.in_async && !self.in_main(),
                    };
                    self.facts.failure.calls.push(fact);
                }
            }
        }
        let first = c.args.first();
        if let Some(spec) = self.catalog.api(Lang::Rust, callee, Role::Join) {
            let fails_fast = spec.fails_fast;
            let per_item = first.is_some_and(maps_items);
            let work: Vec<&Expr> = c.args.iter().collect();
            return Some(self.start_fan_out(
                FanOutKind::Join,
                callee,
                span_of(self),
                fails_fast,
                per_item,
                &work,
            ));
        }
        if self.catalog.api(Lang::Rust, callee, Role::Spawn).is_some() {
            let span = span_of(self);
            if self.failure.awaited_calls.contains(&(span.line, span.col)) {
                return None;
            }
            let per_item = self.in_item_loop(span);
            let work: Vec<&Expr> = c.args.iter().collect();
            return Some(self.start_fan_out(
                FanOutKind::Spawn,
                callee,
                span,
                false,
                per_item,
                &work,
            ));
        }
        None
    }

    /// `tokio::try_join!(a, b)`: a fan-out over the macro's expressions.
    pub(super) fn failure_macro(&mut self, mac: &syn::Macro) -> Option<(usize, usize)> {
        let callee = self.resolve(&path_string(&mac.path))?;
        let spec = self.catalog.api(Lang::Rust, &callee, Role::Join)?;
        let fails_fast = spec.fails_fast;
        let span = self.span(mac.path.span());
        let exprs = self.items.macros.parse(mac)?;
        let work: Vec<&Expr> = exprs.iter().collect();
        Some(self.start_fan_out(FanOutKind::Join, &callee, span, fails_fast, false, &work))
    }

    fn start_fan_out(
        &mut self,
        kind: FanOutKind,
        callee: &str,
        span: Span,
        fails_fast: bool,
        per_item: bool,
        work: &[&Expr],
    ) -> (usize, usize) {
        self.remember_line(span.line);
        self.facts.failure.fan_outs.push(FanOut {
            kind,
            callee: callee.to_string(),
            span,
            fails_fast,
            external: None,
            per_item,
            limited: false,
            in_test: self.in_test(),
        });
        let mut names = CallNames::default();
        for e in work {
            names.visit_expr(e);
        }
        // A task that loops (a listener, a worker) per configured item is a worker pool; a
        // zero-argument method on each item (`service.run()`) starts what the process owns.
        let lifecycle = work.first().is_some_and(|w| {
            matches!(peel_paren(w), Expr::MethodCall(m) if m.args.is_empty()
                && matches!(&*m.receiver, Expr::Path(_)))
        });
        if kind == FanOutKind::Spawn && (names.loops || lifecycle) {
            if let Some(f) = self.facts.failure.fan_outs.last_mut() {
                f.per_item = false;
            }
        }
        let function = self.failure.open.last().map(|(i, _)| *i);
        self.failure.fan_out_meta.push((function, names.names));
        (
            self.facts.failure.fan_outs.len() - 1,
            self.facts.calls.len(),
        )
    }

    /// After a fan-out's work was visited: the first external call in it.
    pub(super) fn failure_call_done(&mut self, (fan_out, first_fact): (usize, usize)) {
        let external = self.facts.calls[first_fact..]
            .iter()
            .find(|c| self.catalog.is_external_io(Lang::Rust, &c.callee))
            .map(|c| c.callee.clone());
        if let Some(f) = self.facts.failure.fan_outs.get_mut(fan_out) {
            f.external = external;
        }
    }

    /// The top of a method chain: `.unwrap()` on an awaited external call (RES403), limits
    /// (`.acquire()`, `.buffer_unordered(n)`), and closures run per item.
    pub(super) fn failure_chain(&mut self, top: &Expr) {
        let mut links: Vec<Link<'_>> = Vec::new();
        let mut cur = top;
        for _ in 0..MAX_CHAIN {
            match cur {
                Expr::MethodCall(m) => {
                    links.push(Link::Method(m));
                    cur = &m.receiver;
                }
                Expr::Await(a) => {
                    links.push(Link::Await);
                    cur = &a.base;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        links.reverse();
        for link in &links {
            let Link::Method(m) = link else { continue };
            let method = m.method.to_string();
            if self
                .catalog
                .api_method(Lang::Rust, &method, Role::Limiter)
                .is_some()
            {
                self.mark_limited();
            }
            if matches!(
                method.as_str(),
                "map" | "for_each" | "filter_map" | "flat_map"
            ) && iterates_items(&m.receiver)
            {
                for arg in &m.args {
                    if let Expr::Closure(closure) = arg {
                        let span = self.span(closure.body.span());
                        self.failure.item_closures.push(span);
                    }
                }
            }
        }
        if self.in_main() {
            return;
        }
        let Some((callee, first_link, mut awaited)) = self.chain_root(cur, &links) else {
            return;
        };
        for link in &links[first_link..] {
            match link {
                Link::Await => awaited = true,
                Link::Method(m) if m.method == "unwrap" || m.method == "expect" => {
                    if self.is_io(&callee, awaited) {
                        let span = self.span(m.method.span());
                        self.remember_line(span.line);
                        self.facts.failure.panics.push(PanicOnIo {
                            span,
                            method: m.method.to_string(),
                            callee,
                            in_test: self.in_test(),
                        });
                    }
                    return;
                }
                Link::Method(_) => {}
            }
        }
    }

    /// The external call a chain starts with, and the index of the first link after it:
    /// `reqwest::get(u)`, `client.get(u)` on a typed client, or a local holding a call's result.
    fn chain_root(&self, root: &Expr, links: &[Link<'_>]) -> Option<(String, usize, bool)> {
        match root {
            Expr::Call(c) => Some((self.call_callee(c)?, 0, false)),
            Expr::Path(_) | Expr::Field(_) => {
                if let (Some(ty), Some(Link::Method(m))) = (self.expr_type(root), links.first()) {
                    return Some((format!("{ty}::{}", m.method), 1, false));
                }
                let Expr::Path(p) = root else { return None };
                let made = self.made_by(&p.path.get_ident()?.to_string())?;
                let fact = self.facts.calls.get(made.fact)?;
                Some((fact.callee.clone(), 0, made.awaited))
            }
            _ => None,
        }
    }

    /// An I/O result worth keeping: an awaited external call, or a catalogued synchronous one.
    fn is_io(&self, callee: &str, awaited: bool) -> bool {
        (awaited && self.catalog.is_external_io(Lang::Rust, callee))
            || self
                .catalog
                .api(Lang::Rust, callee, Role::IoResult)
                .is_some()
    }

    /// `let _ = <I/O>;` and `<I/O>.ok();`: a dropped I/O result (RES402).
    pub(super) fn failure_stmt(&mut self, stmt: &Stmt) {
        let (dropped, form, span) = match stmt {
            Stmt::Local(l) if matches!(l.pat, Pat::Wild(_)) => {
                let Some(init) = &l.init else { return };
                (&*init.expr, "`let _ =`", self.span(l.span()))
            }
            Stmt::Expr(Expr::MethodCall(m), Some(_)) if m.method == "ok" && m.args.is_empty() => {
                (&*m.receiver, "`.ok()`", self.span(m.method.span()))
            }
            _ => return,
        };
        // Only the I/O call's own result: `x.await`, or a synchronous call itself. Anything
        // applied after it (`.map_err(log)`, `?`) may handle the error.
        let (inner, awaited) = match peel_paren(dropped) {
            Expr::Await(a) => (peel_paren(&a.base), true),
            other => (other, false),
        };
        let mut links = Vec::new();
        let mut cur = inner;
        for _ in 0..MAX_CHAIN {
            match cur {
                Expr::MethodCall(m) => {
                    links.push(Link::Method(m));
                    cur = &m.receiver;
                }
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        if !awaited && !links.is_empty() {
            return;
        }
        links.reverse();
        let Some((callee, _, held_awaited)) = self.chain_root(cur, &links) else {
            return;
        };
        if !self.is_io(&callee, awaited || held_awaited) {
            return;
        }
        let span = Span {
            end_line: span.line,
            end_col: span.col + 1,
            ..span
        };
        self.remember_line(span.line);
        self.facts.failure.swallowed.push(Swallowed {
            span,
            form: form.to_string(),
            what: callee,
            in_test: self.in_test(),
        });
    }

    /// Once the file is read: which fan-outs reach an external call through this file's
    /// functions, and which have a limit in their function or the functions they run.
    pub(super) fn failure_finish(&mut self) {
        let state = std::mem::take(&mut self.failure);
        // Only fan-outs need the file's call graph.
        if self.facts.failure.fan_outs.is_empty() {
            return;
        }
        let mut reaches: HashMap<&str, String> = HashMap::new();
        for f in &state.fns {
            let external = self
                .facts
                .calls
                .get(f.facts.0..f.facts.1)
                .unwrap_or_default()
                .iter()
                .find(|c| self.catalog.is_external_io(Lang::Rust, &c.callee));
            if let Some(call) = external {
                reaches
                    .entry(f.name.as_str())
                    .or_insert_with(|| call.callee.clone());
            }
        }
        for _ in 0..state.fns.len().min(32) {
            let mut changed = false;
            for call in &self.items.calls {
                let (Some(caller), Some(via)) = (&call.caller, reaches.get(call.name.as_str()))
                else {
                    continue;
                };
                if !reaches.contains_key(caller.as_str()) {
                    let via = format!("{} → {via}", call.name);
                    reaches.insert(caller.as_str(), via);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let limited: HashSet<&str> = state
            .fns
            .iter()
            .filter(|f| f.limited)
            .map(|f| f.name.as_str())
            .collect();
        for (fan_out, (function, names)) in self
            .facts
            .failure
            .fan_outs
            .iter_mut()
            .zip(&state.fan_out_meta)
        {
            if fan_out.external.is_none() {
                fan_out.external = names
                    .iter()
                    .find_map(|n| reaches.get(n.as_str()).map(|via| format!("{n} → {via}")));
            }
            let own = function.map(|i| &state.fns[i]);
            fan_out.limited = own.is_some_and(|f| f.limited)
                || names.iter().any(|n| limited.contains(n.as_str()));
        }
    }
}

enum Link<'a> {
    Method(&'a syn::ExprMethodCall),
    Await,
}

fn peel_paren(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel_paren(&p.expr),
        Expr::Group(g) => peel_paren(&g.expr),
        other => other,
    }
}

/// `channel::<()>()`: a channel of `()` carries signals (ready, stop), not work that piles up.
fn carries_unit(c: &syn::ExprCall) -> bool {
    let Expr::Path(p) = &*c.func else {
        return false;
    };
    p.path.segments.iter().any(|s| match &s.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().any(
            |g| matches!(g, syn::GenericArgument::Type(syn::Type::Tuple(t)) if t.elems.is_empty()),
        ),
        _ => false,
    })
}

fn contains(outer: Span, inner: Span) -> bool {
    (outer.line, outer.col) <= (inner.line, inner.col)
        && (inner.line, inner.col) <= (outer.end_line, outer.end_col)
}

/// An iterable that grows with input: not a range (`0..n` counts workers) nor an array literal.
fn iterates_items(e: &Expr) -> bool {
    match peel_paren(e) {
        Expr::Range(_) | Expr::Array(_) | Expr::Repeat(_) => false,
        Expr::Reference(r) => iterates_items(&r.expr),
        Expr::MethodCall(m) => iterates_items(&m.receiver),
        Expr::Call(c) => !matches!(&*c.func, Expr::Path(p) if p.path.segments.last()
            .is_some_and(|s| s.ident == "repeat" || s.ident == "once")),
        _ => true,
    }
}

/// `items.iter().map(..)`: one future per item of a collection.
fn maps_items(e: &Expr) -> bool {
    let mut cur = peel_paren(e);
    for _ in 0..MAX_CHAIN {
        let Expr::MethodCall(m) = cur else {
            return false;
        };
        if matches!(
            m.method.to_string().as_str(),
            "map" | "filter_map" | "flat_map"
        ) {
            return iterates_items(&m.receiver);
        }
        cur = peel_paren(&m.receiver);
    }
    false
}

/// Finds a method call by name in a block, not looking into nested closures or items.
struct MethodFinder<'n> {
    names: &'n [&'n str],
    found: bool,
}

impl<'n> MethodFinder<'n> {
    fn new(names: &'n [&'n str]) -> Self {
        MethodFinder {
            names,
            found: false,
        }
    }
}

impl<'ast> Visit<'ast> for MethodFinder<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if self.names.iter().any(|n| m.method == n) {
            self.found = true;
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The names of this file's functions a piece of work may call: `fetch(..)`, `Self::fetch(..)`,
/// `self.fetch(..)`.
#[derive(Default)]
struct CallNames {
    names: Vec<String>,
    /// The work contains a loop: a long-running task.
    loops: bool,
}

impl<'ast> Visit<'ast> for CallNames {
    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.loops = true;
        visit::visit_expr_loop(self, l);
    }
    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.loops = true;
        visit::visit_expr_while(self, w);
    }
    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.loops = true;
        visit::visit_expr_for_loop(self, f);
    }
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let segments = &p.path.segments;
            let local = segments.len() == 1 || (segments.len() == 2 && segments[0].ident == "Self");
            if let (true, Some(last)) = (local, segments.last()) {
                self.names.push(last.ident.to_string());
            }
        }
        visit::visit_expr_call(self, c);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self")) {
            self.names.push(m.method.to_string());
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(exprs) = macro_exprs(mac) {
            for e in &exprs {
                self.visit_expr(e);
            }
        }
    }
}
