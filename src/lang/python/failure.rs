//! Python facts for the partial-failure and bulkhead rules (RES401–RES403, RES701–RES705):
//! fan-outs (`asyncio.gather`, `create_task` in a loop), swallowed exceptions, cache
//! decorators, and calls to catalogued queues, pools and blocking calls.

use std::collections::{HashMap, HashSet};

use super::syntax::Node;

use super::{dotted, CallParts, Ctx, Extractor, Kind, Tag, F};
use crate::api_roles::Role;
use crate::facts::{CacheDecorator, CallFact, FanOut, FanOutKind, Lang, Span, Swallowed, Value};

/// Beyond this many levels up, an ancestor walk gives up (and says "not found").
const MAX_ANCESTORS: usize = 200;

/// Parameter names that carry request data: a cache keyed on them grows with traffic.
const REQUEST_PARAMS: &[&str] = &[
    "request",
    "req",
    "query",
    "user",
    "user_id",
    "userid",
    "username",
    "email",
    "token",
    "session",
    "session_id",
    "headers",
    "body",
    "payload",
    "url",
    "path",
    "ip",
    "client_ip",
    "account_id",
    "tenant_id",
    "customer_id",
    "order_id",
];

/// Annotations that carry request data.
const REQUEST_TYPES: &[&str] = &[
    "fastapi.Request",
    "starlette.requests.Request",
    "flask.Request",
    "django.http.HttpRequest",
    "aiohttp.web.Request",
];

/// Calls whose failure during cleanup has nothing left to act on.
const CLEANUP_CALLS: &[&str] = &[
    "close",
    "aclose",
    "shutdown",
    "terminate",
    "kill",
    "cancel",
    "unlink",
    "remove",
    "rmdir",
    "rmtree",
    "disconnect",
    "release",
    "stop",
    "join",
    "flush",
    "unregister",
    "wait",
    "cleanup",
];

/// `plugin.load()`, `stage()`: a call given nothing from the item, the shape of starting or
/// stopping components the process owns (or a fixed set of workers) rather than per-item work.
fn is_lifecycle_call(node: Node<'_>) -> bool {
    let call = if node.kind_name() == "await" {
        node.named_child(0)
    } else {
        Some(node)
    };
    call.filter(|c| c.kind_name() == "call").is_some_and(|c| {
        c.child_by_field_id(F.arguments)
            .is_some_and(|a| a.kind_name() == "argument_list" && a.named_child_count() == 0)
    })
}

/// What pass 2 gathers for the fan-out facts, resolved once the whole file is read.
#[derive(Default)]
pub(super) struct State {
    /// Every function: (name, first line, last line).
    functions: Vec<(String, u32, u32)>,
    /// Calls to a plain name or `self.x`: (name, line), for the file's own call graph.
    local_calls: Vec<(String, u32)>,
    /// Lines with a sign of a concurrency limit: a semaphore made or entered, `.acquire()`.
    limiter_lines: Vec<u32>,
    /// Per fan-out fact (same index): the local functions its work calls.
    fan_out_calls: Vec<Vec<String>>,
    /// Per fan-out fact (same index): the lines its call spans.
    fan_out_lines: Vec<(u32, u32)>,
    /// Requests on an object named as a client or session whose type is not followed
    /// (`self.wallet.client.request(..)`): (line, callee as written).
    client_calls: Vec<(u32, String)>,
}

/// Methods that send a request when called on a client or session.
const CLIENT_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "request", "send", "fetch", "execute",
    "stream", "call",
];

impl Extractor<'_, '_> {
    /// A call: a call of this file's function, or a request through a client.
    pub(super) fn failure_call_site(&mut self, node: Node<'_>, call: &CallParts<'_>) {
        if let Some(name) = call.function.and_then(|f| self.local_callee(f)) {
            let line = self.line(node);
            self.failure.local_calls.push((name, line));
        }
        if let Some(callee) = call.function.and_then(|f| self.client_request(f)) {
            let line = self.line(node);
            self.failure.client_calls.push((line, callee));
        }
    }

