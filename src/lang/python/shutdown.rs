//! Shutdown facts from Python: servers started by hand, SIGTERM handlers, shutdown hooks given
//! to apps, long-lived clients and where they are closed, and what shutdown code waits on.

use super::syntax::Node;

use super::{Ctx, Extractor, Kind, F};
use crate::api_roles::Role;
use crate::facts::{ClientFact, Lang, ServeFact, Signal, SignalFact, WaitFact, WorkerLoopFact};

/// Bounds the walks that look for a `yield` before a wait in a lifespan function, or for a way
/// out of a loop.
const MAX_YIELD_SEARCH: usize = 10_000;

/// What is only known once the whole file is read: which functions are shutdown code.
#[derive(Default)]
pub(super) struct State {
    /// Functions registered as shutdown code; `true` for a lifespan, where only what follows
    /// its `yield` runs at shutdown.
    hooks: Vec<(String, bool)>,
    /// Waits with no deadline, with their function and whether a `yield` comes before them.
    waits: Vec<(String, bool, WaitFact)>,
}

impl Extractor<'_, '_> {
    /// Called for every call with its callee resolved through imports (`None` for locals).
    pub(super) fn shutdown_call(
        &mut self,
        call: Node<'_>,
        function: Option<Node<'_>>,
        arguments: Option<Node<'_>>,
        callee: Option<&str>,
        ctx: &Ctx,
    ) {
        let Some(function) = function else {
            return;
        };
        let in_test = ctx.in_test || self.file_is_test;
        // Read only for a call that makes a fact.
        let span_of = |x: &Self| x.span(function);
        let method = (function.kind_name() == "attribute")
            .then(|| function.child_by_field_id(F.attribute))
            .flatten()
            .map(|m| self.text(m));
        let lifecycle = &self.catalog.shutdown.lifecycle;
        if let Some(callee) = callee {
            if self.catalog.serve_spec(Lang::Python, callee).is_some() {
                let span = span_of(self);
                self.remember_line(span.line);
                self.facts.shutdown.serves.push(ServeFact {
                    callee: callee.to_string(),
                    methods: Vec::new(),
                    span,
                    in_test,
                });
            }
            if lifecycle.python_clients.iter().any(|c| c == callee) {
                if let Some(binding) = self.long_lived_binding(call) {
                    let span = span_of(self);
                    self.remember_line(span.line);
                    self.facts.shutdown.clients.push(ClientFact {
                        callee: callee.to_string(),
                        binding,
                        span,
                        in_test,
                    });
                }
            }
            if self
                .catalog
                .services
                .constructor(Lang::Python, callee)
                .is_some()
            {
                self.app_shutdown_keywords(call, span_of(self));
            }
        }
        let registers_signal = lifecycle
            .signal_registrations
            .iter()
            .any(|r| Some(r.as_str()) == callee || Some(r.as_str()) == method);
        if registers_signal {
            self.signal_registration(call, in_test);
        }
        let registers_event = method.is_some_and(|m| {
            self.catalog
                .shutdown
                .lifecycle
                .event_registrations
                .iter()
                .any(|r| r == m)
        });
        if registers_event {
            self.event_registration(call, span_of(self));
        }
        if let Some(m) = method {
            if self.is_close_method(m) {
                if let Some(object) = function.child_by_field_id(F.object) {
                    let closed = self.last_name(object);
                    self.facts.shutdown.closed.extend(closed);
                }
            }
        }
        // `atexit.register(engine.dispose)`, `add_event_handler("shutdown", client.aclose)`:
        // only an attribute hands a close method over, so arguments without a `.` or that name
        // no close method are not looked at one by one.
        let args_text = arguments.map_or("", |a| self.text(a));
        let names_close = args_text.contains('.')
            && lifecycle
                .close_methods
                .iter()
                .any(|m| args_text.contains(m.as_str()));
        let handed = if names_close {
            self.handed_over(call)
        } else {
            Vec::new()
        };
        for arg in handed {
            if arg.kind_name() == "attribute" {
                let closes = arg
                    .child_by_field_id(F.attribute)
                    .is_some_and(|a| self.is_close_method(self.text(a)));
                if let (true, Some(object)) = (closes, arg.child_by_field_id(F.object)) {
                    let closed = self.last_name(object);
                    self.facts.shutdown.closed.extend(closed);
                }
            }
        }
        self.note_wait(call, function, callee, method, ctx);
        self.note_worker_loop(call, function, callee, method, in_test);
    }

