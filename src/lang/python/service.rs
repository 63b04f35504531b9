//! Service facts from Python: app constructions, routes (decorators, `add_api_route`,
//! `add_url_rule`, Django `path(..)`), mounts, server starts, dependency clients, and what the
//! functions that may serve a health route do.

use super::syntax::Node;

use super::{literal, Ctx, Extractor, Kind, Tag, F};
use crate::facts::service::{
    AppFact, DependencyFact, HandlerFact, MountFact, RouteFact, ServerStart,
};
use crate::facts::{Lang, Span, Value};
use crate::service::is_error_status_name;

/// How deep a handler's body is read.
const MAX_HANDLER_DEPTH: usize = 64;

impl Extractor<'_, '_> {
    /// Called for every call with its callee resolved through imports (`None` for locals).
    pub(super) fn service_call(&mut self, call: Node<'_>, callee: Option<&str>, ctx: &Ctx) {
        let in_test = ctx.in_test || self.file_is_test;
        let Some(function) = call.child_by_field_id(F.function) else {
            return;
        };
        let services = &self.catalog.services;
        if let Some(callee) = callee {
            let span = self.span(function);
            if let Some((framework, kind)) = services.constructor(Lang::Python, callee) {
                let fact = AppFact {
                    framework: framework.to_string(),
                    kind,
                    binding: self.binding_of(call),
                    factory: self.enclosing_function(call),
                    constructor: format!("{}(", self.text(function)),
                    span,
                    in_test,
                };
                self.remember_line(span.line);
                self.facts.service.apps.push(fact);
            }
            if let Some(framework) = services.server(Lang::Python, callee) {
                let fact = ServerStart {
                    framework: framework.to_string(),
                    callee: callee.to_string(),
                    span,
                    in_test,
                };
                self.remember_line(span.line);
                self.facts.service.servers.push(fact);
            }
            if let Some(kind) = services.dependency(Lang::Python, callee) {
                let fact = DependencyFact {
                    kind: kind.to_string(),
                    callee: callee.to_string(),
                    span,
                    in_test,
                };
                self.facts.service.dependencies.push(fact);
            }
            let routing = services.routing(Lang::Python);
            if routing.path_calls.iter().any(|c| c == callee) {
                if let Some(path) = self.string_arg(call, 0) {
                    let handler = self.positional(call, 1).and_then(|h| self.handler_name(h));
                    let framework = callee.split('.').next().map(str::to_string);
                    self.push_route(Some(path), None, handler, framework, function, in_test);
                }
            }
            let is_include =
                callee == "django.urls.include" || callee == "django.conf.urls.include";
            if is_include {
                if let Some(module) = self.string_arg(call, 0) {
                    if routing.health_includes.contains(&module) {
                        self.facts.service.health_includes.push(module);
                    }
                }
            }
        }
        if function.kind_name() == "attribute" {
            self.service_method(call, function, in_test);
        }
    }

    /// `@app.get("/x")`, `app.add_api_route("/x", h)`, `app.include_router(r)`.
    fn service_method(&mut self, call: Node<'_>, function: Node<'_>, in_test: bool) {
        let (Some(object), Some(method)) = (
            function.child_by_field_id(F.object),
            function.child_by_field_id(F.attribute),
        ) else {
            return;
        };
        let method = self.text(method);
        let routing = self.catalog.services.routing(Lang::Python);
        let is = |names: &[String]| names.iter().any(|n| n == method);
        if !(is(&routing.decorators) || is(&routing.register) || is(&routing.mounts)) {
            return;
        }
        // aiohttp registers on `app.router`.
        let owner = self.text(object);
        let owner = owner.strip_suffix(".router").unwrap_or(owner).to_string();
        let known_owner = self
            .facts
            .service
            .apps
            .iter()
            .any(|a| a.binding.as_deref() == Some(owner.as_str()));
        let path = self.string_arg(call, 0);
        let looks_routed = known_owner || path.as_deref().is_some_and(|p| p.starts_with('/'));
        let decorated = call.parent().filter(|p| p.kind_name() == "decorator");
        if let Some(decorator) = decorated {
            if routing.decorators.iter().any(|d| d == method) && looks_routed {
                let handler = decorator
                    .parent()
                    .and_then(|d| d.child_by_field_id(F.definition))
                    .and_then(|def| def.child_by_field_id(F.name))
                    .map(|n| self.text(n).to_string());
                let framework = self.framework_of(&owner);
                self.push_route(path, Some(owner), handler, framework, function, in_test);
            }
            return;
        }
        if routing.register.iter().any(|r| r == method) && looks_routed {
            let handler = self
                .keyword(call, &["view_func", "endpoint", "handler"])
                .or_else(|| self.positional(call, 1))
                .and_then(|h| self.handler_name(h));
            let framework = self.framework_of(&owner);
            self.push_route(path, Some(owner), handler, framework, function, in_test);
            return;
        }
        if routing.mounts.iter().any(|m| m == method) {
            // `app.mount("/ui", ui_app)`, `app.mount("/", app=ui_app)`.
            let child = self
                .positional_nodes(call)
                .into_iter()
                .chain(self.keyword(call, &["app", "router", "blueprint", "subapp"]))
                .find(|a| matches!(a.kind_name(), "identifier" | "attribute" | "call"));
            if let Some(child) = child {
                let child = match child.kind_name() {
                    "call" => child.child_by_field_id(F.function).unwrap_or(child),
                    _ => child,
                };
                let fact = MountFact {
                    parent: Some(owner),
                    child: self.text(child).to_string(),
                    span: self.span(function),
                };
                self.facts.service.mounts.push(fact);
            }
        }
    }

