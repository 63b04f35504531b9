//! Observability facts from Python: log calls (with what they log and the `except` clause they
//! sit in), `print` outside command-line output, `sentry_sdk.init`, and capability uses.

use std::collections::HashMap;

use super::syntax::Node;

use super::{literal, CallParts, Ctx, Extractor, Kind, F};
use crate::catalog::observability::{is_dsn, level_constant, log_level};
use crate::facts::observability::{
    Capability, CapabilityUse, Handler, LogCall, LogLevel, LoggedValue, PrintCall, SentryGuard,
    SentryInit,
};
use crate::facts::{Lang, Span, Value};

/// How deep a logged expression is read for the names in it.
const MAX_VALUE_DEPTH: usize = 12;
/// How far up the tree a call looks for its `except` clause or `__main__` guard.
const MAX_ANCESTORS: usize = 200;

/// Modules whose import makes a file a command-line entry point.
const CLI_MODULES: &[&str] = &[
    "argparse",
    "click",
    "typer",
    "fire",
    "docopt",
    "optparse",
    "cleo",
    "getopt",
    "django.core.management",
];

/// Calls whose result is the value they are given, as far as what it is named goes.
const TRANSPARENT_CALLS: &[&str] = &[
    "str",
    "repr",
    "dict",
    "list",
    "tuple",
    "vars",
    "format",
    "strip",
    "lstrip",
    "rstrip",
    "decode",
    "encode",
    "lower",
    "upper",
    "to_dict",
    "model_dump",
    "json",
    "items",
    "values",
    "copy",
    "get_secret_value",
    "dumps",
    "pformat",
];

/// Serialisers whose use in a `logging.Formatter` subclass makes its records JSON.
const JSON_DUMPS: &[&str] = &[
    "json.dumps",
    "orjson.dumps",
    "ujson.dumps",
    "rapidjson.dumps",
];

#[derive(Default)]
pub(super) struct ObsState {
    /// Name as written (`logger`, `self.log`, `REQUESTS`) → the observability type it holds.
    objects: HashMap<String, String>,
    /// The file has an `if __name__ == "__main__":` block.
    script: bool,
}