    /// The header (`while True`) of the loop a call runs in, when the nearest loop of its
    /// function runs forever; `while not stopping:` has a way out and is no such loop.
    fn endless_loop(&self, call: Node<'_>) -> Option<crate::facts::Span> {
        let mut at = call.parent();
        while let Some(p) = at {
            match p.kind_name() {
                "function_definition" | "lambda" | "class_definition" | "for_statement" => {
                    return None
                }
                "while_statement" => {
                    let condition = p.child_by_field_id(F.condition)?;
                    let endless = matches!(self.text(condition), "True" | "1")
                        && p.child_by_field_id(F.body).is_some_and(|b| !leaves_loop(b));
                    let header = self.span(p);
                    let end = self.span(condition);
                    return endless.then_some(crate::facts::Span {
                        end_line: end.end_line,
                        end_col: end.end_col,
                        ..header
                    });
                }
                _ => {}
            }
            at = p.parent();
        }
        None
    }

    /// A call that takes the next message (`consumer.poll(1.0)`) inside a `while True:` loop
    /// makes the loop a worker loop, reported at its header.
    fn note_worker_loop(
        &mut self,
        call: Node<'_>,
        function: Node<'_>,
        callee: Option<&str>,
        method: Option<&str>,
        in_test: bool,
    ) {
        let receives = callee
            .is_some_and(|c| self.catalog.api(Lang::Python, c, Role::Receive).is_some())
            || method.is_some_and(|m| {
                self.catalog
                    .api_method(Lang::Python, m, Role::Receive)
                    .is_some()
            });
        let Some(span) = receives.then(|| self.endless_loop(call)).flatten() else {
            return;
        };
        if self
            .facts
            .shutdown
            .worker_loops
            .iter()
            .any(|w| w.span == span)
        {
            return;
        }
        self.remember_line(span.line);
        self.facts.shutdown.worker_loops.push(WorkerLoopFact {
            receive: self.text(function).to_string(),
            span,
            in_test,
        });
    }

    /// `async with client:` / `with engine:` closes what it enters.
    pub(super) fn shutdown_with_item(&mut self, expr: Node<'_>) {
        if matches!(expr.kind_name(), "identifier" | "attribute") {
            let closed = self.last_name(expr);
            self.facts.shutdown.closed.extend(closed);
        }
    }

    /// Keeps the waits that run in shutdown code, now that every hook of the file is known.
    pub(super) fn shutdown_finish(&mut self) {
        let waits = std::mem::take(&mut self.shutdown.waits);
        for (function, after_yield, wait) in waits {
            let in_hook = self
                .shutdown
                .hooks
                .iter()
                .any(|(name, lifespan)| *name == function && (!lifespan || after_yield));
            if in_hook {
                self.remember_line(wait.span.line);
                self.facts.shutdown.waits.push(wait);
            }
        }
    }

    fn is_close_method(&self, name: &str) -> bool {
        self.catalog
            .shutdown
            .lifecycle
            .close_methods
            .iter()
            .any(|m| m == name)
    }