    fn push_route(
        &mut self,
        path: Option<String>,
        owner: Option<String>,
        handler: Option<String>,
        framework: Option<String>,
        at: Node<'_>,
        in_test: bool,
    ) {
        let span = self.span(at);
        self.remember_line(span.line);
        self.facts.service.routes.push(RouteFact {
            path,
            owner,
            handler,
            framework,
            span,
            in_test,
        });
    }

    /// The name of the function a node is in.
    fn enclosing_function(&self, node: Node<'_>) -> Option<String> {
        let mut at = node.parent();
        while let Some(p) = at {
            if p.kind_name() == "function_definition" {
                return p
                    .child_by_field_id(F.name)
                    .map(|n| self.text(n).to_string());
            }
            at = p.parent();
        }
        None
    }

    /// The framework of the app or router bound to `owner` in this file.
    fn framework_of(&self, owner: &str) -> Option<String> {
        self.facts
            .service
            .apps
            .iter()
            .find(|a| a.binding.as_deref() == Some(owner))
            .map(|a| a.framework.clone())
    }

    /// The name a call's result is assigned to: `app` in `app = FastAPI()`, `self.app`.
    fn binding_of(&self, call: Node<'_>) -> Option<String> {
        let mut node = call;
        while let Some(p) = node.parent() {
            match p.kind_name() {
                "assignment" => {
                    let left = p.child_by_field_id(F.left)?;
                    return matches!(left.kind_name(), "identifier" | "attribute")
                        .then(|| self.text(left).to_string());
                }
                "parenthesized_expression" | "await" => node = p,
                _ => return None,
            }
        }
        None
    }

