//! Observability facts from Rust: log and span macros (with what they log and the `Err(..)` arm
//! they sit in), `#[instrument]`, `println!`-style output outside command-line tools,
//! `sentry::init` and what happens to its guard, and capability uses.

use std::borrow::Cow;
use std::collections::HashMap;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use super::{path_string, Extractor};
use crate::catalog::observability::{is_dsn, level_constant, log_level, names_latency};
use crate::facts::observability::{
    Capability, CapabilityUse, Handler, LogCall, LogLevel, LoggedValue, PrintCall, SentryGuard,
    SentryInit,
};
use crate::facts::{Lang, Span};

/// Crates whose use makes a file a command-line tool's entry point.
const CLI_CRATES: &[&str] = &[
    "clap",
    "structopt",
    "argh",
    "pico_args",
    "lexopt",
    "bpaf",
    "gumdrop",
    "docopt",
    "xflags",
];

const PRINT_MACROS: &[&str] = &["println", "eprintln", "print", "eprint"];

/// Methods whose result is the value they are called on, as far as its name goes.
const TRANSPARENT_METHODS: &[&str] = &[
    "as_str",
    "as_ref",
    "as_deref",
    "clone",
    "to_string",
    "to_owned",
    "unwrap",
    "expect",
    "borrow",
    "deref",
    "expose_secret",
    "as_bytes",
    "to_str",
    "unwrap_or_default",
    "into",
];

/// Calls on the scrutinee whose error carries nothing worth logging: a closed channel, an
/// elapsed timer, a poisoned lock.
const UNINFORMATIVE_ERRORS: &[&str] = &[
    "send",
    "try_send",
    "send_timeout",
    "blocking_send",
    "recv",
    "try_recv",
    "recv_timeout",
    "timeout",
    "lock",
    "try_lock",
    "read",
    "write",
    "try_read",
    "try_write",
    "set",
    "acquire",
    "try_acquire",
    "elapsed",
    "duration_since",
    "try_into",
    "try_from",
    "parse",
    "from_str",
    "strip_prefix",
    "from_utf8",
    "to_str",
    "into_string",
    "join",
    "from_utf8_lossy",
    "decode",
    "from_bytes_with_nul",
    "checked_add",
    "checked_sub",
    "strip_prefix",
    "from_utf8",
    "to_str",
    "into_string",
    "join",
    "decode",
];

const MAX_TOKEN_DEPTH: usize = 8;

#[derive(Default)]
pub(super) struct ObsState {
    /// `Err(..)` arms and `if let Err(..)` branches the walk is in; `None` for one that binds
    /// nothing to judge (a specific error variant).
    handlers: Vec<Option<Handler>>,
    /// Where each `sentry::init` call starts → what happens to its guard.
    sentry_guards: HashMap<(u32, u32), SentryGuard>,
}

impl Extractor<'_, '_> {
    pub(super) fn obs_prepare(&mut self, text: &str) {
        let items = &self.items;
        // A cargo script (`#!/usr/bin/env -S cargo +nightly -Zscript`, frontmatter) is run by hand.
        let script = text.starts_with("#!") && !text.starts_with("#![") || text.starts_with("---");
        let cli = script
            || items
                .aliases
                .values()
                .chain(items.globs.iter())
                .any(|full| CLI_CRATES.contains(&full.split("::").next().unwrap_or("")));
        self.facts.observability.cli = cli;
    }

    fn obs_capability(&mut self, capability: Capability, via: String, span: Span) {
        let in_test = self.in_test();
        self.facts.observability.capabilities.push(CapabilityUse {
            capability,
            via,
            span,
            in_test,
        });
    }