    /// Called for every node of pass 2 before it is visited.
    pub(super) fn failure_node(&mut self, node: Node<'_>, ctx: &Ctx) {
        match node.tag() {
            Tag::FunctionDefinition => {
                if let Some(name) = node.child_by_field_id(F.name) {
                    let lines = (self.line(node), self.index.line_of(node.end_byte()));
                    let name = self.text(name).to_string();
                    self.failure.functions.push((name, lines.0, lines.1));
                }
            }
            Tag::WithStatement => {
                // `async with sem:`, `async with self._limiter:`.
                let text = self.text(node);
                let header = text.split(':').next().unwrap_or("").to_ascii_lowercase();
                if ["sem", "limit", "throttl"]
                    .iter()
                    .any(|w| header.contains(w))
                {
                    let line = self.line(node);
                    self.failure.limiter_lines.push(line);
                }
            }
            Tag::ExceptClause => self.swallowed_exception(node, ctx),
            Tag::DecoratedDefinition => self.cache_decorators(node, ctx),
            _ => {}
        }
    }

    /// `self.client.get`, `http_session.request`: a request method on something named as a
    /// client or session, as written.
    fn client_request(&self, function: Node<'_>) -> Option<String> {
        if function.kind_name() != "attribute" {
            return None;
        }
        let method = self.text(function.child_by_field_id(F.attribute)?);
        let object = function.child_by_field_id(F.object)?;
        let holder = match object.kind_name() {
            "identifier" => self.text(object),
            "attribute" => self.text(object.child_by_field_id(F.attribute)?),
            _ => return None,
        }
        .to_ascii_lowercase();
        let named_client = holder.ends_with("client") || holder.ends_with("session");
        (named_client && CLIENT_METHODS.contains(&method)).then(|| dotted(self.text(function)))
    }

    /// `fetch(..)` or `self.fetch(..)`: a name that may be this file's function.
    fn local_callee(&self, function: Node<'_>) -> Option<String> {
        match function.kind_name() {
            "identifier" => Some(self.text(function).to_string()),
            "attribute" => {
                let object = function.child_by_field_id(F.object)?;
                let is_self = object.kind_name() == "identifier"
                    && matches!(self.text(object), "self" | "cls");
                is_self.then(|| {
                    function
                        .child_by_field_id(F.attribute)
                        .map(|a| self.text(a).to_string())
                })?
            }
            _ => None,
        }
    }

    /// A call of pass 2 with its callee resolved, before its arguments are visited: records
    /// queues, pools and blocking calls, and returns a started fan-out to finish afterwards.
    pub(super) fn failure_call(
        &mut self,
        node: Node<'_>,
        callee: Option<&str>,
        ctx: &Ctx,
    ) -> Option<(usize, usize)> {
        let function = node.child_by_field_id(F.function)?;
        let method = (function.kind_name() == "attribute")
            .then(|| function.child_by_field_id(F.attribute))
            .flatten()
            .map(|m| self.text(m));
        let in_test = ctx.in_test || self.file_is_test;
        if let Some(callee) = callee {
            if self
                .catalog
                .api(Lang::Python, callee, Role::Limiter)
                .is_some()
            {
                let line = self.line(node);
                self.failure.limiter_lines.push(line);
            }
            if self.catalog.is_bulkhead_call(Lang::Python, callee) {
                let fact = self.bulkhead_fact(node, function, callee, ctx);
                self.facts.failure.calls.push(fact);
            }
        }
        if method == Some("acquire") {
            let line = self.line(node);
            self.failure.limiter_lines.push(line);
        }
        let join = callee.and_then(|c| self.catalog.api(Lang::Python, c, Role::Join));
        let spawn = callee
            .and_then(|c| self.catalog.api(Lang::Python, c, Role::Spawn))
            .or_else(|| method.and_then(|m| self.catalog.api_method(Lang::Python, m, Role::Spawn)));
        let args = node.child_by_field_id(F.arguments);
        let (kind, fails_fast, per_item) = if let Some(spec) = join {
            let keeps_errors = spec.keeps_errors.as_deref().map(|kw| {
                let (parsed, _, forwards) = args.map(|a| self.arguments(a)).unwrap_or_default();
                let given = parsed.iter().find(|a| a.name.as_deref() == Some(kw));
                match given.map(|a| &a.value) {
                    Some(Value::Bool { value }) => *value,
                    // A variable, or `**kwargs` that may carry it: cannot tell.
                    Some(_) => true,
                    None => forwards,
                }
            });
            let fails_fast = spec.fails_fast || keeps_errors == Some(false);
            (
                FanOutKind::Join,
                fails_fast,
                args.is_some_and(|a| self.splats_items(a)),
            )
        } else if spawn.is_some() {
            let starts_owned = args
                .and_then(|a| a.named_child(0))
                .is_some_and(is_lifecycle_call);
            (
                FanOutKind::Spawn,
                false,
                !starts_owned && self.in_item_loop(node),
            )
        } else {
            return None;
        };
        let span = self.span(function);
        self.remember_line(span.line);
        self.facts.failure.fan_outs.push(FanOut {
            kind,
            callee: callee
                .map(str::to_string)
                .or_else(|| method.map(str::to_string))
                .unwrap_or_default(),
            span,
            fails_fast,
            external: None,
            per_item,
            limited: false,
            in_test,
        });
        let calls = args.map(|a| self.local_calls_in(a)).unwrap_or_default();
        self.failure.fan_out_calls.push(calls);
        let whole = self.span(node);
        self.failure
            .fan_out_lines
            .push((whole.line, whole.end_line));
        Some((
            self.facts.failure.fan_outs.len() - 1,
            self.facts.calls.len(),
        ))
    }

