//! Service facts from Rust: app and server constructions (axum, actix-web, warp, rocket, poem,
//! tonic), routes (`.route("/x", get(h))`, `#[get("/x")]`, `web::resource("/x")`,
//! `warp::path!("x")`), route sources from elsewhere, dependency pools and clients, and what the
//! functions and closures that may serve a health route do.

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Token};

use super::{path_string, Extractor};
use crate::facts::service::{
    AppFact, DependencyFact, HandlerFact, MountFact, RouteFact, ServerStart,
};
use crate::facts::Lang;
use crate::service::is_error_status_name;

/// How far a handler expression is unwrapped (`get(h).post(g)`, `web::get().to(h)`).
const MAX_HANDLER_DEPTH: usize = 8;

impl Extractor<'_, '_> {
    /// Called for every call, with its callee resolved through `use` (`None` for local items).
    pub(super) fn service_call(&mut self, call: &syn::ExprCall, resolved: Option<&str>) {
        let Expr::Path(p) = &*call.func else { return };
        let services = &self.catalog.services;
        let fallback;
        let callee = match resolved {
            Some(callee) => callee,
            None => {
                // `rocket::build()` in a crate whose launch fn is itself named `rocket`: a path
                // of two or more segments names the crate, whatever the file defines.
                fallback = path_string(&p.path);
                let known = services.constructor(Lang::Rust, &fallback).is_some()
                    || services.server(Lang::Rust, &fallback).is_some();
                if !(fallback.contains("::") && known) {
                    return;
                }
                fallback.as_str()
            }
        };
        let routing = services.routing(Lang::Rust);
        if routing.health_includes.iter().any(|h| h == callee) {
            self.facts.service.health_includes.push(callee.to_string());
        }
        let constructor = services.constructor(Lang::Rust, callee);
        let server = services.server(Lang::Rust, callee);
        let dependency = services.dependency(Lang::Rust, callee);
        let names_path = routing.path_calls.iter().any(|p| p == callee);
        // A path's span joins its tokens: read only for a call that makes a fact.
        if constructor.is_none() && server.is_none() && dependency.is_none() && !names_path {
            return;
        }
        let in_test = self.in_test();
        let span = self.span(call.func.span());
        if let Some((framework, kind)) = constructor {
            let fact = AppFact {
                framework: framework.to_string(),
                kind,
                binding: None,
                factory: None,
                constructor: format!("{}(", path_string(&p.path)),
                span,
                in_test,
            };
            self.remember_line(span.line);
            self.facts.service.apps.push(fact);
        }
        if let Some(framework) = server {
            let fact = ServerStart {
                framework: framework.to_string(),
                callee: callee.to_string(),
                span,
                in_test,
            };
            self.remember_line(span.line);
            self.facts.service.servers.push(fact);
        }
        if let Some(kind) = dependency {
            let fact = DependencyFact {
                kind: kind.to_string(),
                callee: callee.to_string(),
                span,
                in_test,
            };
            self.facts.service.dependencies.push(fact);
        }
        if names_path {
            if let Some(path) = call.args.first().and_then(string_lit) {
                self.push_route(Some(path), None, span);
            }
        }
    }

    /// A method chain: `Router::new().route("/x", get(h)).nest("/api", api::routes())`.
    pub(super) fn service_chain(&mut self, root: &Expr, methods: &[&syn::ExprMethodCall]) {
        let routing = self.catalog.services.routing(Lang::Rust);
        // `web::resource("/x").route(web::get().to(h))`: the root names the path.
        let root_path = match root {
            Expr::Call(c) => self
                .call_callee(c)
                .filter(|callee| routing.path_calls.iter().any(|p| p == callee))
                .and_then(|_| c.args.first().and_then(string_lit)),
            _ => None,
        };
        if let Some(path) = root_path {
            let handler = methods
                .iter()
                .find_map(|m| m.args.first().and_then(|a| self.handler_of(a, &path, 0)));
            if let Some(handler) = handler {
                if let Some(route) = self.facts.service.routes.last_mut() {
                    route.handler = Some(handler);
                }
            }
        }
        for m in methods {
            let method = m.method.to_string();
            let routing = self.catalog.services.routing(Lang::Rust);
            let registers = routing.register.contains(&method);
            let mounts = routing.mounts.contains(&method);
            if registers && m.args.len() == 2 {
                let path = m.args.first().and_then(string_lit);
                let handler = m
                    .args
                    .iter()
                    .nth(1)
                    .and_then(|h| self.handler_of(h, path.as_deref().unwrap_or(""), 0));
                // A computed path (`.route(&config.health_route, get(health))`) still names
                // its handler.
                if path.is_some() || handler.is_some() {
                    let span = self.span(m.method.span());
                    self.push_route(path, handler, span);
                    continue;
                }
            }
            if mounts {
                if let Some(child) = m.args.iter().last().and_then(|a| self.route_source(a)) {
                    let span = self.span(m.method.span());
                    self.facts.service.mounts.push(MountFact {
                        parent: None,
                        child,
                        span,
                    });
                }
            }
        }
    }