    /// `"x-request-id"`, `"traceparent"`.
    pub(super) fn obs_lit_str(&mut self, lit: &syn::LitStr) {
        let token = lit.token().to_string();
        if token.len() > 80 {
            return;
        }
        // Most literals are plain: their value is the text between the quotes.
        let plain = token
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .filter(|t| !t.contains(['\\', '\r']));
        let value: Cow<str> = match plain {
            Some(plain) => Cow::Borrowed(plain),
            None => Cow::Owned(lit.value()),
        };
        let caps: Vec<Capability> = self
            .catalog
            .obs_string(Lang::Rust, &value)
            .iter()
            .map(|s| s.capability)
            .collect();
        for c in caps {
            let span = self.span(lit.span());
            self.obs_capability(c, format!("{value:?}"), span);
        }
    }

    /// A call that is not the root of a method chain.
    pub(super) fn obs_call(&mut self, c: &syn::ExprCall) {
        let Some(callee) = self.call_callee(c) else {
            return;
        };
        self.obs_callee(&callee, &[], self.span(c.func.span()));
        if callee == "sentry::init" || callee == "sentry_core::init" {
            self.obs_sentry(c);
        }
    }

    /// The top of a method chain: its root call with the methods applied to it.
    pub(super) fn obs_chain(&mut self, top: &Expr) {
        let mut methods: Vec<String> = Vec::new();
        let mut method_spans = Vec::new();
        let mut cur = top;
        loop {
            match cur {
                Expr::MethodCall(m) => {
                    methods.push(m.method.to_string());
                    method_spans.push(self.span(m.method.span()));
                    cur = &m.receiver;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        methods.reverse();
        method_spans.reverse();
        if let Expr::Call(c) = cur {
            if let Some(callee) = self.call_callee(c) {
                self.obs_callee(&callee, &methods, self.span(c.func.span()));
                if callee == "sentry::init" || callee == "sentry_core::init" {
                    self.obs_sentry(c);
                }
            }
        }
        for (method, span) in methods.iter().zip(method_spans) {
            let caps: Vec<Capability> = self
                .catalog
                .obs_method(Lang::Rust, method)
                .iter()
                .map(|s| s.capability)
                .collect();
            for c in caps {
                self.obs_capability(c, format!(".{method}()"), span);
            }
        }
    }

    fn obs_callee(&mut self, callee: &str, methods: &[String], span: Span) {
        let caps: Vec<(Capability, String)> = self
            .catalog
            .obs_specs(Lang::Rust, callee)
            .iter()
            .filter_map(|s| match &s.requires {
                Some(m) if !methods.contains(m) => None,
                Some(m) => Some((s.capability, format!("{callee}().{m}()"))),
                None => Some((s.capability, callee.to_string())),
            })
            .collect();
        for (c, via) in caps {
            self.obs_capability(c, via, span);
        }
    }

    /// `lazy_static! { static ref H: HistogramVec = register_histogram_vec!(..).unwrap(); }`:
    /// the macros used inside an item macro's tokens, for the capabilities they show.
    pub(super) fn obs_item_macro(&mut self, m: &syn::ItemMacro) {
        if m.mac.path.is_ident("macro_rules") {
            return;
        }
        let mut found = Vec::new();
        inner_macros(m.mac.tokens.clone(), 0, &mut found);
        for (path, span) in found {
            let callee = self.resolve(&path).map(|p| format!("{p}!"));
            let Some(callee) = callee else { continue };
            let caps: Vec<Capability> = self
                .catalog
                .obs_specs(Lang::Rust, &callee)
                .iter()
                .filter(|s| !matches!(s.capability, Capability::Logging | Capability::Spans))
                .map(|s| s.capability)
                .collect();
            let span = self.span(span);
            for c in caps {
                self.obs_capability(c, callee.clone(), span);
            }
        }
    }

    /// A macro: a print, a log or span macro, a metrics macro.
    pub(super) fn obs_macro(&mut self, mac: &syn::Macro) {
        let path = path_string(&mac.path);
        let span = self.span(mac.path.span());
        let single = mac.path.segments.len() == 1;
        let last = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if PRINT_MACROS.contains(&last.as_str()) && (single || path.starts_with("std::")) {
            if !self.facts.observability.cli {
                self.remember_line(span.line);
                let in_test = self.in_test();
                self.facts.observability.prints.push(PrintCall {
                    callee: format!("{last}!"),
                    span,
                    in_test,
                });
            }
            return;
        }
        let resolved = self.resolve(&path).map(|p| format!("{p}!"));
        let mut callee = resolved.unwrap_or_else(|| format!("{path}!"));
        let mut specs: Vec<(Capability, String)> = self
            .catalog
            .obs_specs(Lang::Rust, &callee)
            .iter()
            .map(|s| (s.capability, callee.clone()))
            .collect();
        if specs.is_empty() && single {
            let bare = self.catalog.obs_bare_macro(&format!("{last}!"));
            let caps: Vec<Capability> = bare.iter().map(|s| s.capability).collect();
            // Used unimported (`#[macro_use]`): only when every crate agrees on what it is.
            if let Some(first) = caps.first().filter(|f| caps.iter().all(|c| c == *f)) {
                callee = format!("{last}!");
                specs.push((*first, callee.clone()));
            }
        }
        if specs.is_empty() {
            return;
        }
        let mut logs = false;
        for (capability, via) in specs {
            let capability = match capability {
                Capability::LatencyMetrics if !macro_names_latency(&mac.tokens) => {
                    Capability::Metrics
                }
                c => c,
            };
            logs |= matches!(capability, Capability::Logging | Capability::Spans);
            self.obs_capability(capability, via, span);
        }
        if logs {
            self.obs_log_macro(mac, callee, &last, span);
        }
    }

    fn obs_log_macro(&mut self, mac: &syn::Macro, callee: String, last: &str, span: Span) {
        let segments = split_top(mac.tokens.clone());
        let mut level = log_level(last);
        let mut values = Vec::new();
        for (i, seg) in segments.iter().enumerate() {
            // `event!(Level::ERROR, ..)`, `log!(Level::Warn, ..)`.
            if i == 0 && matches!(last, "event" | "log" | "span") {
                level = level_constant(&tokens_text(seg).to_ascii_uppercase());
                continue;
            }
            // slog: the logger comes first (`info!(log, "msg"; "k" => v)`).
            if i == 0 && callee.starts_with("slog::") {
                continue;
            }
            segment_names(seg, 0, &mut values);
        }
        let handler = self.obs.handlers.last().cloned().flatten();
        let mentions_error = handler
            .as_ref()
            .and_then(|h| h.binding.as_deref())
            .is_some_and(|b| mentions(&mac.tokens, b, 0));
        self.remember_line(span.line);
        let in_test = self.in_test();
        self.facts.observability.log_calls.push(LogCall {
            callee,
            level,
            span,
            values,
            exc_info: false,
            handler,
            mentions_error,
            in_test,
        });
    }

    /// `match r { Err(e) => .. }`: each arm is visited inside its handler.
    pub(super) fn obs_visit_match(&mut self, m: &syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            let handler = err_handler(&arm.pat, &m.expr, arm.body.to_token_stream());
            self.obs.handlers.push(handler);
            visit::visit_arm(self, arm);
            self.obs.handlers.pop();
        }
    }

    /// `if let Err(e) = r { .. }`: the branch is visited inside its handler.
    pub(super) fn obs_visit_if(&mut self, i: &syn::ExprIf) {
        let Expr::Let(l) = &*i.cond else {
            visit::visit_expr_if(self, i);
            return;
        };
        self.visit_expr(&i.cond);
        let handler = err_handler(&l.pat, &l.expr, i.then_branch.to_token_stream());
        self.obs.handlers.push(handler);
        self.visit_block(&i.then_branch);
        self.obs.handlers.pop();
        if let Some((_, e)) = &i.else_branch {
            self.visit_expr(e);
        }
    }

    /// A function: `#[instrument]` records its arguments; a helper that starts Sentry and
    /// returns drops the guard.
    pub(super) fn obs_fn(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
    ) {
        let is_test = self.ctx.in_test || super::is_test_attr(attrs);
        // Doc comments are attributes too, and never name `instrument`.
        for attr in attrs.iter().filter(|a| !a.path().is_ident("doc")) {
            let path = path_string(attr.path());
            let resolved = self.resolve(&path).unwrap_or(path.clone());
            if resolved != "tracing::instrument" && path != "instrument" {
                continue;
            }
            let span = self.span(attr.span());
            self.facts.observability.capabilities.push(CapabilityUse {
                capability: Capability::Spans,
                via: "tracing::instrument".into(),
                span,
                in_test: is_test || self.file_is_test,
            });
            let values = instrumented_values(attr, sig);
            self.remember_line(span.line);
            self.facts.observability.log_calls.push(LogCall {
                callee: "tracing::instrument".into(),
                level: Some(LogLevel::Info),
                span,
                values,
                exc_info: false,
                handler: None,
                mentions_error: false,
                in_test: is_test || self.file_is_test,
            });
        }
        let returns_unit = matches!(sig.output, syn::ReturnType::Default);
        if sig.ident != "main" && returns_unit {
            if let Some(Stmt::Local(l)) = block.stmts.last() {
                if matches!(l.pat, Pat::Ident(_)) {
                    if let Some(init) = &l.init {
                        if let Some(at) = self.sentry_call_at(&init.expr) {
                            self.obs
                                .sentry_guards
                                .insert(at, SentryGuard::DroppedInHelper);
                        }
                    }
                }
            }
        }
    }

    /// `let _ = sentry::init(..);` and `sentry::init(..);` drop the guard on the spot.
    pub(super) fn obs_block(&mut self, b: &syn::Block) {
        for stmt in &b.stmts {
            let dropped = match stmt {
                Stmt::Local(l) if matches!(l.pat, Pat::Wild(_)) => {
                    l.init.as_ref().map(|i| &*i.expr)
                }
                Stmt::Expr(e, Some(_)) => Some(e),
                _ => None,
            };
            if let Some(at) = dropped.and_then(|e| self.sentry_call_at(e)) {
                self.obs
                    .sentry_guards
                    .insert(at, SentryGuard::DroppedAtOnce);
            }
        }
    }

    fn sentry_call_at(&self, expr: &Expr) -> Option<(u32, u32)> {
        let Expr::Call(c) = expr else { return None };
        let callee = self.call_callee(c)?;
        if callee != "sentry::init" && callee != "sentry_core::init" {
            return None;
        }
        let s = self.span(c.func.span());
        Some((s.line, s.col))
    }

    fn obs_sentry(&mut self, c: &syn::ExprCall) {
        let span = self.span(c.func.span());
        let mut init = SentryInit {
            span: Span {
                end_line: self.span(c.span()).end_line,
                end_col: self.span(c.span()).end_col,
                ..span
            },
            dsn_literal: false,
            send_default_pii: false,
            full_trace_sampling: false,
            sets_environment: false,
            sets_release: false,
            forwards_options: false,
            guard: self
                .obs
                .sentry_guards
                .get(&(span.line, span.col))
                .copied()
                .unwrap_or(SentryGuard::Kept),
            in_test: self.in_test(),
        };
        let mut traced = false;
        let mut saw_options = false;
        let mut parts: Vec<&Expr> = Vec::new();
        for a in &c.args {
            match a {
                Expr::Tuple(t) => parts.extend(t.elems.iter()),
                other => parts.push(other),
            }
        }
        for part in parts {
            match strip_ref(part) {
                Expr::Struct(st) => {
                    saw_options = true;
                    for f in &st.fields {
                        let syn::Member::Named(name) = &f.member else {
                            continue;
                        };
                        match name.to_string().as_str() {
                            "dsn" => init.dsn_literal |= has_dsn_literal(&f.expr.to_token_stream()),
                            "send_default_pii" => {
                                init.send_default_pii |= is_true(&f.expr);
                            }
                            "traces_sample_rate" => {
                                let rate = float_of(&f.expr);
                                init.full_trace_sampling |= rate.is_some_and(|r| r >= 1.0);
                                traced |= rate.map_or(true, |r| r > 0.0);
                            }
                            "traces_sampler" => traced = true,
                            "environment" => init.sets_environment = true,
                            "release" => init.sets_release = true,
                            _ => {}
                        }
                    }
                    if let Some(rest) = &st.rest {
                        let text = rest.to_token_stream().to_string().replace(' ', "");
                        if !text.ends_with("Default::default()") && !text.ends_with("default()") {
                            init.forwards_options = true;
                        }
                    }
                }
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => init.dsn_literal |= is_dsn(&s.value()),
                Expr::MethodCall(_) | Expr::Call(_) => {
                    init.dsn_literal |= has_dsn_literal(&part.to_token_stream());
                }
                // A variable or a function's result: the options are made elsewhere.
                _ => init.forwards_options = true,
            }
        }
        if !saw_options {
            init.forwards_options = true;
        }
        if traced {
            self.obs_capability(Capability::Tracing, "sentry::init".into(), span);
        }
        self.remember_line(span.line);
        self.facts.observability.sentry_inits.push(init);
    }
}

fn strip_ref(e: &Expr) -> &Expr {
    match e {
        Expr::Reference(r) => strip_ref(&r.expr),
        Expr::Paren(p) => strip_ref(&p.expr),
        _ => e,
    }
}

fn is_true(e: &Expr) -> bool {
    matches!(strip_ref(e), Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. }) if b.value)
}