    /// After a fan-out's arguments were visited: the first external call among them.
    pub(super) fn failure_call_done(&mut self, (fan_out, first_fact): (usize, usize)) {
        let external = self.facts.calls[first_fact..]
            .iter()
            .find(|c| self.catalog.is_external_io(Lang::Python, &c.callee))
            .map(|c| c.callee.clone());
        if let Some(f) = self.facts.failure.fan_outs.get_mut(fan_out) {
            f.external = external;
        }
    }

    fn bulkhead_fact(
        &mut self,
        node: Node<'_>,
        function: Node<'_>,
        callee: &str,
        ctx: &Ctx,
    ) -> CallFact {
        let (args, forwards_args, forwards_kwargs) = node
            .child_by_field_id(F.arguments)
            .map(|a| self.arguments(a))
            .unwrap_or_default();
        let span = self.span(function);
        self.remember_line(span.line);
        let end = self.span(node);
        CallFact {
            callee: callee.to_string(),
            span: Span {
                end_line: end.end_line,
                end_col: end.end_col,
                ..span
            },
            args,
            forwards_kwargs,
            forwards_args,
            chain: Vec::new(),
            receiver: None,
            under_deadline: ctx.under_deadline,
            in_test: ctx.in_test || self.file_is_test,
            // A lambda's body runs where it is called: usually an executor.
            in_async: ctx.in_async && !self.inside_lambda(node),
        }
    }

    fn inside_lambda(&self, node: Node<'_>) -> bool {
        let mut cur = node.parent();
        for _ in 0..MAX_ANCESTORS {
            let Some(n) = cur else { return false };
            match n.kind_name() {
                "lambda" => return true,
                "function_definition" => return false,
                _ => cur = n.parent(),
            }
        }
        false
    }

    /// `gather(*(f(x) for x in xs))`, `gather(*[f(x) for x in xs])`, `gather(*map(f, xs))`.
    fn splats_items(&self, args: Node<'_>) -> bool {
        args.named_children().any(|arg| {
            if arg.kind_name() != "list_splat" {
                return false;
            }
            let Some(inner) = arg.named_child(0) else {
                return false;
            };
            match inner.kind_name() {
                "generator_expression" | "list_comprehension" | "set_comprehension" => {
                    self.comprehension_over_items(inner)
                        && !inner
                            .child_by_field_id(F.body)
                            .is_some_and(is_lifecycle_call)
                }
                "call" => inner
                    .child_by_field_id(F.function)
                    .is_some_and(|f| self.text(f) == "map"),
                _ => false,
            }
        })
    }