impl Extractor<'_, '_> {
    /// Before pass 2: whether the file is a command-line entry point, and its `__main__` blocks.
    pub(super) fn obs_prepare(&mut self, root: Node<'_>) {
        self.facts.observability.cli = self.aliases.values().any(|q| {
            CLI_MODULES.iter().any(|m| {
                q.strip_prefix(m)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        });
        for stmt in root.named_children() {
            if stmt.kind_name() != "if_statement" {
                continue;
            }
            let is_guard = stmt.child_by_field_id(F.condition).is_some_and(|c| {
                let t: String = self.text(c).split_whitespace().collect();
                t.contains("__name__==") && t.contains("__main__")
            });
            if !is_guard {
                continue;
            }
            // A file run as a script: its output is for whoever runs it.
            self.obs.script = true;
        }
    }

    /// `logger = logging.getLogger(..)`, `self.requests = Counter(..)`: names that hold an
    /// observability object.
    pub(super) fn obs_assignment(&mut self, left: Node<'_>, right: Node<'_>) {
        if !matches!(left.kind_name(), "identifier" | "attribute") {
            return;
        }
        let value = if right.kind_name() == "await" {
            right.named_child(0).unwrap_or(right)
        } else {
            right
        };
        if let Some(ty) = self.obs_type_of(value, 0) {
            self.obs.objects.insert(self.text(left).to_string(), ty);
        }
    }

    /// A string literal that names a header, a formatter class or a middleware.
    pub(super) fn obs_string(&mut self, node: Node<'_>, ctx: &Ctx) {
        // Long strings are prose or SQL, not a header name or a dotted path.
        if node.end_byte() - node.start_byte() > 120 {
            return;
        }
        let Some(Value::Str { value }) = literal(self, node, 0) else {
            return;
        };
        let specs: Vec<Capability> = self
            .catalog
            .obs_string(Lang::Python, &value)
            .iter()
            .map(|s| s.capability)
            .collect();
        for capability in specs {
            self.obs_capability(capability, format!("{value:?}"), node, ctx);
        }
    }

    /// `import ddtrace.auto`: an import that switches instrumentation on.
    pub(super) fn obs_import(&mut self, node: Node<'_>, ctx: &Ctx) {
        let modules: Vec<String> = node
            .named_children()
            .filter(|n| n.kind_name() == "dotted_name")
            .map(|n| super::dotted(self.text(n)))
            .collect();
        for module in modules {
            let caps: Vec<Capability> = self
                .catalog
                .obs_import(Lang::Python, &module)
                .iter()
                .map(|s| s.capability)
                .collect();
            for capability in caps {
                self.obs_capability(capability, module.clone(), node, ctx);
            }
        }
    }

    fn obs_capability(&mut self, capability: Capability, via: String, node: Node<'_>, ctx: &Ctx) {
        let span = self.span(node);
        self.facts.observability.capabilities.push(CapabilityUse {
            capability,
            via,
            span,
            in_test: ctx.in_test || self.file_is_test,
        });
    }

    /// The observability type of an expression: a name assigned one, a factory call, a method
    /// that returns the same logger (`logger.bind(..)`), or a receiver named like a logger.
    fn obs_type_of(&self, node: Node<'_>, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match node.kind_name() {
            "identifier" | "attribute" => {
                if let Some(ty) = self.obs.objects.get(self.text(node)) {
                    return Some(ty.clone());
                }
                if let Some(q) = self.qualname_raw(node) {
                    // `from loguru import logger`: an imported object that is its own type.
                    return self
                        .catalog
                        .obs_factory(Lang::Python, &q)
                        .filter(|t| t.name == q)
                        .map(|t| t.name.clone());
                }
                let last = match node.kind_name() {
                    "attribute" => node.child_by_field_id(F.attribute)?,
                    _ => node,
                };
                self.catalog
                    .obs_receiver_name(Lang::Python, self.text(last))
                    .map(|t| t.name.clone())
            }
            "call" => {
                let function = node.child_by_field_id(F.function)?;
                if let Some(t) = self
                    .qualname_raw(function)
                    .and_then(|q| self.catalog.obs_factory(Lang::Python, &q))
                {
                    return Some(t.name.clone());
                }
                if function.kind_name() != "attribute" {
                    return None;
                }
                // `logger.bind(request_id=rid)`: the same kind of logger.
                let object = function.child_by_field_id(F.object)?;
                let method = self.text(function.child_by_field_id(F.attribute)?);
                let ty = self.obs_type_of(object, depth + 1)?;
                let spec = self.catalog.obs_factory(Lang::Python, &ty)?;
                spec.chaining.iter().any(|c| c == method).then_some(ty)
            }
            "parenthesized_expression" => self.obs_type_of(node.named_child(0)?, depth + 1),
            _ => None,
        }
    }

    /// The qualified callee of a call for observability: through imports, then through the
    /// observability object it is called on.
    fn obs_callee(&self, function: Node<'_>, qualname: Option<&str>) -> Option<String> {
        if let Some(q) = qualname {
            return Some(q.to_string());
        }
        if function.kind_name() != "attribute" {
            return None;
        }
        let object = function.child_by_field_id(F.object)?;
        let method = self.text(function.child_by_field_id(F.attribute)?);
        let ty = self.obs_type_of(object, 0)?;
        Some(format!("{ty}.{method}"))
    }

    pub(super) fn obs_call(&mut self, call: Node<'_>, parts: &CallParts<'_>, ctx: &Ctx) {
        let Some(function) = parts.function else {
            return;
        };
        let args = parts.arguments;
        if function.kind_name() == "identifier" && self.text(function) == "print" {
            self.obs_print(call, function, args, ctx);
            return;
        }
        if let Some(args) = args {
            self.obs_class_arguments(args, ctx);
        }
        let Some(callee) = self.obs_callee(function, parts.qualname.as_deref()) else {
            return;
        };
        if JSON_DUMPS.contains(&callee.as_str()) && self.in_formatter_class(call) {
            self.obs_capability(
                Capability::StructuredLogging,
                "logging.Formatter subclass writing JSON".into(),
                function,
                ctx,
            );
        }
        if callee == "sentry_sdk.init" || callee == "sentry_sdk.client.Client" {
            self.obs_sentry(call, function, args, ctx);
        }
        let specs: Vec<(Capability, Option<String>)> = self
            .catalog
            .obs_specs(Lang::Python, &callee)
            .iter()
            .map(|s| (s.capability, s.requires.clone()))
            .collect();
        let mut logs = false;
        for (capability, requires) in specs {
            if let Some(keyword) = requires {
                let set = args.is_some_and(|a| {
                    self.keyword_in_args(a, &keyword)
                        .is_some_and(|v| truthy(self, v))
                });
                if !set {
                    continue;
                }
            }
            let capability =
                if capability == Capability::LatencyMetrics && !self.names_latency(args) {
                    Capability::Metrics
                } else {
                    capability
                };
            logs |= capability == Capability::Logging;
            self.obs_capability(capability, callee.clone(), function, ctx);
        }
        if logs {
            self.obs_log_call(call, function, args, callee, ctx);
        }
    }

    /// Inside a class derived from `logging.Formatter`.
    fn in_formatter_class(&self, node: Node<'_>) -> bool {
        let mut n = node;
        for _ in 0..MAX_ANCESTORS {
            let Some(p) = n.parent() else { return false };
            n = p;
            if n.kind_name() != "class_definition" {
                continue;
            }
            let Some(bases) = n.child_by_field_id(F.superclasses) else {
                return false;
            };
            let found = bases.named_children().any(|b| {
                self.qualname_raw(b)
                    .is_some_and(|q| q == "logging.Formatter" || q.ends_with("JsonFormatter"))
            });
            return found;
        }
        false
    }

    /// `app.add_middleware(CorrelationIdMiddleware)`, `Middleware(PrometheusMiddleware)`: a
    /// catalogued class handed over to be instantiated by a framework.
    fn obs_class_arguments(&mut self, args: Node<'_>, ctx: &Ctx) {
        let handed = args
            .named_children()
            .filter(|a| matches!(a.kind_name(), "identifier" | "attribute"));
        for arg in handed {
            let Some(q) = self.qualname_raw(arg) else {
                continue;
            };
            let caps: Vec<Capability> = self
                .catalog
                .obs_specs(Lang::Python, &q)
                .iter()
                .filter(|s| s.capability != Capability::Logging && s.requires.is_none())
                .map(|s| s.capability)
                .collect();
            for c in caps {
                self.obs_capability(c, q.clone(), arg, ctx);
            }
        }
    }

    /// A histogram whose literal name says it measures something other than time
    /// (`response_size_bytes`) is no latency metric; an unnamed one is taken to be one.
    fn names_latency(&self, args: Option<Node<'_>>) -> bool {
        let Some(args) = args else { return true };
        let name = self.keyword_in_args(args, "name").or_else(|| {
            let first = args.named_children().next();
            first.filter(|n| n.kind_name() != "keyword_argument")
        });
        match name.and_then(|n| literal(self, n, 0)) {
            Some(Value::Str { value }) => crate::catalog::observability::names_latency(&value),
            _ => true,
        }
    }

    fn keyword_in_args<'t>(&self, args: Node<'t>, name: &str) -> Option<Node<'t>> {
        let found = args.named_children().find(|a| {
            a.kind_name() == "keyword_argument"
                && a.child_by_field_id(F.name)
                    .is_some_and(|n| self.text(n) == name)
        });
        found.and_then(|a| a.child_by_field_id(F.value))
    }

    fn obs_print(&mut self, call: Node<'_>, function: Node<'_>, args: Option<Node<'_>>, ctx: &Ctx) {
        if self.module_defs.contains("print")
            || self.scopes.iter().any(|s| s.shadowed.contains("print"))
            || self.facts.observability.cli
            || self.obs.script
        {
            return;
        }
        // `print(row, file=out)` writes a file, not the service's output.
        if let Some(file) = args.and_then(|a| self.keyword_in_args(a, "file")) {
            let target = self.qualname_raw(file);
            if !matches!(target.as_deref(), Some("sys.stdout" | "sys.stderr")) {
                return;
            }
        }
        if enclosing_function(self, call) == Some("main") {
            return;
        }
        let span = self.call_span(call, function);
        self.remember_line(span.line);
        self.facts.observability.prints.push(PrintCall {
            callee: "print".into(),
            span,
            in_test: ctx.in_test || self.file_is_test,
        });
    }

    fn call_span(&self, call: Node<'_>, function: Node<'_>) -> Span {
        let end = self.span(call);
        Span {
            end_line: end.end_line,
            end_col: end.end_col,
            ..self.span(function)
        }
    }

    fn obs_log_call(
        &mut self,
        call: Node<'_>,
        function: Node<'_>,
        args: Option<Node<'_>>,
        callee: String,
        ctx: &Ctx,
    ) {
        let mut level = log_level(&callee);
        let mut values = Vec::new();
        let mut exc_info = false;
        if let Some(args) = args {
            let children: Vec<Node> = args.named_children().collect();
            for (i, arg) in children.iter().enumerate() {
                if arg.kind_name() == "keyword_argument" {
                    let name = arg
                        .child_by_field_id(F.name)
                        .map(|n| self.text(n))
                        .unwrap_or("");
                    let value = arg.child_by_field_id(F.value);
                    match name {
                        "exc_info" => exc_info |= value.is_some_and(|v| truthy(self, v)),
                        "stack_info" | "stacklevel" => {}
                        "extra" => {
                            if let Some(v) = value {
                                self.logged_names(v, 0, &mut values);
                            }
                        }
                        _ => {
                            values.push(LoggedValue {
                                name: name.to_string(),
                                path: name.to_string(),
                            });
                            if let Some(v) = value {
                                self.logged_names(v, 0, &mut values);
                            }
                        }
                    }
                } else if i == 0 && callee.ends_with(".log") {
                    level = level_constant(self.text(*arg));
                } else {
                    self.logged_names(*arg, 0, &mut values);
                }
            }
        }
        // loguru: `logger.opt(exception=True).error(..)`.
        if let Some(object) = function.child_by_field_id(F.object) {
            let t = self.text(object);
            exc_info |=
                t.contains(".opt(") && t.contains("exception=") && !t.contains("exception=False");
        }
        let handler = self.enclosing_handler(call);
        let mentions_error = match handler.as_ref().and_then(|h| h.binding.as_deref()) {
            Some(b) => args.is_some_and(|a| mentions(self, a, b, 0)),
            None => false,
        };
        let span = self.call_span(call, function);
        self.remember_line(span.line);
        self.facts.observability.log_calls.push(LogCall {
            callee,
            level,
            span,
            values,
            exc_info: exc_info || level == Some(LogLevel::Exception),
            handler,
            mentions_error,
            in_test: ctx.in_test || self.file_is_test,
        });
    }

    /// The names of what an expression logs.
    fn logged_names(&self, node: Node<'_>, depth: usize, out: &mut Vec<LoggedValue>) {
        if depth > MAX_VALUE_DEPTH {
            return;
        }
        let recurse_children = |out: &mut Vec<LoggedValue>| {
            for child in node.named_children() {
                self.logged_names(child, depth + 1, out);
            }
        };
        match node.kind_name() {
            "identifier" => out.push(LoggedValue {
                name: self.text(node).to_string(),
                path: self.text(node).to_string(),
            }),
            "attribute" => {
                if let Some(attr) = node.child_by_field_id(F.attribute) {
                    out.push(LoggedValue {
                        name: self.text(attr).to_string(),
                        path: short(self.text(node)),
                    });
                }
            }
            "subscript" => {
                let Some(base) = node.child_by_field_id(F.value) else {
                    return;
                };
                let index = node.child_by_field_id(F.subscript);
                match index.map(|i| (i, literal(self, i, 0))) {
                    Some((_, Some(Value::Str { value }))) => out.push(LoggedValue {
                        name: value,
                        path: short(self.text(node)),
                    }),
                    // `token[:6]`: a prefix, logged on purpose to tell values apart.
                    Some((i, _)) if i.kind_name() == "slice" => {}
                    _ => self.logged_names(base, depth + 1, out),
                }
            }
            "call" => {
                let Some(function) = node.child_by_field_id(F.function) else {
                    return;
                };
                let name = match function.kind_name() {
                    "attribute" => function.child_by_field_id(F.attribute),
                    _ => Some(function),
                };
                let name = name.map(|n| self.text(n)).unwrap_or("");
                let args = node.child_by_field_id(F.arguments);
                // `headers.get("Authorization")`: the value under that key.
                if name == "get" {
                    if let Some(first) = args.and_then(|a| a.named_child(0)) {
                        if let Some(Value::Str { value }) = literal(self, first, 0) {
                            out.push(LoggedValue {
                                name: value,
                                path: short(self.text(node)),
                            });
                        }
                    }
                    return;
                }
                if !TRANSPARENT_CALLS.contains(&name) {
                    return;
                }
                if function.kind_name() == "attribute" {
                    if let Some(object) = function.child_by_field_id(F.object) {
                        self.logged_names(object, depth + 1, out);
                    }
                }
                if let Some(a) = args {
                    self.logged_names(a, depth + 1, out);
                }
            }
            "keyword_argument" => {
                if let Some(n) = node.child_by_field_id(F.name) {
                    out.push(LoggedValue {
                        name: self.text(n).to_string(),
                        path: self.text(n).to_string(),
                    });
                }
                if let Some(v) = node.child_by_field_id(F.value) {
                    self.logged_names(v, depth + 1, out);
                }
            }
            "pair" => {
                if let Some(Value::Str { value }) = node
                    .child_by_field_id(F.key)
                    .and_then(|k| literal(self, k, 0))
                {
                    out.push(LoggedValue {
                        path: value.clone(),
                        name: value,
                    });
                }
                if let Some(v) = node.child_by_field_id(F.value) {
                    self.logged_names(v, depth + 1, out);
                }
            }
            "interpolation" => {
                if let Some(e) = node.child_by_field_id(F.expression) {
                    self.logged_names(e, depth + 1, out);
                }
            }
            // `"%s" % token`, `"a" + token`; a `.format(..)` call on a literal is a call above.
            "binary_operator" => recurse_children(out),
            "string"
            | "concatenated_string"
            | "dictionary"
            | "list"
            | "tuple"
            | "set"
            | "parenthesized_expression"
            | "argument_list"
            | "conditional_expression"
            | "expression_list" => recurse_children(out),
            _ => {}
        }
    }

    /// The innermost `except` clause around a call in the same function.
    fn enclosing_handler(&self, call: Node<'_>) -> Option<Handler> {
        let mut node = call;
        for _ in 0..MAX_ANCESTORS {
            node = node.parent()?;
            match node.kind_name() {
                "function_definition" | "lambda" | "class_definition" => return None,
                "except_clause" => return Some(self.handler(node)),
                _ => {}
            }
        }
        None
    }

    fn handler(&self, clause: Node<'_>) -> Handler {
        let mut value = clause.child_by_field_id(F.value);
        let mut alias = clause.child_by_field_id(F.alias);
        // Older grammars: `except E as e` is one `as_pattern`.
        if let Some(v) = value.filter(|v| v.kind_name() == "as_pattern") {
            alias = v.child_by_field_id(F.alias);
            value = v.named_child(0);
        }
        let binding = alias.map(|a| {
            let id = a
                .named_child(0)
                .filter(|_| a.kind_name() != "identifier")
                .unwrap_or(a);
            self.text(id).to_string()
        });
        let catches_all = match value {
            None => true,
            Some(v) => {
                let t = self.text(v);
                t.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .any(|w| matches!(w, "Exception" | "BaseException" | "builtins.Exception"))
            }
        };
        let body = clause.named_children().find(|c| c.kind_name() == "block");
        let binding_used = match (&binding, body) {
            (Some(b), Some(body)) => mentions(self, body, b, 0),
            _ => false,
        };
        let reraises = body.is_some_and(|b| raises(b, 0));
        let logs_traceback = body.is_some_and(|b| {
            let t = self.text(b);
            t.contains(".exception(") || (t.contains("exc_info=") && !t.contains("exc_info=False"))
        });
        Handler {
            binding,
            catches_all,
            binding_used,
            reraises,
            logs_traceback,
        }
    }

    fn obs_sentry(
        &mut self,
        call: Node<'_>,
        function: Node<'_>,
        args: Option<Node<'_>>,
        ctx: &Ctx,
    ) {
        let (parsed, _, forwards) = match args {
            Some(a) => self.arguments(a),
            None => (Vec::new(), false, false),
        };
        let kw = |name: &str| {
            parsed
                .iter()
                .rev()
                .find(|a| a.name.as_deref() == Some(name))
        };
        let dsn = kw("dsn").or_else(|| parsed.iter().find(|a| a.name.is_none()));
        let dsn_literal =
            matches!(dsn.map(|a| &a.value), Some(Value::Str { value }) if is_dsn(value));
        let send_default_pii = matches!(
            kw("send_default_pii").map(|a| &a.value),
            Some(Value::Bool { value: true })
        );
        let full_trace_sampling = matches!(
            kw("traces_sample_rate").map(|a| &a.value),
            Some(Value::Number { value }) if *value >= 1.0
        );
        let traced = kw("traces_sampler").is_some()
            || matches!(
                kw("enable_tracing").map(|a| &a.value),
                Some(Value::Bool { value: true })
            )
            || kw("traces_sample_rate").is_some_and(|a| {
                !matches!(a.value, Value::Number { value } if value <= 0.0)
                    && a.value != Value::None
            });
        if traced {
            self.obs_capability(Capability::Tracing, "sentry_sdk.init".into(), function, ctx);
        }
        let span = self.call_span(call, function);
        self.remember_line(span.line);
        self.facts.observability.sentry_inits.push(SentryInit {
            span,
            dsn_literal,
            send_default_pii,
            full_trace_sampling,
            sets_environment: kw("environment").is_some(),
            sets_release: kw("release").is_some(),
            // `sentry_sdk.init()` takes everything from `SENTRY_*` environment variables.
            forwards_options: forwards || parsed.is_empty(),
            guard: SentryGuard::Kept,
            in_test: ctx.in_test || self.file_is_test,
        });
    }
}