    /// `warp::path!("health" / "ready")`.
    pub(super) fn service_macro(&mut self, mac: &syn::Macro) {
        let path = path_string(&mac.path);
        let routing = self.catalog.services.routing(Lang::Rust);
        let resolved = self.resolve(&path).unwrap_or(path.clone());
        let is_path_macro = routing
            .path_macros
            .iter()
            .any(|m| *m == resolved || (*m == path && path == "path"));
        if !is_path_macro {
            return;
        }
        let words: Vec<String> = mac
            .tokens
            .clone()
            .into_iter()
            .filter_map(|t| match t {
                proc_macro2::TokenTree::Literal(l) => {
                    let s = l.to_string();
                    s.strip_prefix('"')
                        .and_then(|s| s.strip_suffix('"'))
                        .map(str::to_string)
                }
                _ => None,
            })
            .collect();
        if words.is_empty() {
            return;
        }
        let span = self.span(mac.path.span());
        self.push_route(Some(format!("/{}", words.join("/"))), None, span);
    }

    /// Called for every fn: attribute routes (`#[get("/healthz")]`) and, for functions that
    /// may serve a health route, what they do.
    pub(super) fn service_fn(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
    ) {
        let name = sig.ident.to_string();
        let routing = self.catalog.services.routing(Lang::Rust);
        let mut routed_to_health = false;
        for attr in attrs {
            let Some(last) = attr.path().segments.last() else {
                continue;
            };
            if !routing.decorators.iter().any(|d| last.ident == d) {
                continue;
            }
            let Ok(args) = attr.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let Some(path) = args.first().and_then(string_lit) else {
                continue;
            };
            routed_to_health |= self.catalog.services.path_role(&path).is_some();
            let span = self.span(attr.span());
            self.push_route(Some(path), Some(name.clone()), span);
        }
        if !routed_to_health && self.catalog.services.handler_role(&name).is_none() {
            return;
        }
        let mut summary = self.summary(name, sig.ident.span());
        let mut reader = HandlerReader {
            x: self,
            out: &mut summary,
            depth: 0,
        };
        reader.visit_block(block);
        self.push_handler(summary);
    }

    fn summary(&mut self, name: String, at: PmSpan) -> HandlerFact {
        HandlerFact {
            name,
            span: self.span(at),
            probes: Vec::new(),
            other_work: false,
            can_fail: false,
            in_test: self.in_test(),
        }
    }

    fn push_handler(&mut self, fact: HandlerFact) {
        self.remember_line(fact.span.line);
        self.facts.service.handlers.push(fact);
    }

    fn push_route(
        &mut self,
        path: Option<String>,
        handler: Option<String>,
        span: crate::facts::Span,
    ) {
        self.remember_line(span.line);
        let in_test = self.in_test();
        self.facts.service.routes.push(RouteFact {
            path,
            owner: None,
            handler,
            framework: None,
            span,
            in_test,
        });
    }

    /// The handler a route expression serves: `health`, `handlers::health`, `get(health)`,
    /// `web::get().to(health)`, or a closure (summarized here when the route is a health route).
    fn handler_of(&mut self, expr: &Expr, path: &str, depth: usize) -> Option<String> {
        if depth > MAX_HANDLER_DEPTH {
            return None;
        }
        let wrappers = &self.catalog.services.routing(Lang::Rust).handler_wrappers;
        match expr {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            Expr::Reference(r) => self.handler_of(&r.expr, path, depth + 1),
            Expr::Paren(p) => self.handler_of(&p.expr, path, depth + 1),
            Expr::Call(c) => {
                let Expr::Path(f) = &*c.func else { return None };
                let last = f.path.segments.last()?.ident.to_string();
                if !wrappers.contains(&last) {
                    return None;
                }
                self.handler_of(c.args.first()?, path, depth + 1)
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let from_args = if wrappers.contains(&method) {
                    m.args
                        .first()
                        .and_then(|a| self.handler_of(a, path, depth + 1))
                } else {
                    None
                };
                from_args.or_else(|| self.handler_of(&m.receiver, path, depth + 1))
            }
            Expr::Closure(c) => {
                // Only a health route's closure is worth reading.
                self.catalog.services.path_role(path)?;
                let line = self.span(c.span()).line;
                let name = format!("closure at line {line}");
                let mut summary = self.summary(name.clone(), c.or1_token.span);
                let mut reader = HandlerReader {
                    x: self,
                    out: &mut summary,
                    depth: 0,
                };
                reader.visit_expr(&c.body);
                self.push_handler(summary);
                Some(name)
            }
            _ => None,
        }
    }