/// `1.0`, `Some(1.0)`, `1.0_f32`.
fn float_of(e: &Expr) -> Option<f64> {
    match strip_ref(e) {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f.base10_parse().ok(),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        Expr::Call(c) if c.args.len() == 1 => float_of(&c.args[0]),
        _ => None,
    }
}

fn has_dsn_literal(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Literal(l) => {
            syn::parse_str::<syn::LitStr>(&l.to_string()).is_ok_and(|s| is_dsn(&s.value()))
        }
        TokenTree::Group(g) => has_dsn_literal(&g.stream()),
        _ => false,
    })
}

/// The handler an arm or `if let` pattern opens: `Err(e)`, `Err(_)`; `None` for anything else.
fn err_handler(pat: &Pat, scrutinee: &Expr, body: TokenStream) -> Option<Handler> {
    let Pat::TupleStruct(ts) = pat else {
        return None;
    };
    let is_err = ts.path.segments.last().is_some_and(|s| s.ident == "Err");
    if !is_err || ts.elems.len() != 1 {
        return None;
    }
    // A closed channel, an elapsed timer or a poisoned lock has nothing more to say.
    if let Some(method) = last_method(scrutinee) {
        if UNINFORMATIVE_ERRORS.contains(&method.as_str()) {
            return None;
        }
    }
    let binding = match &ts.elems[0] {
        Pat::Ident(i) => Some(i.ident.to_string()),
        Pat::Wild(_) => None,
        _ => return None,
    };
    let binding_used = binding
        .as_deref()
        .is_some_and(|b| !b.starts_with('_') && mentions(&body, b, 0));
    Some(Handler {
        binding,
        catches_all: true,
        binding_used,
        reraises: false,
        logs_traceback: false,
    })
}