    fn call_args<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let Some(args) = call.child_by_field_id(F.arguments) else {
            return Vec::new();
        };
        args.named_children().collect()
    }

    /// The call's arguments, keyword values and the items of list and tuple arguments: where
    /// an uncalled close method may be handed over (`on_shutdown=[engine.dispose]`).
    fn handed_over<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        for arg in self.call_args(call) {
            let value = match arg.kind_name() {
                "keyword_argument" => arg.child_by_field_id(F.value),
                _ => Some(arg),
            };
            let Some(value) = value else { continue };
            if matches!(value.kind_name(), "list" | "tuple") {
                out.extend(value.named_children());
            } else {
                out.push(value);
            }
        }
        out
    }

    fn positional_args<'t>(&self, call: Node<'t>) -> Vec<Node<'t>> {
        self.call_args(call)
            .into_iter()
            .filter(|a| !matches!(a.kind_name(), "keyword_argument" | "comment"))
            .collect()
    }

    /// `client` for `client`, `app.state.client`, `self.client`.
    fn last_name(&self, node: Node<'_>) -> Option<String> {
        match node.kind_name() {
            "identifier" => Some(self.text(node).to_string()),
            "attribute" => node
                .child_by_field_id(F.attribute)
                .map(|a| self.text(a).to_string()),
            _ => None,
        }
    }

    /// The name a client is bound to for the life of the process: a module-level name, or an
    /// attribute of an app's state (`app.state.redis = ...`).
    fn long_lived_binding(&self, call: Node<'_>) -> Option<String> {
        let mut node = call;
        while let Some(parent) = node.parent() {
            match parent.kind_name() {
                "await" | "parenthesized_expression" => node = parent,
                "assignment" => {
                    let left = parent.child_by_field_id(F.left)?;
                    return match left.kind_name() {
                        "identifier" if self.scopes.is_empty() => Some(self.text(left).to_string()),
                        "attribute" if self.text(left).contains(".state.") => self.last_name(left),
                        _ => None,
                    };
                }
                _ => return None,
            }
        }
        None
    }

    /// `FastAPI(lifespan=lifespan)`, `Starlette(on_shutdown=[close_pool])`.
    fn app_shutdown_keywords(&mut self, call: Node<'_>, span: crate::facts::Span) {
        for arg in self.call_args(call) {
            if arg.kind_name() != "keyword_argument" {
                continue;
            }
            let Some(name) = arg.child_by_field_id(F.name).map(|n| self.text(n)) else {
                continue;
            };
            let is_hook = self
                .catalog
                .shutdown
                .lifecycle
                .shutdown_keywords
                .iter()
                .any(|k| k == name);
            if !is_hook {
                continue;
            }
            self.facts.shutdown.shutdown_hooks.push(span);
            let lifespan = name == "lifespan";
            let Some(value) = arg.child_by_field_id(F.value) else {
                continue;
            };
            let mut handlers = vec![value];
            if value.kind_name() == "list" {
                handlers = value.named_children().collect();
            }
            for h in handlers {
                if let Some(name) = self.last_name(h) {
                    self.shutdown.hooks.push((name, lifespan));
                }
            }
        }
    }

    /// `signal.signal(signal.SIGTERM, handler)`, `loop.add_signal_handler(SIGTERM, stop)`; a
    /// signal given by a variable (`for sig in (SIGTERM, SIGINT)`) cannot be told apart.
    fn signal_registration(&mut self, call: Node<'_>, in_test: bool) {
        let args = self.positional_args(call);
        let Some(first) = args.first().copied() else {
            return;
        };
        let text = self.text(first);
        let signal = match self
            .qualname_raw(first)
            .and_then(|q| self.catalog.signal_of(Lang::Python, &q))
        {
            Some(s) => s,
            None if text.contains("SIGTERM") => Signal::Terminate,
            None if text.contains("SIGINT") => Signal::Interrupt,
            None => Signal::Unknown,
        };
        let span = self.span(first);
        self.facts.shutdown.signals.push(SignalFact {
            signal,
            span,
            in_test,
        });
        if signal != Signal::Interrupt {
            if let Some(name) = args.get(1).and_then(|h| self.last_name(*h)) {
                self.shutdown.hooks.push((name, false));
            }
        }
    }

    /// `app.add_event_handler("shutdown", close)`, `@app.on_event("shutdown")`.
    fn event_registration(&mut self, call: Node<'_>, span: crate::facts::Span) {
        let args = self.positional_args(call);
        let names_shutdown = args.first().is_some_and(|a| {
            a.kind_name() == "string" && {
                let text = self.text(*a);
                text.contains("shutdown") || text.contains("cleanup")
            }
        });
        if !names_shutdown {
            return;
        }
        self.facts.shutdown.shutdown_hooks.push(span);
        let handler = match args.get(1) {
            Some(h) => self.last_name(*h),
            // Used as a decorator: the decorated function is the handler.
            None => call
                .parent()
                .filter(|p| p.kind_name() == "decorator")
                .and_then(|d| d.parent())
                .and_then(|d| d.child_by_field_id(F.definition))
                .and_then(|def| def.child_by_field_id(F.name))
                .map(|n| self.text(n).to_string()),
        };
        if let Some(name) = handler {
            self.shutdown.hooks.push((name, false));
        }
    }

    /// Records a wait with no deadline: `queue.join()` / `thread.join()` with no timeout,
    /// `asyncio.gather(..)` outside `asyncio.wait_for`, `executor.shutdown(wait=True)`.
    fn note_wait(
        &mut self,
        call: Node<'_>,
        function: Node<'_>,
        callee: Option<&str>,
        method: Option<&str>,
        ctx: &Ctx,
    ) {
        if ctx.under_deadline {
            return;
        }
        let what = match (callee, method) {
            (Some("asyncio.gather"), _) => "asyncio.gather(..)".to_string(),
            (_, Some("join")) if self.call_args(call).is_empty() => {
                format!("{}()", self.text(function))
            }
            (_, Some("shutdown")) => {
                let waits = self.call_args(call).iter().any(|a| {
                    a.kind_name() == "keyword_argument"
                        && a.child_by_field_id(F.name)
                            .is_some_and(|n| self.text(n) == "wait")
                        && a.child_by_field_id(F.value)
                            .is_some_and(|v| self.text(v) == "True")
                });
                if !waits {
                    return;
                }
                format!("{}(wait=True)", self.text(function))
            }
            _ => return,
        };
        let Some(def) = enclosing_def(call) else {
            return;
        };
        let Some(name) = def
            .child_by_field_id(F.name)
            .map(|n| self.text(n).to_string())
        else {
            return;
        };
        let after_yield = yield_before(def, call.start_byte());
        let wait = WaitFact {
            what,
            span: self.span(function),
            in_test: ctx.in_test || self.file_is_test,
            fix: None,
        };
        self.shutdown.waits.push((name, after_yield, wait));
    }
}