    /// A comprehension whose first `for` runs over a collection, not `range(..)` or a literal.
    fn comprehension_over_items(&self, comprehension: Node<'_>) -> bool {
        let clause = comprehension
            .named_children()
            .find(|c| c.kind_name() == "for_in_clause");
        clause
            .and_then(|c| c.child_by_field_id(F.right))
            .is_some_and(|it| self.iterates_items(it))
    }

    /// An iterable that grows with input: not `range(..)`, not a literal list or tuple, not a
    /// name the enclosing function assigned one of those.
    fn iterates_items(&self, iterable: Node<'_>) -> bool {
        if iterable.kind_name() == "identifier" {
            // `for page in batch`: someone already cut the input into fixed-size pieces.
            let name = self.text(iterable).to_ascii_lowercase();
            if name.contains("batch") || name.contains("chunk") {
                return false;
            }
            if let Some(value) = self.assigned_in_function(iterable) {
                return self.iterates_items(value);
            }
            if let Some(entries) = self.unpacked_from_literal_table(iterable) {
                return entries.into_iter().any(|entry| self.iterates_items(entry));
            }
        }
        match iterable.kind_name() {
            // `items[i : i + 10]`: a slice of the input, a batch.
            "subscript"
                if iterable
                    .child_by_field_id(F.subscript)
                    .is_some_and(|s| s.kind_name() == "slice") =>
            {
                false
            }
            "list" | "tuple" | "set" | "string" | "integer" => false,
            "call" => !iterable
                .child_by_field_id(F.function)
                .is_some_and(|f| self.text(f) == "range"),
            _ => true,
        }
    }