/// The last method or function called in the scrutinee: `send` in `tx.send(m).await`.
fn last_method(e: &Expr) -> Option<String> {
    match e {
        Expr::MethodCall(m) => Some(m.method.to_string()),
        Expr::Await(a) => last_method(&a.base),
        Expr::Try(t) => last_method(&t.expr),
        Expr::Paren(p) => last_method(&p.expr),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// `a::b!(..)` inside tokens: each macro's path as written and where it starts.
fn inner_macros(tokens: TokenStream, depth: usize, out: &mut Vec<(String, proc_macro2::Span)>) {
    if depth > MAX_TOKEN_DEPTH {
        return;
    }
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        if let TokenTree::Group(g) = &tokens[i] {
            inner_macros(g.stream(), depth + 1, out);
        }
        if let TokenTree::Ident(first) = &tokens[i] {
            let mut j = i + 1;
            // `::` is two joint colons.
            while let (
                Some(TokenTree::Punct(a)),
                Some(TokenTree::Punct(b)),
                Some(TokenTree::Ident(_)),
            ) = (tokens.get(j), tokens.get(j + 1), tokens.get(j + 2))
            {
                if a.as_char() != ':' || b.as_char() != ':' {
                    break;
                }
                j += 3;
            }
            let bang = matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!');
            let group = matches!(tokens.get(j + 1), Some(TokenTree::Group(_)));
            // Most identifiers are not macros: the path is written only for one that is.
            if bang && group {
                let mut path = first.to_string();
                for segment in tokens[i + 1..j].iter().skip(2).step_by(3) {
                    path.push_str("::");
                    path.push_str(&segment.to_string());
                }
                out.push((path, first.span()));
            }
            i = j;
            continue;
        }
        i += 1;
    }
}

/// Whether an identifier occurs in the tokens (macros included).
fn mentions(tokens: &TokenStream, name: &str, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentions(&g.stream(), name, depth + 1),
        // `{e}` captured in a format string.
        TokenTree::Literal(l) => format_captures(&l.to_string()).iter().any(|c| c == name),
        _ => false,
    })
}