fn enclosing_def(node: Node<'_>) -> Option<Node<'_>> {
    let mut at = node.parent();
    while let Some(p) = at {
        if p.kind_name() == "function_definition" {
            return Some(p);
        }
        at = p.parent();
    }
    None
}

/// Whether a loop body has a `break` or `return` of its own (`while True: .. if not batch:
/// break` drains and ends); nested loops' breaks and nested functions do not count.
fn leaves_loop(body: Node<'_>) -> bool {
    let mut stack = vec![body];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > MAX_YIELD_SEARCH {
            return false;
        }
        match n.kind_name() {
            "break_statement" | "return_statement" => return true,
            "function_definition" | "lambda" | "class_definition" => continue,
            "for_statement" | "while_statement" => {
                // A `return` inside an inner loop still leaves; its `break` does not.
                if has_return(n) {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        stack.extend(n.named_children());
    }
    false
}

fn has_return(body: Node<'_>) -> bool {
    let mut stack = vec![body];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > MAX_YIELD_SEARCH {
            return false;
        }
        match n.kind_name() {
            "return_statement" => return true,
            "function_definition" | "lambda" | "class_definition" => continue,
            _ => {}
        }
        stack.extend(n.named_children());
    }
    false
}

/// Whether the function has a `yield` of its own that ends before `byte`.
fn yield_before(def: Node<'_>, byte: usize) -> bool {
    let Some(body) = def.child_by_field_id(F.body) else {
        return false;
    };
    let mut stack = vec![body];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > MAX_YIELD_SEARCH || n.start_byte() >= byte {
            continue;
        }
        match n.kind_name() {
            "yield" if n.end_byte() <= byte => return true,
            "function_definition" | "lambda" | "class_definition" => continue,
            _ => {}
        }
        stack.extend(n.named_children());
    }
    false
}
