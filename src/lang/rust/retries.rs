//! Retry logic in Rust (RES201–RES204, RES206, RES207): backoff, backon, tokio-retry and
//! reqwest-retry policies and retry calls, and hand-written retry loops. Called from
//! `visit_expr` and `visit_local`.

use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{Expr, Pat, Stmt};

use super::{path_string, Extractor};
use crate::catalog::{split_qualified, PolicyStyle};
use crate::facts::{Lang, RetryDelay, RetryFact, Span, Value};
use crate::lang::observe;

const MAX_WALK: usize = 48;

#[derive(Default)]
pub(super) struct RetryState {
    /// Binding → the index of the retry fact for the strategy it holds (`let s = ExponentialBackoff::from_millis(10);`).
    strategies: HashMap<String, usize>,
    /// Bindings and fields holding a client with retry middleware.
    clients: HashSet<String>,
}

/// The library a strategy type belongs to, for its fixes.
fn library_of(path: &str) -> &'static str {
    match path.split("::").next().unwrap_or("") {
        "backon" => "backon",
        "tokio_retry" | "tokio_retry2" => "tokio-retry",
        "reqwest_retry" | "retry_policies" => "reqwest-retry",
        _ => "backoff",
    }
}

impl Extractor<'_, '_> {
    /// The hook: every expression `visit_expr` sees.
    pub(super) fn retry_expr(&mut self, e: &Expr) {
        match e {
            Expr::MethodCall(_) | Expr::Call(_) => self.retry_chain(e),
            Expr::Struct(st) => self.retry_struct(st),
            Expr::Loop(_) | Expr::ForLoop(_) | Expr::While(_) => self.retry_loop(e),
            _ => {}
        }
    }