    /// Where a mounted router or configuration function comes from, as a path: another
    /// crate's (`lemmy_api::routes::config`) or this crate's (`crate::...`).
    fn route_source(&self, arg: &Expr) -> Option<String> {
        let path = match arg {
            Expr::Path(p) => path_string(&p.path),
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => path_string(&p.path),
                _ => return None,
            },
            _ => return None,
        };
        // A function that adds routes, not a value (`ServeDir::new(..)`, `SwaggerUi::new(..)`).
        let last = path.rsplit("::").next().unwrap_or(&path);
        if last.chars().next().is_some_and(char::is_uppercase)
            || path
                .split("::")
                .any(|s| s.chars().next().is_some_and(char::is_uppercase))
        {
            return None;
        }
        match self.resolve(&path) {
            Some(full) if full.contains("::") => {
                let head = full.split("::").next().unwrap_or("");
                let services = &self.catalog.services;
                (!services.is_framework_crate(Lang::Rust, head)).then_some(full)
            }
            _ => Some(format!("crate::{path}")),
        }
    }
}

/// Reads a handler body for probes, other work and error paths.
struct HandlerReader<'x, 'a, 'f> {
    x: &'x Extractor<'a, 'f>,
    out: &'x mut HandlerFact,
    depth: usize,
}

impl HandlerReader<'_, '_, '_> {
    fn call_named(&mut self, name: &str, callee: Option<String>) {
        let services = &self.x.catalog.services;
        let catalogued = callee.as_deref().is_some_and(|c| {
            self.x.catalog.is_external(Lang::Rust, c)
                || services.dependency(Lang::Rust, c).is_some()
                || services.is_probe_callee(c)
        });
        if catalogued || services.is_probe_name(name) {
            self.out
                .probes
                .push(callee.unwrap_or_else(|| name.to_string()));
        } else if !services.is_response_call(name) && !is_plumbing(name) {
            self.out.other_work = true;
        }
        if matches!(name, "unwrap" | "expect" | "Err") {
            self.out.can_fail = true;
        }
    }
}

/// Conversions and checks that build a value, not work a health check does.
fn is_plumbing(name: &str) -> bool {
    matches!(
        name,
        "is_ok"
            | "is_err"
            | "ok"
            | "clone"
            | "map"
            | "map_err"
            | "unwrap_or"
            | "unwrap_or_default"
            | "unwrap_or_else"
            | "as_str"
            | "to_owned"
            | "is_some"
            | "is_none"
            | "iter"
            | "collect"
            | "all"
            | "any"
            | "len"
            | "Err"
            | "unwrap"
            | "expect"
    )
}

impl<'ast> Visit<'ast> for HandlerReader<'_, '_, '_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if self.depth > 64 {
            self.out.other_work = true;
            self.out.can_fail = true;
            return;
        }
        self.depth += 1;
        match e {
            // An error returned with `?`: the framework answers with its error status.
            Expr::Try(_) => self.out.can_fail = true,
            Expr::Call(c) => {
                if let Expr::Path(p) = &*c.func {
                    let name = p
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default();
                    let callee = self.x.resolve(&path_string(&p.path));
                    self.call_named(&name, callee);
                } else {
                    self.out.other_work = true;
                }
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                self.call_named(&name, None);
            }
            Expr::Path(p)
                if p.path
                    .segments
                    .iter()
                    .any(|s| is_error_status_name(&s.ident.to_string())) =>
            {
                self.out.can_fail = true;
            }
            Expr::Lit(l) => {
                if let Lit::Int(i) = &l.lit {
                    if i.base10_parse::<u32>()
                        .is_ok_and(|v| (400..600).contains(&v))
                    {
                        self.out.can_fail = true;
                    }
                }
            }
            _ => {}
        }
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "panic" | "bail" | "unreachable" | "todo" | "unimplemented" => self.out.can_fail = true,
            // `sqlx::query!("SELECT 1")`.
            "query" | "query_as" | "query_scalar" => {
                self.out.probes.push(format!("{}!", path_string(&mac.path)))
            }
            "json" | "format" | "vec" | "concat" | "stringify" | "env" => {}
            _ => {
                if let Ok(exprs) =
                    mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                {
                    for e in &exprs {
                        self.visit_expr(e);
                    }
                }
            }
        }
    }

    // Items nested in a handler run elsewhere.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

fn string_lit(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Reference(r) => string_lit(&r.expr),
        _ => None,
    }
}