/// A macro's tokens split at top-level `,` and `;`.
fn split_top(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for t in tokens {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => out.push(Vec::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(t)
                }
            }
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn tokens_text(seg: &[TokenTree]) -> String {
    seg.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join("")
}

/// `{name}` and `{name:?}` captures in a format string literal.
fn format_captures(literal: &str) -> Vec<String> {
    let Ok(s) = syn::parse_str::<syn::LitStr>(literal) else {
        return Vec::new();
    };
    let text = s.value();
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let end = after.find(['}', ':']).unwrap_or(after.len());
        let name = after[..end].trim();
        let is_ident = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if is_ident {
            out.push(name.to_string());
        }
        rest = &after[end.min(after.len())..];
    }
    out
}

/// The names one argument of a log macro records: a format string's captures, a field
/// (`token = %tok`, `"key" => v`, `%tok`), or an expression.
fn segment_names(seg: &[TokenTree], depth: usize, out: &mut Vec<LoggedValue>) {
    if depth > MAX_TOKEN_DEPTH {
        return;
    }
    // `target: "x"`, `parent: &span`, `name: "x"`: options, not values.
    if let [TokenTree::Ident(_), TokenTree::Punct(p), ..] = seg {
        if p.as_char() == ':' && p.spacing() == Spacing::Alone {
            return;
        }
    }
    if let [TokenTree::Literal(l)] = seg {
        for name in format_captures(&l.to_string()) {
            out.push(LoggedValue {
                path: name.clone(),
                name,
            });
        }
        return;
    }
    // A field: `a.b = v` (tracing) or `"k" => v` (slog).
    let eq = seg.iter().enumerate().position(|(i, t)| {
        matches!(t, TokenTree::Punct(p) if p.as_char() == '=')
            && !matches!(seg.get(i.wrapping_sub(1)), Some(TokenTree::Punct(q)) if q.spacing() == Spacing::Joint)
            && !matches!(seg.get(i + 1), Some(TokenTree::Punct(q)) if q.as_char() == '=')
    });
    if let Some(i) = eq {
        let key = &seg[..i];
        let value_start = match seg.get(i + 1) {
            Some(TokenTree::Punct(p)) if p.as_char() == '>' => i + 2,
            _ => i + 1,
        };
        let key_text = tokens_text(key);
        let name = match syn::parse_str::<syn::LitStr>(&key_text) {
            Ok(s) => s.value(),
            Err(_) => key_text.rsplit('.').next().unwrap_or(&key_text).to_string(),
        };
        out.push(LoggedValue {
            name,
            path: key_text,
        });
        value_names(&seg[value_start.min(seg.len())..], depth, out);
        return;
    }
    value_names(seg, depth, out);
}