    /// `let strategy = ExponentialBackoff::from_millis(10);`, `let client = ClientBuilder::new(..).with(RetryTransientMiddleware..)`.
    pub(super) fn retry_bind(&mut self, pat: &Pat, init: &Expr, first_fact: usize) {
        let name = match pat {
            Pat::Ident(i) => i.ident.to_string(),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(i) => i.ident.to_string(),
                _ => return,
            },
            _ => return,
        };
        self.retry_state.strategies.remove(&name);
        self.retry_state.clients.remove(&name);
        // Rendering every initialiser is costly: only where retry middleware can appear.
        if self.imports_crate("reqwest_retry")
            && mentions(&quote::quote!(#init), "RetryTransientMiddleware")
        {
            self.retry_state.clients.insert(name.clone());
        }
        // The initialiser's span joins all its tokens: only read when it made a retry.
        if first_fact == self.facts.retries.len() {
            return;
        }
        let init_line = self.span(init.span()).line;
        if let Some(i) = (first_fact..self.facts.retries.len())
            .find(|i| self.facts.retries[*i].policy_span.line == init_line)
        {
            self.retry_state.strategies.insert(name, i);
        }
    }

    fn retry_struct(&mut self, st: &syn::ExprStruct) {
        let middleware = self.imports_crate("reqwest_retry");
        for field in st.fields.iter().filter(|_| middleware) {
            if let syn::Member::Named(name) = &field.member {
                if mentions(&quote::quote!(#field), "RetryTransientMiddleware") {
                    self.retry_state.clients.insert(name.to_string());
                }
            }
        }
        let Some(ty) = self.resolve(&path_string(&st.path)) else {
            return;
        };
        let Some(strategy) = self.catalog.retries.strategy(Lang::Rust, &ty) else {
            return;
        };
        let mut delay = strategy.delay.unwrap_or(RetryDelay::Unknown);
        let mut bounded = strategy.bounds;
        let mut detail = String::new();
        for field in &st.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            match (name.to_string().as_str(), self.value(&field.expr, 0)) {
                ("randomization_factor", Value::Number { value: 0.0 }) => {
                    delay = RetryDelay::Exponential;
                    detail = "`randomization_factor: 0.0`".into();
                }
                ("max_elapsed_time", Value::None) => bounded = Some(false),
                _ => {}
            }
        }
        let span = self.span(st.path.span());
        let what = format!("`{} {{ .. }}`", short_path(&path_string(&st.path)));
        self.strategy_fact(
            library_of(&ty),
            what,
            span,
            delay,
            detail,
            bounded,
            "`max_elapsed_time: None`",
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn strategy_fact(
        &mut self,
        library: &str,
        what: String,
        span: Span,
        delay: RetryDelay,
        delay_detail: String,
        bounded: Option<bool>,
        bound_detail: &str,
    ) {
        self.remember_line(span.line);
        self.facts.retries.push(RetryFact {
            library: library.to_string(),
            what,
            span,
            policy_span: span,
            delay,
            delay_detail,
            delay_span: span,
            bounded,
            bound_detail: bound_detail.to_string(),
            client_errors: None,
            cancellation: None,
            observed: true,
            amplifies: None,
            in_test: self.in_test(),
        });
    }

    /// A method chain or call: a strategy being built, or a retry call.
    fn retry_chain(&mut self, top: &Expr) {
        let mut methods: Vec<&syn::ExprMethodCall> = Vec::new();
        let mut cur = top;
        loop {
            match cur {
                Expr::MethodCall(m) => {
                    methods.push(m);
                    cur = &m.receiver;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        methods.reverse();
        let names: Vec<String> = methods.iter().map(|m| m.method.to_string()).collect();
        // backon: `op.retry(builder)...`.
        if let Some(at) = names.iter().position(|n| n == "retry") {
            if self.imports_crate("backon") && methods[at].args.len() == 1 {
                let op: TokenStream = if at == 0 {
                    quote::quote!(#cur)
                } else {
                    let receiver = &methods[at].receiver;
                    quote::quote!(#receiver)
                };
                let after = &names[at + 1..];
                let span = self.span(methods[at].method.span());
                let notified = after.iter().any(|n| n == "notify");
                let classified = after.iter().any(|n| n == "when" || n == "adjust");
                self.retry_call_fact(
                    "backon",
                    "`.retry(..)`".into(),
                    span,
                    op,
                    notified,
                    classified,
                );
                return;
            }
        }
        match cur {
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return };
                let Some(callee) = self.callee_path(&p.path).resolved.clone() else {
                    return;
                };
                if let Some(spec) = self.catalog.retries.policy(Lang::Rust, &callee) {
                    let op = c.args.iter().nth(1);
                    let (Some(op), true) = (
                        op,
                        matches!(
                            spec.style,
                            PolicyStyle::BackoffCrate | PolicyStyle::TokioRetry
                        ),
                    ) else {
                        return;
                    };
                    let op = quote::quote!(#op);
                    let notified = callee.ends_with("_notify");
                    let classified = callee.contains("RetryIf");
                    let span = self.span(c.func.span());
                    let what = format!("`{}(..)`", short_path(&path_string(&p.path)));
                    let library = spec.library.clone();
                    self.retry_call_fact(&library, what, span, op, notified, classified);
                    return;
                }
                let Some((ty, _)) = split_qualified(Lang::Rust, &callee) else {
                    return;
                };
                let Some(strategy) = self.catalog.retries.strategy(Lang::Rust, ty) else {
                    return;
                };
                let (delay, bounded) = (
                    strategy.delay.unwrap_or(RetryDelay::Unknown),
                    strategy.bounds,
                );
                let span = self.span(c.func.span());
                let what = format!("`{}(..)`", short_path(&path_string(&p.path)));
                let (delay, detail, bounded, bound_detail) =
                    self.apply_strategy_methods(ty, &methods, delay, bounded);
                self.strategy_fact(
                    library_of(ty),
                    what,
                    span,
                    delay,
                    detail,
                    bounded,
                    &bound_detail,
                );
            }
            Expr::Path(p) => {
                let Some(name) = p.path.get_ident().map(|i| i.to_string()) else {
                    return;
                };
                let Some(&index) = self.retry_state.strategies.get(&name) else {
                    return;
                };
                let Some(fact) = self.facts.retries.get(index) else {
                    return;
                };
                let ty = match fact.library.as_str() {
                    "backon" => "backon",
                    "tokio-retry" => "tokio_retry",
                    other => other,
                };
                let (delay, detail, bounded, bound_detail) =
                    self.apply_strategy_methods(ty, &methods, fact.delay, fact.bounded);
                if let Some(fact) = self.facts.retries.get_mut(index) {
                    if delay != fact.delay {
                        fact.delay = delay;
                        fact.delay_detail = detail;
                    }
                    if bounded != fact.bounded {
                        fact.bounded = bounded;
                        fact.bound_detail = bound_detail;
                    }
                }
            }
            _ => {}
        }
    }

    /// `.with_jitter()`, `.map(jitter)`, `.take(5)`, `.without_max_times()`, `.jitter(Jitter::None)`.
    fn apply_strategy_methods(
        &self,
        ty: &str,
        methods: &[&syn::ExprMethodCall],
        mut delay: RetryDelay,
        mut bounded: Option<bool>,
    ) -> (RetryDelay, String, Option<bool>, String) {
        let library = library_of(ty);
        let mut detail = match (library, delay) {
            ("backon", RetryDelay::Exponential) => "no `.with_jitter()`".to_string(),
            ("backon", RetryDelay::Constant) => "`ConstantBuilder`".to_string(),
            ("tokio-retry", RetryDelay::Exponential) => "no `.map(jitter)`".to_string(),
            ("tokio-retry", RetryDelay::Constant) => "`FixedInterval`".to_string(),
            ("backoff", RetryDelay::Constant) => "`Constant`".to_string(),
            _ => String::new(),
        };
        let mut bound_detail = match library {
            "tokio-retry" => "the strategy has no `.take(n)`".to_string(),
            "backoff" => "`Constant` never stops".to_string(),
            _ => String::new(),
        };
        for m in methods {
            let name = m.method.to_string();
            let first = m.args.first();
            let arg_text = first
                .map(|a| quote::quote!(#a).to_string())
                .unwrap_or_default();
            match name.as_str() {
                "with_jitter" => delay = RetryDelay::Jittered,
                "map" if arg_text.contains("jitter") => delay = RetryDelay::Jittered,
                "take"
                | "with_max_times"
                | "build_with_max_retries"
                | "build_with_total_retry_duration" => bounded = Some(true),
                "without_max_times" => {
                    bounded = Some(false);
                    bound_detail = "`.without_max_times()`".into();
                }
                "with_total_delay" if arg_text.contains("Some") => bounded = Some(true),
                "with_max_elapsed_time" => match first.map(|a| self.value(a, 0)) {
                    Some(Value::None) => {
                        bounded = Some(false);
                        bound_detail = "`.with_max_elapsed_time(None)`".into();
                    }
                    _ => bounded = Some(true),
                },
                "with_randomization_factor" => {
                    if let Some(Value::Number { value }) = first.map(|a| self.value(a, 0)) {
                        if value == 0.0 {
                            delay = RetryDelay::Exponential;
                            detail = "`.with_randomization_factor(0.0)`".into();
                        }
                    }
                }
                "jitter" if arg_text.contains("None") => {
                    delay = RetryDelay::Exponential;
                    detail = "`.jitter(Jitter::None)`".into();
                }
                _ => {}
            }
        }
        (delay, detail, bounded, bound_detail)
    }

    fn imports_crate(&self, krate: &str) -> bool {
        self.imported_crates.contains(krate)
    }

    /// A retry call (`backoff::retry(policy, op)`, `Retry::spawn(s, op)`, `op.retry(b)`).
    fn retry_call_fact(
        &mut self,
        library: &str,
        what: String,
        span: Span,
        op: TokenStream,
        notified: bool,
        classified: bool,
    ) {
        let observed = notified || tokens_observe(op.clone(), 0);
        let text = op.to_string();
        let client_errors = (!classified
            && text.contains("error_for_status")
            && !text.to_ascii_lowercase().contains("permanent")
            && !text.contains(". status ("))
        .then(|| {
            "it retries every error of a closure that calls `error_for_status()`, so a 400, 401, 403 or 404 is retried although it can never succeed".to_string()
        });
        let amplifies = self.retrying_client_in(op);
        self.remember_line(span.line);
        self.facts.retries.push(RetryFact {
            library: library.to_string(),
            what,
            span,
            policy_span: span,
            delay: RetryDelay::Unknown,
            delay_detail: String::new(),
            delay_span: span,
            bounded: None,
            bound_detail: String::new(),
            client_errors,
            cancellation: None,
            observed,
            amplifies,
            in_test: self.in_test(),
        });
    }

    fn retrying_client_in(&self, tokens: TokenStream) -> Option<String> {
        let mut idents = Vec::new();
        collect_idents(tokens, 0, &mut idents);
        idents
            .iter()
            .any(|i| self.retry_state.clients.contains(i))
            .then(|| {
                self.catalog
                    .retries
                    .client(Lang::Rust, "reqwest_retry::RetryTransientMiddleware")
                    .map_or_else(
                        || "the client retries by itself".to_string(),
                        |c| c.what.clone(),
                    )
            })
    }

    // ------------------------------------------------------------------ hand-written loops

    fn retry_loop(&mut self, e: &Expr) {
        let (body, header, bounded, counter) = match e {
            Expr::Loop(l) => (&l.body, self.span(l.loop_token.span), Some(false), false),
            Expr::While(w) => {
                let cond = &w.cond;
                let counter = retry_word(&quote::quote!(#cond).to_string());
                (&w.body, self.span(w.while_token.span), None, counter)
            }
            Expr::ForLoop(f) => {
                let pat = &f.pat;
                let name = quote::quote!(#pat).to_string();
                let range = matches!(&*f.expr, Expr::Range(_))
                    || matches!(&*f.expr, Expr::Paren(p) if matches!(&*p.expr, Expr::Range(_)));
                if !range && !retry_word(&name) {
                    return;
                }
                (
                    &f.body,
                    self.span(f.for_token.span),
                    Some(true),
                    retry_word(&name),
                )
            }
            _ => return,
        };
        let what = match e {
            Expr::Loop(_) => "`loop` retry loop".to_string(),
            Expr::While(_) => "`while` retry loop".to_string(),
            _ => "`for` retry loop".to_string(),
        };
        let Some((at, shape)) = body
            .stmts
            .iter()
            .enumerate()
            .find_map(|(i, s)| retry_shape(s).map(|shape| (i, shape)))
        else {
            return;
        };
        // `let port = fastrand::u16(..)` before the attempt: each round tries something new.
        let before = &body.stmts[..at];
        let fresh_input = before.iter().any(|s| {
            let text = quote::quote!(#s).to_string();
            ["rand", "random", "uuid", "generate"]
                .iter()
                .any(|w| text.contains(w))
        });
        if fresh_input {
            return;
        }
        let scrutinee = shape.scrutinee;
        let scrutinee_text = quote::quote!(#scrutinee).to_string();
        if [
            "try_recv",
            "try_lock",
            "compare_exchange",
            "parse",
            "read_line",
            "recv",
            "accept",
        ]
        .iter()
        .any(|w| {
            scrutinee_text.contains(&format!(". {w} ("))
                || scrutinee_text.contains(&format!(":: {w} ("))
        }) {
            return;
        }
        let sleeps = self.sleeps_in(body);
        const NETWORK: [&str; 9] = [
            "connect", "send", "request", "get", "post", "execute", "query", "fetch", "call",
        ];
        let networked = NETWORK
            .iter()
            .any(|w| scrutinee_text.contains(&format!("{w} (")));
        let evidence =
            counter || scrutinee_text.contains(". await") || (!sleeps.is_empty() && networked);
        if !evidence {
            return;
        }
        let bounded = match bounded {
            Some(false) if shape.gives_up || gives_up(&body.stmts) => Some(true),
            other => other,
        };
        let header_span = Span {
            end_line: header.line,
            end_col: header.col,
            ..header
        };
        let (delay, delay_detail, delay_span) =
            self.rust_loop_delay(&sleeps, body, header_span, shape.error_awaits);
        let body_tokens = quote::quote!(#body);
        let observed = tokens_observe(body_tokens, 0);
        let client_errors = (scrutinee_text.contains("error_for_status")
            && shape.catch_all
            && !quote::quote!(#body).to_string().contains(". status ("))
        .then(|| {
            "it retries every error of a call that goes through `error_for_status()`, so a 400, 401, 403 or 404 is retried although it can never succeed".to_string()
        });
        let amplifies = self.retrying_client_in(quote::quote!(#scrutinee));
        self.remember_line(header_span.line);
        self.remember_line(delay_span.line);
        self.facts.retries.push(RetryFact {
            library: "loop".into(),
            what,
            span: header_span,
            policy_span: header_span,
            delay,
            delay_detail,
            delay_span,
            bounded,
            bound_detail: "it has no attempt counter and no deadline: it retries forever".into(),
            client_errors,
            cancellation: None,
            observed,
            amplifies,
            in_test: self.in_test(),
        });
    }

    /// Sleep calls in a loop body (not in nested closures or items).
    fn sleeps_in<'e>(&self, body: &'e syn::Block) -> Vec<&'e syn::ExprCall> {
        struct Sleeps<'x, 'e, 'a, 'f> {
            x: &'x Extractor<'a, 'f>,
            found: Vec<&'e syn::ExprCall>,
            depth: usize,
        }
        impl<'e> syn::visit::Visit<'e> for Sleeps<'_, 'e, '_, '_> {
            fn visit_expr_call(&mut self, c: &'e syn::ExprCall) {
                if let Expr::Path(p) = &*c.func {
                    let path = path_string(&p.path);
                    // A project's own `sleep` helper waits too.
                    let is_sleep = path.rsplit("::").next() == Some("sleep")
                        || self
                            .x
                            .resolve(&path)
                            .is_some_and(|q| self.x.catalog.retries.is_sleep(Lang::Rust, &q));
                    if is_sleep {
                        self.found.push(c);
                    }
                }
                syn::visit::visit_expr_call(self, c);
            }
            fn visit_expr(&mut self, e: &'e Expr) {
                if self.depth > MAX_WALK {
                    return;
                }
                self.depth += 1;
                syn::visit::visit_expr(self, e);
                self.depth -= 1;
            }
            fn visit_expr_closure(&mut self, _: &'e syn::ExprClosure) {}
            fn visit_item(&mut self, _: &'e syn::Item) {}
        }
        let mut v = Sleeps {
            x: self,
            found: Vec::new(),
            depth: 0,
        };
        syn::visit::Visit::visit_block(&mut v, body);
        v.found
    }

    fn rust_loop_delay(
        &self,
        sleeps: &[&syn::ExprCall],
        body: &syn::Block,
        header: Span,
        shape_waits: bool,
    ) -> (RetryDelay, String, Span) {
        let Some(sleep) = sleeps.first() else {
            // The failure path waits on something (a notification, a lock): a delay of some kind.
            if shape_waits {
                return (RetryDelay::Unknown, String::new(), header);
            }
            return (
                RetryDelay::None,
                "it does not sleep between attempts: it retries at once".into(),
                header,
            );
        };
        let span = self.span(sleep.span());
        let span = Span {
            end_line: span.line,
            end_col: span.col,
            ..span
        };
        let Some(arg) = sleep.args.first() else {
            return (RetryDelay::Unknown, String::new(), span);
        };
        let text = quote::quote!(#arg).to_string();
        let shown = format!(
            "`sleep({})`",
            text.replace(" :: ", "::")
                .replace(" (", "(")
                .replace("( ", "(")
                .replace(" )", ")")
        );
        let lower = text.to_ascii_lowercase();
        if ["rand", "jitter", "random"]
            .iter()
            .any(|w| lower.contains(w))
        {
            return (RetryDelay::Jittered, shown, span);
        }
        if ["pow", "<<"].iter().any(|w| text.contains(w)) {
            return (RetryDelay::Exponential, shown, span);
        }
        match self.value(arg, 0) {
            Value::Duration { .. } => {
                return (
                    RetryDelay::Constant,
                    format!("{shown}: a constant delay"),
                    span,
                )
            }
            Value::Other => {}
            _ => return (RetryDelay::Unknown, shown, span),
        }
        // A binding the loop changes: how it changes decides.
        let name = match arg {
            Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
            Expr::Reference(r) => match &*r.expr {
                Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
                _ => None,
            },
            _ => None,
        };
        let Some(name) = name else {
            return (RetryDelay::Unknown, shown, span);
        };
        let body_text = quote::quote!(#body).to_string();
        let assigned = [format!("{name} ="), format!("{name} *=")]
            .iter()
            .any(|p| body_text.contains(&format!(" {p} ")) || body_text.starts_with(p.as_str()));
        // Bound anew in the loop (`let Some(wait) = policy.next_backoff()`): computed each time.
        let declared = body_text.split("let ").skip(1).any(|rest| {
            let pattern = rest.split(" = ").next().unwrap_or("");
            pattern
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == name)
        });
        if declared {
            return (RetryDelay::Unknown, shown, span);
        }
        if !assigned {
            return (
                RetryDelay::Constant,
                format!("{shown}: the same delay every attempt"),
                span,
            );
        }
        let doubles = body_text.contains(&format!("{name} *= 2"))
            || body_text.contains("* 2")
            || body_text.contains("saturating_mul (2")
            || body_text.contains("checked_mul (2");
        if doubles {
            (RetryDelay::Exponential, shown, span)
        } else {
            (RetryDelay::Unknown, shown, span)
        }
    }
}

/// The retried call of a loop body statement and how its outcome is handled.
struct Shape<'e> {
    scrutinee: &'e Expr,
    /// An error arm exits under a condition (`Err(e) if attempt < 5 => .., Err(e) => return Err(e)`).
    gives_up: bool,
    /// The continuing error arm takes every error (`Err(_)`, `Err(e)` with no guard).
    catch_all: bool,
    /// The continuing error arm awaits something.
    error_awaits: bool,
}

/// `match op().await { Ok(v) => return Ok(v), Err(e) => { warn!(..); sleep(..).await } }` or
/// `if let Ok(v) = op().await { return Ok(v) }`.
fn retry_shape(stmt: &Stmt) -> Option<Shape<'_>> {
    let expr = match stmt {
        Stmt::Expr(e, _) => e,
        Stmt::Local(l) => &l.init.as_ref()?.expr,
        _ => return None,
    };
    match expr {
        Expr::Match(m) => {
            if !has_call(&m.expr) {
                return None;
            }
            let ok_exits = m
                .arms
                .iter()
                .any(|a| pat_is(&a.pat, "Ok") && exits(&a.body, 0));
            if !ok_exits {
                return None;
            }
            let err_arms: Vec<&syn::Arm> = m
                .arms
                .iter()
                .filter(|a| pat_is(&a.pat, "Err") || matches!(a.pat, Pat::Wild(_)))
                .collect();
            let continuing = err_arms.iter().find(|a| !always_exits(&a.body))?;
            // `Err(e) if e.kind() == Interrupted => continue`: EINTR is retried at once, rightly.
            let pattern = &continuing.pat;
            let guard = continuing
                .guard
                .as_ref()
                .map(|(_, g)| quote::quote!(#g).to_string());
            let local = format!("{} {}", quote::quote!(#pattern), guard.unwrap_or_default());
            if ["Interrupted", "WouldBlock", "EINTR", "EAGAIN"]
                .iter()
                .any(|w| local.contains(w))
            {
                return None;
            }
            let gives_up = continuing.guard.is_some()
                && err_arms.iter().any(|a| always_exits(&a.body))
                || contains_exit(&continuing.body, 0);
            let body = &continuing.body;
            Some(Shape {
                scrutinee: &m.expr,
                gives_up,
                catch_all: continuing.guard.is_none(),
                error_awaits: quote::quote!(#body).to_string().contains(". await"),
            })
        }
        Expr::If(i) => {
            let Expr::Let(l) = &*i.cond else { return None };
            if !pat_is(&l.pat, "Ok") || !has_call(&l.expr) || i.else_branch.is_some() {
                return None;
            }
            let exits_on_ok = i.then_branch.stmts.iter().any(|s| match s {
                Stmt::Expr(e, _) => exits(e, 0),
                _ => false,
            });
            exits_on_ok.then_some(Shape {
                scrutinee: &l.expr,
                gives_up: false,
                catch_all: true,
                error_awaits: false,
            })
        }
        _ => None,
    }
}

fn pat_is(pat: &Pat, variant: &str) -> bool {
    match pat {
        Pat::TupleStruct(t) => t.path.segments.last().is_some_and(|s| s.ident == variant),
        Pat::Ident(i) => i.ident == variant,
        Pat::Or(o) => o.cases.iter().any(|c| pat_is(c, variant)),
        _ => false,
    }
}

fn has_call(expr: &Expr) -> bool {
    match expr {
        Expr::Call(_) | Expr::MethodCall(_) => true,
        Expr::Await(a) => has_call(&a.base),
        Expr::Try(t) => has_call(&t.expr),
        Expr::Paren(p) => has_call(&p.expr),
        _ => false,
    }
}

/// The expression is, or ends in, `return`/`break`.
fn always_exits(expr: &Expr) -> bool {
    match expr {
        Expr::Return(_) | Expr::Break(_) => true,
        Expr::Block(b) => b.block.stmts.last().is_some_and(|s| match s {
            Stmt::Expr(e, _) => always_exits(e),
            Stmt::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "panic" | "bail" | "unreachable"
                )
            }),
            _ => false,
        }),
        Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "panic" | "bail" | "unreachable"
            )
        }),
        _ => false,
    }
}

/// A `return` or `break` somewhere in it (success leaves the loop).
fn exits(expr: &Expr, depth: usize) -> bool {
    contains_exit(expr, depth) || always_exits(expr)
}

/// A `return`, `break` or `?` in it, outside nested loops and closures.
fn contains_exit(expr: &Expr, depth: usize) -> bool {
    struct Exit {
        found: bool,
        depth: usize,
    }
    impl<'e> syn::visit::Visit<'e> for Exit {
        fn visit_expr(&mut self, e: &'e Expr) {
            if self.found || self.depth > MAX_WALK {
                return;
            }
            match e {
                Expr::Return(_) | Expr::Break(_) | Expr::Try(_) => self.found = true,
                Expr::Closure(_)
                | Expr::Loop(_)
                | Expr::While(_)
                | Expr::ForLoop(_)
                | Expr::Async(_) => {}
                Expr::Macro(m) => {
                    let name = m
                        .mac
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default();
                    if matches!(name.as_str(), "bail" | "panic") {
                        self.found = true;
                    }
                }
                _ => {
                    self.depth += 1;
                    syn::visit::visit_expr(self, e);
                    self.depth -= 1;
                }
            }
        }
        fn visit_stmt_macro(&mut self, m: &'e syn::StmtMacro) {
            let name = m
                .mac
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if matches!(name.as_str(), "bail" | "panic") {
                self.found = true;
            }
        }
        fn visit_item(&mut self, _: &'e syn::Item) {}
    }
    let mut v = Exit {
        found: false,
        depth,
    };
    syn::visit::Visit::visit_expr(&mut v, expr);
    v.found
}

/// An `if` in the loop body (outside the retried match) that leaves the loop: a counter or a deadline.
fn gives_up(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| {
        let e = match s {
            Stmt::Expr(e, _) => e,
            _ => return false,
        };
        match e {
            Expr::If(i) if !matches!(&*i.cond, Expr::Let(_)) => {
                i.then_branch.stmts.iter().any(|s| {
                    matches!(s, Stmt::Expr(e, _) if exits(e, 0)) || matches!(s, Stmt::Macro(_))
                })
            }
            Expr::Match(m) => m.arms.iter().any(|a| {
                (pat_is(&a.pat, "Err") || matches!(a.pat, Pat::Wild(_)))
                    && !always_exits(&a.body)
                    && contains_exit(&a.body, 0)
            }),
            _ => false,
        }
    })
}

/// A log macro or metrics call among the tokens.
fn tokens_observe(tokens: TokenStream, depth: usize) -> bool {
    if depth > MAX_WALK {
        return false;
    }
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Group(g) if tokens_observe(g.stream(), depth + 1) => return true,
            TokenTree::Ident(id) => {
                let next_bang =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                if next_bang && observe::rust_macro(&id.to_string()) {
                    return true;
                }
                let after_dot =
                    i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '.');
                if after_dot && observe::rust_method(&id.to_string()) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn collect_idents(tokens: TokenStream, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_WALK {
        return;
    }
    for t in tokens {
        match t {
            TokenTree::Group(g) => collect_idents(g.stream(), depth + 1, out),
            TokenTree::Ident(i) => out.push(i.to_string()),
            _ => {}
        }
    }
}

fn mentions(tokens: &TokenStream, ident: &str) -> bool {
    let mut idents = Vec::new();
    collect_idents(tokens.clone(), 0, &mut idents);
    idents.iter().any(|i| i == ident)
}

fn retry_word(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["attempt", "retr", "tries"].iter().any(|w| t.contains(w))
}

fn short_path(path: &str) -> String {
    let parts: Vec<&str> = path.split("::").collect();
    parts[parts.len().saturating_sub(2)..].join("::")
}