    /// The value of `name = <value>` among the statements of the function around `name`.
    fn assigned_in_function<'t>(&self, name: Node<'t>) -> Option<Node<'t>> {
        let wanted = self.text(name);
        let mut found = None;
        for assign in function_assignments(name)? {
            let target = assign.child_by_field_id(F.left);
            if target.is_some_and(|t| t.kind_name() == "identifier" && self.text(t) == wanted) {
                // Assigned twice: cannot tell which one is iterated.
                if found.is_some() {
                    return None;
                }
                found = assign.child_by_field_id(F.right);
            }
        }
        found
    }

    /// `model, methods = TABLE[kind]` where the function assigned `TABLE` a literal dict of
    /// tuples: the `methods` entry of every row, so that a fan-out over a fixed list of a few
    /// methods is read as the fixed list it is.
    fn unpacked_from_literal_table<'t>(&self, name: Node<'t>) -> Option<Vec<Node<'t>>> {
        let wanted = self.text(name);
        let mut found = None;
        for assign in function_assignments(name)? {
            let Some(target) = assign
                .child_by_field_id(F.left)
                .filter(|t| matches!(t.kind_name(), "pattern_list" | "tuple_pattern"))
            else {
                continue;
            };
            let position = target
                .named_children()
                .position(|t| t.kind_name() == "identifier" && self.text(t) == wanted);
            if let Some(position) = position {
                // Bound twice: cannot tell which one is iterated.
                if found.is_some() {
                    return None;
                }
                found = Some((assign, position));
            }
        }
        let (assign, position) = found?;
        let table = assign
            .child_by_field_id(F.right)
            .filter(|r| r.kind_name() == "subscript")?
            .child_by_field_id(F.value)
            .filter(|v| v.kind_name() == "identifier")?;
        let rows = self
            .assigned_in_function(table)
            .filter(|t| t.kind_name() == "dictionary")?;
        rows.named_children()
            .filter(|pair| pair.kind_name() != "comment")
            .map(|pair| {
                let row = pair
                    .child_by_field_id(F.value)
                    .filter(|v| v.kind_name() == "tuple")?;
                row.named_children()
                    .filter(|c| c.kind_name() != "comment")
                    .nth(position)
            })
            .collect()
    }

    /// Inside a `for` loop or comprehension over items, within the same function.
    fn in_item_loop(&self, node: Node<'_>) -> bool {
        let mut child = node;
        let mut cur = node.parent();
        for _ in 0..MAX_ANCESTORS {
            let Some(n) = cur else { return false };
            match n.kind_name() {
                "function_definition" | "lambda" | "class_definition" => return false,
                "for_statement" => {
                    let in_body = n
                        .child_by_field_id(F.body)
                        .is_some_and(|b| b.id() == child.id());
                    if in_body {
                        return n
                            .child_by_field_id(F.right)
                            .is_some_and(|it| self.iterates_items(it));
                    }
                }
                "list_comprehension"
                | "generator_expression"
                | "set_comprehension"
                | "dictionary_comprehension" => return self.comprehension_over_items(n),
                _ => {}
            }
            child = n;
            cur = n.parent();
        }
        false
    }

    /// The names of plain and `self.` calls under a node (the work a fan-out runs).
    fn local_calls_in(&self, node: Node<'_>) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![(node, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > 64 {
                continue;
            }
            if n.kind_name() == "call" {
                if let Some(name) = n
                    .child_by_field_id(F.function)
                    .and_then(|f| self.local_callee(f))
                {
                    names.push(name);
                }
            }
            for c in n.named_children() {
                stack.push((c, depth + 1));
            }
        }
        names
    }

    /// `except: pass`, `except Exception: continue`: a broad handler that does nothing.
    /// Best-effort cleanup is left alone: a lone `close()`-like call in the `try`, a handler
    /// already on an error or `finally` path, or a `__del__`.
    fn swallowed_exception(&mut self, clause: Node<'_>, ctx: &Ctx) {
        if self.is_best_effort_cleanup(clause) {
            return;
        }
        let children: Vec<Node> = clause.named_children().collect();
        let Some(body) = children.iter().find(|c| c.kind_name() == "block") else {
            return;
        };
        let caught = children
            .iter()
            .find(|c| c.kind_name() != "block" && c.kind_name() != "comment");
        let caught_text = match caught {
            None => String::new(),
            Some(c) => {
                // `except Exception as e`: the type is the pattern's first child.
                let ty = if c.kind_name() == "as_pattern" {
                    c.named_child(0).unwrap_or(*c)
                } else {
                    *c
                };
                if !self.is_broad(ty) {
                    return;
                }
                self.text(ty).to_string()
            }
        };
        let statements: Vec<Node> = body
            .named_children()
            .filter(|s| s.kind_name() != "comment")
            .collect();
        let does_nothing = |s: &Node| match s.kind_name() {
            "pass_statement" | "continue_statement" => true,
            "expression_statement" => s
                .named_child(0)
                .is_some_and(|e| e.kind_name() == "ellipsis"),
            _ => false,
        };
        if statements.is_empty() || !statements.iter().all(does_nothing) {
            return;
        }
        let action = if statements
            .iter()
            .any(|s| s.kind_name() == "continue_statement")
        {
            "continue"
        } else {
            "pass"
        };
        let form = if caught_text.is_empty() {
            format!("`except: {action}`")
        } else {
            format!("`except {caught_text}: {action}`")
        };
        let span = self.span(clause);
        let span = Span {
            end_line: span.line,
            end_col: span.col + 6,
            ..span
        };
        self.remember_line(span.line);
        self.facts.failure.swallowed.push(Swallowed {
            span,
            form,
            what: caught_text,
            in_test: ctx.in_test || self.file_is_test,
        });
    }

    fn is_best_effort_cleanup(&self, clause: Node<'_>) -> bool {
        let Some(try_stmt) = clause.parent().filter(|p| p.kind_name() == "try_statement") else {
            return false;
        };
        let body = try_stmt.child_by_field_id(F.body);
        let statements: Vec<Node> = body
            .map(|b| {
                b.named_children()
                    .filter(|s| s.kind_name() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        if let [only] = statements.as_slice() {
            let call = match only.named_child(0) {
                Some(n) if n.kind_name() == "await" => n.named_child(0),
                other => other,
            };
            let name = call
                .filter(|c| only.kind_name() == "expression_statement" && c.kind_name() == "call")
                .and_then(|c| c.child_by_field_id(F.function))
                .map(|f| match f.kind_name() {
                    "attribute" => f
                        .child_by_field_id(F.attribute)
                        .map_or("", |a| self.text(a)),
                    _ => self.text(f),
                });
            if name.is_some_and(|n| CLEANUP_CALLS.contains(&n.rsplit('.').next().unwrap_or(n))) {
                return true;
            }
        }
        let mut cur = try_stmt.parent();
        for _ in 0..MAX_ANCESTORS {
            let Some(n) = cur else { return false };
            match n.kind_name() {
                "finally_clause" | "except_clause" => return true,
                "function_definition" => {
                    return n
                        .child_by_field_id(F.name)
                        .is_some_and(|name| self.text(name) == "__del__")
                }
                "class_definition" | "lambda" => return false,
                _ => cur = n.parent(),
            }
        }
        false
    }

    /// `Exception`, `BaseException`, or a tuple holding one.
    fn is_broad(&self, node: Node<'_>) -> bool {
        match node.kind_name() {
            "identifier" => matches!(self.text(node), "Exception" | "BaseException"),
            "tuple" | "parenthesized_expression" => node.named_children().any(|i| self.is_broad(i)),
            _ => false,
        }
    }

    /// `@functools.lru_cache(maxsize=None)`, `@cache` on a method or a request-keyed function.
    fn cache_decorators(&mut self, decorated: Node<'_>, ctx: &Ctx) {
        let Some(def) = decorated
            .child_by_field_id(F.definition)
            .filter(|d| d.kind_name() == "function_definition")
        else {
            return;
        };
        let decorators: Vec<Node> = decorated
            .named_children()
            .filter(|d| d.kind_name() == "decorator")
            .collect();
        for decorator in decorators {
            let Some(expr) = decorator.named_child(0) else {
                continue;
            };
            let (target, args) = if expr.kind_name() == "call" {
                (
                    expr.child_by_field_id(F.function),
                    expr.child_by_field_id(F.arguments),
                )
            } else {
                (Some(expr), None)
            };
            let Some(name) = target.and_then(|t| self.qualname_raw(t)) else {
                continue;
            };
            let Some(spec) = self.catalog.api(Lang::Python, &name, Role::Cache) else {
                continue;
            };
            let bounds = spec.bound.to_vec();
            let unbounded = if bounds.is_empty() && spec.position.is_none() {
                true
            } else {
                let parsed = args.map(|a| self.arguments(a).0).unwrap_or_default();
                let given = parsed
                    .iter()
                    .find(|a| a.name.as_ref().is_some_and(|n| bounds.contains(n)))
                    .or_else(|| {
                        spec.position
                            .and_then(|p| parsed.iter().filter(|a| a.name.is_none()).nth(p))
                    });
                // `@lru_cache(user_function)` is the bare form called by hand: bounded.
                given.is_some_and(|a| a.value == Value::None)
            };
            let (method, keyed, request_param) = self.cache_params(def);
            let span = self.span(decorator);
            self.remember_line(span.line);
            self.facts.failure.caches.push(CacheDecorator {
                span: Span {
                    end_line: span.line,
                    end_col: span.col + 1,
                    ..span
                },
                decorator: name,
                unbounded,
                method,
                request_param,
                keyed,
                in_test: ctx.in_test || self.file_is_test,
            });
        }
    }

    /// (first parameter is `self`, has parameters besides `self`/`cls`, a request-data parameter).
    fn cache_params(&self, def: Node<'_>) -> (bool, bool, Option<String>) {
        let Some(params) = def.child_by_field_id(F.parameters) else {
            return (false, false, None);
        };
        let mut method = false;
        let mut keyed = false;
        let mut request = None;
        for (i, p) in params.named_children().enumerate() {
            let (name, annotation) = match p.kind_name() {
                "identifier" => (Some(p), None),
                "typed_parameter" => (p.named_child(0), p.child_by_field_id(F.type_)),
                "default_parameter" => (p.child_by_field_id(F.name), None),
                "typed_default_parameter" => {
                    (p.child_by_field_id(F.name), p.child_by_field_id(F.type_))
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => {
                    keyed = true;
                    continue;
                }
                _ => continue,
            };
            let Some(name) = name.map(|n| self.text(n)) else {
                continue;
            };
            if i == 0 && name == "self" {
                method = true;
                continue;
            }
            if i == 0 && name == "cls" {
                continue;
            }
            keyed = true;
            let typed_request = annotation
                .and_then(|t| t.named_child(0).or(Some(t)))
                .and_then(|t| self.qualname_raw(t))
                .is_some_and(|q| REQUEST_TYPES.contains(&q.as_str()));
            if request.is_none()
                && (typed_request || REQUEST_PARAMS.contains(&name.to_ascii_lowercase().as_str()))
            {
                request = Some(name.to_string());
            }
        }
        (method, keyed, request)
    }

    /// Once the file is read: which fan-outs reach an external call through this file's
    /// functions, and which have a limit in sight.
    pub(super) fn failure_finish(&mut self) {
        let state = std::mem::take(&mut self.failure);
        // Only fan-outs need the file's call graph.
        if self.facts.failure.fan_outs.is_empty() {
            return;
        }
        let enclosing = |line: u32| -> Vec<&str> {
            state
                .functions
                .iter()
                .filter(|(_, start, end)| *start <= line && line <= *end)
                .map(|(name, _, _)| name.as_str())
                .collect()
        };
        // Function name → an external call it makes, directly or through another one.
        let mut reaches: HashMap<&str, String> = HashMap::new();
        for call in &self.facts.calls {
            if !self.catalog.is_external_io(Lang::Python, &call.callee) {
                continue;
            }
            for f in enclosing(call.span.line) {
                reaches.entry(f).or_insert_with(|| call.callee.clone());
            }
        }
        for (line, callee) in &state.client_calls {
            for f in enclosing(*line) {
                reaches.entry(f).or_insert_with(|| callee.clone());
            }
        }
        let callers: Vec<(Vec<&str>, &str)> = state
            .local_calls
            .iter()
            .map(|(name, line)| (enclosing(*line), name.as_str()))
            .collect();
        for _ in 0..state.functions.len().min(32) {
            let mut changed = false;
            for (fns, name) in &callers {
                let Some(via) = reaches.get(name).map(|c| format!("{name} → {c}")) else {
                    continue;
                };
                for f in fns {
                    if !reaches.contains_key(f) {
                        reaches.insert(f, via.clone());
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let limited_fns: HashSet<&str> = state
            .limiter_lines
            .iter()
            .flat_map(|line| enclosing(*line))
            .collect();
        for ((fan_out, calls), (first, last)) in self
            .facts
            .failure
            .fan_outs
            .iter_mut()
            .zip(&state.fan_out_calls)
            .zip(&state.fan_out_lines)
        {
            if fan_out.external.is_none() {
                fan_out.external = state
                    .client_calls
                    .iter()
                    .find(|(line, _)| first <= line && line <= last)
                    .map(|(_, callee)| callee.clone());
            }
            if fan_out.external.is_none() {
                fan_out.external = calls
                    .iter()
                    .find_map(|c| reaches.get(c.as_str()).map(|via| format!("{c} → {via}")));
            }
            fan_out.limited = enclosing(fan_out.span.line)
                .into_iter()
                .chain(calls.iter().map(String::as_str))
                .any(|f| limited_fns.contains(f));
        }
    }
}

/// The assignment statements directly in the body of the function around `node`.
fn function_assignments(node: Node<'_>) -> Option<Vec<Node<'_>>> {
    let mut cur = node.parent();
    let mut function = None;
    for _ in 0..MAX_ANCESTORS {
        let n = cur?;
        if n.kind_name() == "function_definition" {
            function = Some(n);
            break;
        }
        cur = n.parent();
    }
    let body = function?.child_by_field_id(F.body)?;
    let assignments = body
        .named_children()
        .filter(|statement| statement.kind_name() == "expression_statement")
        .filter_map(|statement| statement.named_child(0))
        .filter(|a| a.kind_name() == "assignment")
        .collect();
    Some(assignments)
}