/// `%tok`, `?req.headers()`, `self.api_key`: the names of a value expression.
fn value_names(seg: &[TokenTree], depth: usize, out: &mut Vec<LoggedValue>) {
    let seg = match seg.first() {
        Some(TokenTree::Punct(p)) if matches!(p.as_char(), '%' | '?') => &seg[1..],
        _ => seg,
    };
    let stream: TokenStream = seg.iter().cloned().collect();
    if let Ok(expr) = syn::parse2::<Expr>(stream) {
        expr_names(&expr, depth + 1, out);
    }
}

fn expr_names(e: &Expr, depth: usize, out: &mut Vec<LoggedValue>) {
    if depth > MAX_TOKEN_DEPTH * 2 {
        return;
    }
    let path_of = |e: &Expr| {
        let t: String = e.to_token_stream().to_string().split_whitespace().collect();
        match t.char_indices().nth(60) {
            Some((i, _)) => format!("{}…", &t[..i]),
            None => t,
        }
    };
    match e {
        Expr::Path(p) => {
            if let Some(last) = p.path.segments.last() {
                out.push(LoggedValue {
                    name: last.ident.to_string(),
                    path: path_of(e),
                });
            }
        }
        Expr::Field(f) => {
            if let syn::Member::Named(n) = &f.member {
                out.push(LoggedValue {
                    name: n.to_string(),
                    path: path_of(e),
                });
            }
        }
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            if TRANSPARENT_METHODS.contains(&method.as_str()) {
                expr_names(&m.receiver, depth + 1, out);
            } else if method == "get" {
                // `headers.get("authorization")`
                if let Some(Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                })) = m.args.first()
                {
                    out.push(LoggedValue {
                        name: s.value(),
                        path: path_of(e),
                    });
                }
            } else {
                out.push(LoggedValue {
                    name: method,
                    path: path_of(e),
                });
            }
        }
        Expr::Index(i) => match &*i.index {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => out.push(LoggedValue {
                name: s.value(),
                path: path_of(e),
            }),
            Expr::Range(_) => {}
            _ => expr_names(&i.expr, depth + 1, out),
        },
        Expr::Reference(r) => expr_names(&r.expr, depth + 1, out),
        Expr::Paren(p) => expr_names(&p.expr, depth + 1, out),
        Expr::Try(t) => expr_names(&t.expr, depth + 1, out),
        Expr::Await(a) => expr_names(&a.base, depth + 1, out),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            expr_names(&u.expr, depth + 1, out)
        }
        Expr::Tuple(t) => t.elems.iter().for_each(|x| expr_names(x, depth + 1, out)),
        Expr::Macro(m) => {
            let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
            if matches!(name.as_deref(), Some("format" | "format_args")) {
                for seg in split_top(m.mac.tokens.clone()) {
                    segment_names(&seg, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// What `#[instrument]` records: every argument not skipped, plus its `fields(..)`.
fn instrumented_values(attr: &syn::Attribute, sig: &syn::Signature) -> Vec<LoggedValue> {
    let mut skipped: Vec<String> = Vec::new();
    let mut skip_all = false;
    let mut out = Vec::new();
    if let syn::Meta::List(list) = &attr.meta {
        let tokens: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
        for (i, t) in tokens.iter().enumerate() {
            let TokenTree::Ident(id) = t else { continue };
            let group = match tokens.get(i + 1) {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => Some(g),
                _ => None,
            };
            match (id.to_string().as_str(), group) {
                ("skip_all", _) => skip_all = true,
                ("skip", Some(g)) => {
                    skipped.extend(g.stream().into_iter().filter_map(|t| match t {
                        TokenTree::Ident(i) => Some(i.to_string()),
                        _ => None,
                    }))
                }
                ("fields", Some(g)) => {
                    for seg in split_top(g.stream()) {
                        segment_names(&seg, 0, &mut out);
                    }
                }
                _ => {}
            }
        }
    }
    if skip_all {
        return out;
    }
    for input in &sig.inputs {
        let syn::FnArg::Typed(t) = input else {
            continue;
        };
        let Pat::Ident(i) = &*t.pat else { continue };
        let name = i.ident.to_string();
        if !skipped.contains(&name) {
            out.push(LoggedValue {
                path: name.clone(),
                name,
            });
        }
    }
    out
}

/// A metrics macro whose literal name says it measures something other than time.
fn macro_names_latency(tokens: &TokenStream) -> bool {
    let first = tokens.clone().into_iter().find_map(|t| match t {
        TokenTree::Literal(l) => syn::parse_str::<syn::LitStr>(&l.to_string()).ok(),
        _ => None,
    });
    first.map_or(true, |s| names_latency(&s.value()))
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::facts::observability::Capability;

    fn capabilities(src: &str) -> Vec<(Capability, String)> {
        let facts = super::super::extract(src, &Catalog::builtin(), false);
        facts
            .observability
            .capabilities
            .into_iter()
            .map(|c| (c.capability, c.via))
            .collect()
    }

    #[test]
    fn capabilities_are_found_in_calls_chains_macros_and_strings() {
        let caps = capabilities(
            r#"
use tracing::{info, instrument};
use tower_http::request_id::SetRequestIdLayer;
use metrics::{counter, histogram};

#[instrument(skip(state))]
async fn handle(state: State) {
    counter!("requests_total").increment(1);
    histogram!("request_duration_seconds").record(0.1);
    histogram!("body_size_bytes").record(10.0);
    info!("handled");
}

fn main() {
    tracing_subscriber::fmt().json().init();
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let layer = SetRequestIdLayer::x_request_id(MakeRequestUuid);
    let name = http::HeaderName::from_static("x-request-id");
    let _guard = sentry::init(sentry::ClientOptions { traces_sample_rate: 0.2, ..Default::default() });
}
"#,
        );
        let has = |c: Capability, via: &str| caps.iter().any(|(k, v)| *k == c && v == via);
        assert!(has(Capability::Spans, "tracing::instrument"));
        assert!(has(Capability::Metrics, "metrics::counter!"));
        assert!(has(Capability::LatencyMetrics, "metrics::histogram!"));
        assert!(has(Capability::Metrics, "metrics::histogram!"));
        assert!(has(Capability::Logging, "tracing::info!"));
        assert!(has(
            Capability::StructuredLogging,
            "tracing_subscriber::fmt().json()"
        ));
        assert!(has(Capability::LoggingSetup, "tracing_subscriber::fmt"));
        assert!(has(
            Capability::Tracing,
            "opentelemetry_sdk::trace::SdkTracerProvider::builder"
        ));
        assert!(has(
            Capability::CorrelationId,
            "tower_http::request_id::SetRequestIdLayer::x_request_id"
        ));
        assert!(has(Capability::CorrelationId, "\"x-request-id\""));
        assert!(has(Capability::ErrorReporting, "sentry::init"));
        assert!(has(Capability::Tracing, "sentry::init"));
    }

    #[test]
    fn metrics_registered_inside_item_macros_count() {
        let caps = capabilities(
            r#"
use prometheus::{register_histogram_vec, register_int_counter};
lazy_static::lazy_static! {
    static ref LATENCY: HistogramVec = register_histogram_vec!("http_request_duration_seconds", "x", &["route"]).unwrap();
    static ref HITS: IntCounter = register_int_counter!("hits_total", "hits").unwrap();
}
"#,
        );
        assert!(caps
            .iter()
            .any(|(k, v)| *k == Capability::LatencyMetrics
                && v == "prometheus::register_histogram_vec!"));
        assert!(caps
            .iter()
            .any(|(k, v)| *k == Capability::Metrics && v == "prometheus::register_int_counter!"));
    }

    #[test]
    fn plain_subscriber_is_setup_but_not_structured() {
        let caps = capabilities("fn main() { tracing_subscriber::fmt().with_target(false).init(); env_logger::init(); }");
        assert!(caps
            .iter()
            .all(|(k, _)| *k != Capability::StructuredLogging));
        assert_eq!(
            caps.iter()
                .filter(|(k, _)| *k == Capability::LoggingSetup)
                .count(),
            2
        );
    }
}