/// Not a literal `False`, `None` or `0`.
fn truthy(x: &Extractor<'_, '_>, node: Node<'_>) -> bool {
    !matches!(
        literal(x, node, 0),
        Some(Value::None | Value::Bool { value: false } | Value::Number { value: 0.0 })
    )
}

/// Whether `name` is used as an identifier in the expression or block.
fn mentions(x: &Extractor<'_, '_>, node: Node<'_>, name: &str, depth: usize) -> bool {
    if depth > 60 {
        return false;
    }
    if node.kind_name() == "identifier" {
        return x.text(node) == name;
    }
    let children: Vec<Node> = node.named_children().collect();
    children
        .into_iter()
        .any(|c| mentions(x, c, name, depth + 1))
}

/// Whether a block raises, outside functions defined in it.
fn raises(node: Node<'_>, depth: usize) -> bool {
    if depth > 60 {
        return false;
    }
    match node.kind_name() {
        "raise_statement" => return true,
        "function_definition" | "lambda" | "class_definition" => return false,
        _ => {}
    }
    let children: Vec<Node> = node.named_children().collect();
    children.into_iter().any(|c| raises(c, depth + 1))
}

/// The name of the function a node is defined in, if any.
fn enclosing_function<'a>(x: &Extractor<'a, '_>, node: Node<'_>) -> Option<&'a str> {
    let mut n = node;
    for _ in 0..MAX_ANCESTORS {
        n = n.parent()?;
        if n.kind_name() == "function_definition" {
            return n.child_by_field_id(F.name).map(|m| x.text(m));
        }
    }
    None
}