    fn positional_nodes<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let Some(args) = call.child_by_field_id(F.arguments) else {
            return Vec::new();
        };
        args.named_children()
            .filter(|a| {
                !matches!(
                    a.kind_name(),
                    "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
                )
            })
            .collect()
    }

    fn positional<'t>(&self, call: Node<'t>, index: usize) -> Option<Node<'t>> {
        self.positional_nodes(call).into_iter().nth(index)
    }

    fn keyword<'t>(&self, call: Node<'t>, names: &[&str]) -> Option<Node<'t>> {
        let args = call.child_by_field_id(F.arguments)?;
        let found = args
            .named_children()
            .filter(|a| a.kind_name() == "keyword_argument")
            .find(|a| {
                a.child_by_field_id(F.name)
                    .is_some_and(|n| names.contains(&self.text(n)))
            })?;
        found.child_by_field_id(F.value)
    }

    /// A string argument (a literal, a module constant, or the literal parts of an f-string).
    fn string_arg(&self, call: Node<'_>, index: usize) -> Option<String> {
        let arg = self
            .positional(call, index)
            .or_else(|| self.keyword(call, &["path", "rule", "route"]))?;
        match literal(self, arg, 0)? {
            Value::Str { value } => Some(value),
            _ => None,
        }
    }

    /// `health`, `views.health`: the function a route serves.
    fn handler_name(&self, node: Node<'_>) -> Option<String> {
        match node.kind_name() {
            "identifier" => Some(self.text(node).to_string()),
            "attribute" => node
                .child_by_field_id(F.attribute)
                .map(|a| self.text(a).to_string()),
            _ => None,
        }
    }

    /// Called for every function definition: a function that may serve a health route (named
    /// for one, or routed to a health path by its decorators) is summarized.
    pub(super) fn service_function(&mut self, def: Node<'_>, ctx: &Ctx) {
        let Some(name) = def.child_by_field_id(F.name).map(|n| self.text(n)) else {
            return;
        };
        let services = &self.catalog.services;
        // A decorated definition's parent holds its decorators.
        let routed_to_health = def
            .parent()
            .filter(|p| p.tag() == Tag::DecoratedDefinition)
            .is_some_and(|d| {
                d.named_children()
                    .filter(|c| c.kind_name() == "decorator")
                    .any(|dec| {
                        dec.named_child(0)
                            .filter(|c| c.kind_name() == "call")
                            .and_then(|c| self.string_arg(c, 0))
                            .is_some_and(|p| services.path_role(&p).is_some())
                    })
            });
        if !routed_to_health && services.handler_role(name).is_none() {
            return;
        }
        let Some(body) = def.child_by_field_id(F.body) else {
            return;
        };
        // The `def` line up to the name: the whole body would make a report region of it.
        let span = match def.child_by_field_id(F.name) {
            Some(n) => Span {
                end_line: self.span(n).end_line,
                end_col: self.span(n).end_col,
                ..self.span(def)
            },
            None => self.span(def),
        };
        let mut summary = HandlerFact {
            name: name.to_string(),
            span,
            probes: Vec::new(),
            other_work: false,
            can_fail: false,
            in_test: ctx.in_test || self.file_is_test,
        };
        self.summarize(body, 0, false, ctx, &mut summary);
        self.remember_line(summary.span.line);
        self.facts.service.handlers.push(summary);
    }

    /// Reads a handler's body: what it calls, and whether any path answers with an error.
    /// `guarded`: inside a `try` whose `except` catches what a probe raises.
    fn summarize(
        &self,
        node: Node<'_>,
        depth: usize,
        guarded: bool,
        ctx: &Ctx,
        out: &mut HandlerFact,
    ) {
        if depth > MAX_HANDLER_DEPTH {
            // Too deep to read: claim nothing about it.
            out.other_work = true;
            out.can_fail = true;
            return;
        }
        match node.kind_name() {
            // Bodies that run elsewhere.
            "function_definition" | "class_definition" | "lambda" => return,
            "raise_statement" => out.can_fail = true,
            "integer" => {
                let status = self.text(node).parse::<u32>().unwrap_or(0);
                if (400..600).contains(&status) {
                    out.can_fail = true;
                }
            }
            "identifier" if is_error_status_name(self.text(node)) => out.can_fail = true,
            "try_statement" => {
                let children: Vec<Node> = node.named_children().collect();
                let catches = children.iter().any(|c| c.kind_name() == "except_clause");
                for child in children {
                    let inner = if child.kind_name() == "block" {
                        guarded || catches
                    } else {
                        guarded
                    };
                    self.summarize(child, depth + 1, inner, ctx, out);
                }
                return;
            }
            "call" => self.summarize_call(node, guarded, ctx, out),
            _ => {}
        }
        let children: Vec<Node> = node.named_children().collect();
        for child in children {
            self.summarize(child, depth + 1, guarded, ctx, out);
        }
    }

    fn summarize_call(&self, call: Node<'_>, guarded: bool, ctx: &Ctx, out: &mut HandlerFact) {
        let Some(function) = call.child_by_field_id(F.function) else {
            return;
        };
        let name = match function.kind_name() {
            "identifier" => self.text(function),
            "attribute" => function
                .child_by_field_id(F.attribute)
                .map_or("", |a| self.text(a)),
            _ => "",
        };
        let callee = self.qualname_raw(function).or_else(|| {
            let object = function.child_by_field_id(F.object)?;
            let obj = self.object_of(object, ctx)?;
            Some(format!("{}.{name}", obj.ty))
        });
        let services = &self.catalog.services;
        let catalogued = callee.as_deref().is_some_and(|c| {
            self.catalog.is_external(Lang::Python, c)
                || services.dependency(Lang::Python, c).is_some()
        });
        if catalogued || services.is_probe_name(name) {
            out.probes
                .push(callee.unwrap_or_else(|| self.text(function).to_string()));
            if !guarded {
                // Its exception escapes: the framework answers 500.
                out.can_fail = true;
            }
        } else if !services.is_response_call(name) {
            out.other_work = true;
        }
    }
}