/// An expression as written, cut short for facts.
fn short(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match t.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t,
    }
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
    fn capabilities_are_found_through_imports_and_objects() {
        let caps = capabilities(
            r#"
import structlog
from prometheus_client import Counter, Histogram
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from asgi_correlation_id import CorrelationIdMiddleware
import sentry_sdk
import ddtrace.auto

structlog.configure(processors=[structlog.processors.JSONRenderer()])
REQUESTS = Counter("requests_total", "requests")
LATENCY = Histogram("request_duration_seconds", "latency")
SIZES = Histogram("response_size_bytes", "sizes")

def setup(app):
    FastAPIInstrumentor.instrument_app(app)
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")
    sentry_sdk.init(traces_sample_rate=0.1)

def handle():
    REQUESTS.inc()
"#,
        );
        let has = |c: Capability, via: &str| caps.iter().any(|(k, v)| *k == c && v == via);
        assert!(has(Capability::StructuredLogging, "structlog.configure"));
        assert!(has(
            Capability::StructuredLogging,
            "structlog.processors.JSONRenderer"
        ));
        assert!(has(Capability::Metrics, "prometheus_client.Counter"));
        assert!(has(Capability::Metrics, "prometheus_client.Counter.inc"));
        assert!(has(
            Capability::LatencyMetrics,
            "prometheus_client.Histogram"
        ));
        // A histogram of sizes is metrics, not latency.
        assert_eq!(
            caps.iter()
                .filter(
                    |(k, v)| *k == Capability::LatencyMetrics && v == "prometheus_client.Histogram"
                )
                .count(),
            1
        );
        assert!(has(
            Capability::Tracing,
            "opentelemetry.instrumentation.fastapi.FastAPIInstrumentor.instrument_app"
        ));
        assert!(has(Capability::Tracing, "ddtrace.auto"));
        assert!(has(Capability::Tracing, "sentry_sdk.init"));
        assert!(has(
            Capability::CorrelationId,
            "asgi_correlation_id.CorrelationIdMiddleware"
        ));
        assert!(has(Capability::CorrelationId, "\"X-Request-ID\""));
        assert!(has(Capability::ErrorReporting, "sentry_sdk.init"));
    }

    #[test]
    fn structured_logging_needs_what_makes_it_structured() {
        let caps = capabilities(
            r#"
import logging
import sys
from loguru import logger

logger.add(sys.stderr, serialize=True)
logger.add("plain.log")
logging.basicConfig(level=logging.INFO)
logging.config.dictConfig({"formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}}})
"#,
        );
        let structured: Vec<&String> = caps
            .iter()
            .filter(|(k, _)| *k == Capability::StructuredLogging)
            .map(|(_, v)| v)
            .collect();
        assert_eq!(
            structured,
            [
                "loguru.logger.add",
                "\"pythonjsonlogger.jsonlogger.JsonFormatter\""
            ]
        );
        assert!(caps
            .iter()
            .any(|(k, v)| *k == Capability::LoggingSetup && v == "logging.basicConfig"));
    }

    #[test]
    fn a_formatter_that_writes_json_is_structured_logging() {
        let caps = capabilities(
            r#"
import json
import logging

class JsonFormatter(logging.Formatter):
    def format(self, record):
        return json.dumps({"msg": record.getMessage(), "level": record.levelname})

def dump(x):
    return json.dumps(x)
"#,
        );
        let structured = caps
            .iter()
            .filter(|(k, _)| *k == Capability::StructuredLogging)
            .count();
        assert_eq!(structured, 1);
    }
}
