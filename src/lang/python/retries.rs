//! Retry logic in Python (RES201–RES207): tenacity, backoff, urllib3 `Retry` and
//! `HTTPAdapter(max_retries=..)`, Celery `autoretry_for`, stamina and retrying policies, and
//! hand-written retry loops. Called from pass 2 (`emit`) on decorated definitions, calls,
//! assignments and loops.

use std::collections::HashMap;

use super::syntax::Node;

use super::{CallParts, Ctx, Extractor, Kind, Tag, F};
use crate::catalog::{ErrorKind, PolicyStyle, RetryPolicySpec};
use crate::facts::{Lang, RetryDelay, RetryFact, Span, Value};
use crate::lang::observe;

/// How deep the searches inside a retried body go.
const MAX_WALK: usize = 60;

/// Names (`client`, `self.s3`) bound in this file to a client that retries by itself.
#[derive(Default)]
pub(super) struct RetryState {
    clients: HashMap<String, String>,
}

/// What a retry condition covers.
#[derive(Default)]
struct Covers {
    /// The exception types named, as written or resolved.
    names: Vec<String>,
    /// Takes every exception (no condition given, a bare `except:`).
    everything: bool,
    /// A predicate or something else that cannot be read.
    unknown: bool,
}

impl Covers {
    fn everything() -> Covers {
        Covers {
            everything: true,
            ..Covers::default()
        }
    }
}

/// A policy read from its arguments.
struct Policy {
    delay: RetryDelay,
    delay_detail: String,
    bounded: Option<bool>,
    bound_detail: String,
    covers: Covers,
    /// `giveup=` or a similar escape that classifies errors.
    classified: bool,
    observed: bool,
    /// Statuses the policy itself retries that are client errors (urllib3 `status_forcelist`).
    status_errors: Option<String>,
}

impl Extractor<'_, '_> {
    /// The hook: one call per node in pass 2.
    pub(super) fn retry_node(&mut self, node: Node<'_>, ctx: &Ctx) {
        match node.tag() {
            Tag::DecoratedDefinition => self.retry_decorators(node, ctx),
            Tag::Assignment => self.retry_client_binding(node),
            Tag::ForStatement | Tag::WhileStatement => self.retry_loop(node, ctx),
            _ => {}
        }
    }

    fn in_test_ctx(&self, ctx: &Ctx) -> bool {
        ctx.in_test || self.file_is_test
    }

    /// The qualified name of a name or attribute; builtins (`Exception`) as written.
    fn retry_name(&self, node: Node<'_>) -> String {
        self.qualname_raw(node)
            .unwrap_or_else(|| self.text(node).to_string())
    }

    /// The retry policy a qualified name calls, with the name.
    fn policy_named(&self, name: &str) -> Option<(String, RetryPolicySpec)> {
        let spec = self.catalog.retries.policy(Lang::Python, name)?;
        Some((name.to_string(), spec.clone()))
    }

    // ------------------------------------------------------------------ decorators

    fn retry_decorators(&mut self, node: Node<'_>, ctx: &Ctx) {
        let Some(def) = node
            .child_by_field_id(F.definition)
            .filter(|d| d.kind_name() == "function_definition")
        else {
            return;
        };
        let body = def.child_by_field_id(F.body);
        let decorators: Vec<Node> = node
            .named_children()
            .filter(|d| d.kind_name() == "decorator")
            .collect();
        for decorator in decorators {
            let Some(expr) = decorator.named_child(0) else {
                continue;
            };
            let (callee, args) = match expr.kind_name() {
                "call" => (
                    expr.child_by_field_id(F.function),
                    expr.child_by_field_id(F.arguments),
                ),
                "identifier" | "attribute" => (Some(expr), None),
                _ => continue,
            };
            let Some(callee) = callee else { continue };
            let found = self
                .qualname_raw(callee)
                .and_then(|name| self.policy_named(&name));
            let (name, spec) = match found {
                Some(found) => found,
                // `@app.task(autoretry_for=..)` on a Celery app made elsewhere.
                None if self.is_celery_task(callee, args) => {
                    let Some(spec) = self
                        .catalog
                        .retries
                        .policy(Lang::Python, "celery.Celery.task")
                    else {
                        continue;
                    };
                    (self.text(callee).to_string(), spec.clone())
                }
                None => continue,
            };
            if spec.style == PolicyStyle::Celery && !self.is_celery_task(callee, args) {
                continue;
            }
            let shown = format!("`@{}`", short(self.text(callee)));
            self.policy_fact(&spec, &name, shown, self.span(decorator), args, body, ctx);
        }
    }

    fn is_celery_task(&self, callee: Node<'_>, args: Option<Node<'_>>) -> bool {
        let named_task = self.text(callee).rsplit('.').next() == Some("task")
            || self.text(callee) == "shared_task";
        named_task && args.is_some_and(|a| keyword(self, a, "autoretry_for").is_some())
    }

    // ------------------------------------------------------------------ calls

    pub(super) fn retry_call(&mut self, node: Node<'_>, call: &CallParts<'_>, ctx: &Ctx) {
        let Some(function) = call.function else {
            return;
        };
        let policy = call
            .qualname
            .as_deref()
            .and_then(|name| self.policy_named(name));
        let mounts = function.kind_name() == "attribute"
            && function
                .child_by_field_id(F.attribute)
                .is_some_and(|a| self.text(a) == "mount");
        // Decorators are read with the function they decorate.
        if (policy.is_none() && !mounts)
            || node.parent().is_some_and(|p| p.kind_name() == "decorator")
        {
            return;
        }
        let args = call.arguments;
        if mounts {
            self.note_mount(function, args);
        }
        let Some((name, spec)) = policy else {
            return;
        };
        if spec.style == PolicyStyle::Celery {
            return;
        }
        // `for attempt in Retrying(..): with attempt: ...` retries the loop's body;
        // `retry(..)(fetch)` a function defined elsewhere.
        let body = node
            .parent()
            .filter(|p| p.kind_name() == "for_statement")
            .and_then(|p| p.child_by_field_id(F.body));
        let shown = format!("`{}(..)`", short(self.text(function)));
        let span = self.span(function);
        self.policy_fact(&spec, &name, shown, span, args, body, ctx);
    }

    /// `session.mount("https://", HTTPAdapter(max_retries=retry))`: the session retries by itself.
    fn note_mount(&mut self, function: Node<'_>, args: Option<Node<'_>>) {
        let (Some(object), Some(args)) = (function.child_by_field_id(F.object), args) else {
            return;
        };
        let adapters: Vec<Node> = args
            .named_children()
            .filter(|a| a.kind_name() == "call")
            .collect();
        for adapter in adapters {
            if let Some(what) = self.retrying_client(adapter) {
                let key = self.text(object).to_string();
                self.retry_state.clients.insert(key, what);
            }
        }
    }

    /// `client = openai.OpenAI()`, `self.s3 = boto3.client("s3")`: names that hold a client
    /// that retries by itself.
    fn retry_client_binding(&mut self, node: Node<'_>) {
        let (Some(left), Some(right)) = (
            node.child_by_field_id(F.left),
            node.child_by_field_id(F.right),
        ) else {
            return;
        };
        if !matches!(left.kind_name(), "identifier" | "attribute") {
            return;
        }
        let key = self.text(left).to_string();
        let right = match right.kind_name() {
            "await" => right.named_child(0).unwrap_or(right),
            _ => right,
        };
        match self.retrying_client(right) {
            Some(what) => {
                self.retry_state.clients.insert(key, what);
            }
            None => {
                self.retry_state.clients.remove(&key);
            }
        }
    }

    /// A constructor call of a client that retries by itself, unless its retries are off.
    fn retrying_client(&self, call: Node<'_>) -> Option<String> {
        self.retrying_client_at(call, 0)
    }

    fn retrying_client_at(&self, call: Node<'_>, depth: usize) -> Option<String> {
        if call.kind_name() != "call" || depth > 4 {
            return None;
        }
        let name = self.qualname_raw(call.child_by_field_id(F.function)?)?;
        let args = call.child_by_field_id(F.arguments);
        let Some(spec) = self.catalog.retries.client(Lang::Python, &name) else {
            // `httpx.Client(transport=httpx.HTTPTransport(retries=3))`: a retrying part.
            let args = args?;
            let parts: Vec<Node> = args
                .named_children()
                .filter_map(|a| match a.kind_name() {
                    "keyword_argument" => a.child_by_field_id(F.value),
                    _ => Some(a),
                })
                .filter(|v| v.kind_name() == "call")
                .collect();
            return parts
                .into_iter()
                .find_map(|p| self.retrying_client_at(p, depth + 1));
        };
        if let Some(off) = &spec.off {
            let value = args.and_then(|a| keyword(self, a, off));
            if value
                .is_some_and(|v| super::literal(self, v, 0) == Some(Value::Number { value: 0.0 }))
            {
                return None;
            }
        }
        if let Some(required) = &spec.requires {
            let value = args.and_then(|a| keyword(self, a, required))?;
            match super::literal(self, value, 0) {
                Some(Value::Number { value }) if value <= 0.0 => return None,
                Some(Value::None | Value::Bool { value: false }) => return None,
                _ => {}
            }
        }
        Some(spec.what.clone())
    }

    // ------------------------------------------------------------------ policies

    #[allow(clippy::too_many_arguments)]
    fn policy_fact(
        &mut self,
        spec: &RetryPolicySpec,
        name: &str,
        what: String,
        span: Span,
        args: Option<Node<'_>>,
        body: Option<Node<'_>>,
        ctx: &Ctx,
    ) {
        // `**kwargs` may carry any setting: nothing can be told.
        if args.is_some_and(|a| has_splat(a)) {
            return;
        }
        let Some(policy) = self.read_policy(spec, name, args) else {
            return;
        };
        let library = self.catalog.retries.library(Lang::Python, &spec.library);
        let mut observed = policy.observed || library.is_some_and(|l| l.logs_itself);
        let mut client_errors = policy.status_errors.clone();
        let mut amplifies = None;
        if let Some(body) = body {
            observed |= self.observes(body);
            amplifies = self.inner_retrying_client(body);
            if !policy.classified && client_errors.is_none() {
                client_errors = self.client_error_retry(&policy.covers, body);
            }
        }
        let cancellation = cancellation_in(self, &policy.covers).map(|n| {
            (
                span,
                format!("retries on `{n}`, which includes cancellation and interruption"),
            )
        });
        self.remember_line(span.line);
        self.facts.retries.push(RetryFact {
            library: spec.library.clone(),
            what,
            span,
            policy_span: span,
            delay: policy.delay,
            delay_detail: policy.delay_detail,
            delay_span: span,
            bounded: policy.bounded,
            bound_detail: policy.bound_detail,
            client_errors,
            cancellation,
            observed,
            amplifies,
            in_test: self.in_test_ctx(ctx),
        });
    }

    /// Reads a policy's arguments; `None` when it does not retry at all (`Retry(0)`).
    fn read_policy(
        &self,
        spec: &RetryPolicySpec,
        name: &str,
        args: Option<Node<'_>>,
    ) -> Option<Policy> {
        let kw = |k: &str| args.and_then(|a| keyword(self, a, k));
        let pos = |i: usize| args.and_then(|a| positional(a, i));
        let lit = |n: Option<Node<'_>>| n.and_then(|n| super::literal(self, n, 0));
        let mut p = Policy {
            delay: spec.default_delay,
            delay_detail: String::new(),
            bounded: Some(spec.bounded_by_default),
            bound_detail: String::new(),
            covers: Covers::default(),
            classified: false,
            observed: false,
            status_errors: None,
        };
        match spec.style {
            PolicyStyle::Tenacity => {
                match kw("stop") {
                    None => {
                        p.bounded = Some(false);
                        p.bound_detail = "no `stop=`: it retries forever".into();
                    }
                    Some(stop) => {
                        p.bounded = self.stop_bounds(stop, 0);
                        p.bound_detail = format!("`stop={}` never gives up", self.text(stop));
                    }
                }
                match kw("wait") {
                    None => {
                        p.delay = RetryDelay::None;
                        p.delay_detail = "no `wait=`: it retries at once".into();
                    }
                    Some(wait) => {
                        p.delay = self.wait_delay(wait, 0);
                        p.delay_detail = format!("`wait={}`", self.text(wait));
                    }
                }
                p.covers = match kw("retry") {
                    None => Covers::everything(),
                    Some(r) => self.tenacity_condition(r, 0),
                };
                p.observed = ["before_sleep", "after", "before"]
                    .iter()
                    .any(|k| kw(k).is_some_and(|v| v.kind_name() != "none"));
            }
            PolicyStyle::Backoff => {
                let predicate = name.ends_with("on_predicate");
                let wait = pos(0).or_else(|| kw("wait_gen"))?;
                let base = self.wait_delay(wait, 0);
                let jitter_off = kw("jitter").is_some_and(|j| j.kind_name() == "none");
                p.delay = match base {
                    RetryDelay::Exponential if !jitter_off => RetryDelay::Jittered,
                    // Polling until a result arrives at a steady pace is what on_predicate is for.
                    RetryDelay::Constant if predicate => RetryDelay::Unknown,
                    other => other,
                };
                p.delay_detail = if jitter_off {
                    format!("`{}` with `jitter=None`", self.text(wait))
                } else {
                    format!("`{}`", self.text(wait))
                };
                let cap = |k: &str| kw(k).filter(|v| v.kind_name() != "none");
                p.bounded = Some(cap("max_tries").is_some() || cap("max_time").is_some());
                p.bound_detail = "no `max_tries` or `max_time`: it retries forever".into();
                p.covers = if predicate {
                    Covers::default()
                } else {
                    match pos(1).or_else(|| kw("exception")) {
                        Some(e) => self.exception_types(e),
                        None => Covers::default(),
                    }
                };
                p.classified = kw("giveup").is_some();
                let logger_off = kw("logger").is_some_and(|l| l.kind_name() == "none");
                p.observed = !logger_off || kw("on_backoff").is_some();
            }
            PolicyStyle::Urllib3 => {
                // `Retry()` with no arguments is mostly a helper (`get_retry_after`) or a default.
                if !args.is_some_and(|a| a.named_child_count() > 0) {
                    return None;
                }
                let total = kw("total").or_else(|| pos(0));
                match lit(total) {
                    Some(Value::Number { value }) if value <= 0.0 => return None,
                    Some(Value::Bool { value: false }) => return None,
                    Some(Value::None) => {
                        let other = ["connect", "read", "redirect", "status", "other"]
                            .iter()
                            .any(|k| kw(k).is_some_and(|v| v.kind_name() != "none"));
                        p.bounded = Some(other);
                        p.bound_detail =
                            "`total=None` with no other count: it retries forever".into();
                    }
                    _ => {}
                }
                match (kw("backoff_factor"), lit(kw("backoff_factor"))) {
                    (None, _) => {
                        p.delay = RetryDelay::None;
                        p.delay_detail =
                            "no `backoff_factor` (default 0): it retries at once".into();
                    }
                    (Some(_), Some(Value::Number { value })) if value <= 0.0 => {
                        p.delay = RetryDelay::None;
                        p.delay_detail = "`backoff_factor=0`: it retries at once".into();
                    }
                    (Some(f), Some(Value::Number { .. })) => {
                        let jittered = kw("backoff_jitter").is_some_and(|j| {
                            !matches!(lit(Some(j)), Some(Value::Number { value }) if value <= 0.0)
                        });
                        p.delay = if jittered {
                            RetryDelay::Jittered
                        } else {
                            RetryDelay::Exponential
                        };
                        p.delay_detail =
                            format!("`backoff_factor={}` with no `backoff_jitter`", self.text(f));
                    }
                    _ => p.delay = RetryDelay::Unknown,
                }
                p.status_errors = kw("status_forcelist").and_then(|l| self.client_statuses(l));
            }
            PolicyStyle::HttpAdapter => {
                let retries = kw("max_retries")?;
                match lit(Some(retries)) {
                    Some(Value::Number { value }) if value > 0.0 => {
                        p.delay = RetryDelay::None;
                        p.delay_detail = format!(
                            "`max_retries={}` retries connection errors at once, with no backoff",
                            self.text(retries)
                        );
                    }
                    // A `Retry(..)` object is judged where it is made.
                    _ => return None,
                }
            }
            PolicyStyle::Celery => {
                match lit(kw("max_retries")) {
                    Some(Value::None) => {
                        p.bounded = Some(false);
                        p.bound_detail = "`max_retries=None`: it retries forever".into();
                    }
                    _ => p.bounded = Some(true),
                }
                let backoff = kw("retry_backoff");
                match lit(backoff) {
                    None if backoff.is_some() => p.delay = RetryDelay::Unknown,
                    None
                    | Some(Value::Bool { value: false })
                    | Some(Value::Number { value: 0.0 }) => {
                        p.delay = RetryDelay::Constant;
                        p.delay_detail = "no `retry_backoff`: every retry waits the same `default_retry_delay` (3 min)".into();
                    }
                    Some(_) => {
                        let jitter_off =
                            matches!(lit(kw("retry_jitter")), Some(Value::Bool { value: false }));
                        p.delay = if jitter_off {
                            RetryDelay::Exponential
                        } else {
                            RetryDelay::Jittered
                        };
                        p.delay_detail = "`retry_backoff` with `retry_jitter=False`".into();
                    }
                }
                p.covers = match kw("autoretry_for") {
                    Some(e) => self.exception_types(e),
                    None => Covers::default(),
                };
            }
            PolicyStyle::Stamina => {
                let none = |k: &str| matches!(lit(kw(k)), Some(Value::None));
                p.bounded = Some(!(none("attempts") && none("timeout")));
                p.bound_detail = "`attempts=None, timeout=None`: it retries forever".into();
                let jitter_off =
                    matches!(lit(kw("wait_jitter")), Some(Value::Number { value: 0.0 }));
                let flat = matches!(lit(kw("wait_exp_base")), Some(Value::Number { value: 1.0 }));
                p.delay = match (jitter_off, flat) {
                    (true, true) => RetryDelay::Constant,
                    (true, false) => RetryDelay::Exponential,
                    _ => RetryDelay::Jittered,
                };
                p.delay_detail = if flat {
                    "`wait_exp_base=1, wait_jitter=0`: a constant delay".into()
                } else {
                    "`wait_jitter=0`".into()
                };
                p.covers = match kw("on").or_else(|| pos(0)) {
                    Some(e) => self.exception_types(e),
                    None => Covers::default(),
                };
            }
            PolicyStyle::Retrying => {
                let has = |k: &str| kw(k).is_some();
                p.bounded = Some(
                    has("stop_max_attempt_number")
                        || has("stop_max_delay")
                        || has("stop_func")
                        || has("stop"),
                );
                p.bound_detail =
                    "no `stop_max_attempt_number` or `stop_max_delay`: it retries forever".into();
                p.delay =
                    if has("wait_jitter_max") || has("wait_random_min") || has("wait_random_max") {
                        RetryDelay::Jittered
                    } else if has("wait_exponential_multiplier") || has("wait_exponential_max") {
                        RetryDelay::Exponential
                    } else if has("wait_fixed") {
                        RetryDelay::Constant
                    } else if has("wait_func")
                        || has("wait")
                        || has("wait_incrementing_start")
                        || has("wait_incrementing_increment")
                    {
                        RetryDelay::Unknown
                    } else {
                        RetryDelay::None
                    };
                p.delay_detail = match p.delay {
                    RetryDelay::None => "no `wait_*` argument: it retries at once".into(),
                    RetryDelay::Constant => "`wait_fixed`: a constant delay".into(),
                    _ => "`wait_exponential_multiplier` with no `wait_jitter_max`".into(),
                };
                p.covers = if has("retry_on_exception") || has("retry_on_result") {
                    Covers {
                        unknown: true,
                        ..Covers::default()
                    }
                } else {
                    Covers::everything()
                };
            }
            _ => return None,
        }
        Some(p)
    }

    /// `status_forcelist=[404, 500, 502]`: the 4xx in it that retrying cannot fix.
    fn client_statuses(&self, list: Node<'_>) -> Option<String> {
        let mut bad = Vec::new();
        match list.kind_name() {
            "list" | "tuple" | "set" => {
                let items: Vec<Node> = list.named_children().collect();
                for item in items {
                    if let Some(Value::Number { value }) = super::literal(self, item, 0) {
                        let code = value as i64;
                        if (400..500).contains(&code) && ![408, 425, 429].contains(&code) {
                            bad.push(code.to_string());
                        }
                    }
                }
            }
            "call" if self.text(list).starts_with("range(4") => {
                bad.push(self.text(list).to_string());
            }
            _ => {}
        }
        (!bad.is_empty()).then(|| {
            format!(
                "`status_forcelist` retries {}: a client error that the same request can never fix (only 408, 425 and 429 are transient)",
                bad.join(", ")
            )
        })
    }

    /// A tenacity stop: `stop_after_attempt(3) | stop_after_delay(10)`.
    fn stop_bounds(&self, node: Node<'_>, depth: usize) -> Option<bool> {
        if depth > 8 {
            return None;
        }
        match node.kind_name() {
            "call" => self.stop_bounds(node.child_by_field_id(F.function)?, depth + 1),
            "identifier" | "attribute" => {
                let name = self.qualname_raw(node)?;
                self.catalog.retries.strategy(Lang::Python, &name)?.bounds
            }
            "parenthesized_expression" => self.stop_bounds(node.named_child(0)?, depth + 1),
            "binary_operator" => {
                let l = self.stop_bounds(node.child_by_field_id(F.left)?, depth + 1);
                let r = self.stop_bounds(node.child_by_field_id(F.right)?, depth + 1);
                let op = node.child_by_field_id(F.operator).map(|o| self.text(o));
                match op {
                    Some("|") => match (l, r) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    Some("&") => match (l, r) {
                        (Some(true), Some(true)) => Some(true),
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A wait strategy: `wait_exponential(..) + wait_random(0, 1)`, `backoff.expo`.
    fn wait_delay(&self, node: Node<'_>, depth: usize) -> RetryDelay {
        if depth > 8 {
            return RetryDelay::Unknown;
        }
        match node.kind_name() {
            "call" => match node.child_by_field_id(F.function) {
                Some(f) => self.wait_delay(f, depth + 1),
                None => RetryDelay::Unknown,
            },
            "identifier" | "attribute" => self
                .qualname_raw(node)
                .and_then(|n| self.catalog.retries.strategy(Lang::Python, &n)?.delay)
                .unwrap_or(RetryDelay::Unknown),
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.wait_delay(inner, depth + 1),
                None => RetryDelay::Unknown,
            },
            "binary_operator" => {
                let op = node.child_by_field_id(F.operator).map(|o| self.text(o));
                let (Some("+"), Some(l), Some(r)) = (
                    op,
                    node.child_by_field_id(F.left),
                    node.child_by_field_id(F.right),
                ) else {
                    return RetryDelay::Unknown;
                };
                let parts = [self.wait_delay(l, depth + 1), self.wait_delay(r, depth + 1)];
                if parts.contains(&RetryDelay::Unknown) {
                    RetryDelay::Unknown
                } else if parts.contains(&RetryDelay::Jittered) {
                    RetryDelay::Jittered
                } else if parts.contains(&RetryDelay::Exponential) {
                    RetryDelay::Exponential
                } else if parts.contains(&RetryDelay::Constant) {
                    RetryDelay::Constant
                } else {
                    RetryDelay::None
                }
            }
            _ => RetryDelay::Unknown,
        }
    }

    /// `retry_if_exception_type(X) | retry_if_exception_type(Y)`.
    fn tenacity_condition(&self, node: Node<'_>, depth: usize) -> Covers {
        let unknown = Covers {
            unknown: true,
            ..Covers::default()
        };
        if depth > 8 {
            return unknown;
        }
        match node.kind_name() {
            "call" => {
                let name = node
                    .child_by_field_id(F.function)
                    .and_then(|f| self.qualname_raw(f))
                    .unwrap_or_default();
                let args = node.child_by_field_id(F.arguments);
                match name.rsplit('.').next().unwrap_or("") {
                    "retry_if_exception_type" => match args.and_then(|a| positional(a, 0)) {
                        Some(types) => self.exception_types(types),
                        None => Covers {
                            names: vec!["Exception".into()],
                            ..Covers::default()
                        },
                    },
                    "retry_any" => {
                        let mut all = Covers::default();
                        if let Some(a) = args {
                            let parts: Vec<Node> = a.named_children().collect();
                            for part in parts {
                                let c = self.tenacity_condition(part, depth + 1);
                                all.names.extend(c.names);
                                all.everything |= c.everything;
                                all.unknown |= c.unknown;
                            }
                        }
                        all
                    }
                    _ => unknown,
                }
            }
            "binary_operator"
                if node.child_by_field_id(F.operator).map(|o| self.text(o)) == Some("|") =>
            {
                let mut all = Covers::default();
                for side in [
                    node.child_by_field_id(F.left),
                    node.child_by_field_id(F.right),
                ]
                .into_iter()
                .flatten()
                {
                    let c = self.tenacity_condition(side, depth + 1);
                    all.names.extend(c.names);
                    all.everything |= c.everything;
                    all.unknown |= c.unknown;
                }
                all
            }
            _ => unknown,
        }
    }

    /// `(ConnectionError, requests.HTTPError)`, `Exception`.
    fn exception_types(&self, node: Node<'_>) -> Covers {
        let mut covers = Covers::default();
        let items: Vec<Node> = match node.kind_name() {
            "tuple" | "list" | "parenthesized_expression" => node.named_children().collect(),
            _ => vec![node],
        };
        for item in items {
            match item.kind_name() {
                "identifier" | "attribute" => covers.names.push(self.retry_name(item)),
                "comment" => {}
                _ => covers.unknown = true,
            }
        }
        covers
    }

    /// A retry that takes the status error `raise_for_status()` raises for every 4xx.
    fn client_error_retry(&self, covers: &Covers, body: Node<'_>) -> Option<String> {
        if covers.unknown && !covers.everything {
            return None;
        }
        let taken = if covers.everything {
            Some("every exception".to_string())
        } else {
            covers
                .names
                .iter()
                .find(|n| {
                    matches!(
                        self.catalog.retries.error(Lang::Python, n),
                        Some(ErrorKind::Status | ErrorKind::Broad | ErrorKind::Cancellation)
                    )
                })
                .map(|n| format!("`{n}`"))
        }?;
        let raises = find(body, 0, &mut |n| {
            n.kind_name() == "call"
                && n.child_by_field_id(F.function).is_some_and(|f| {
                    f.kind_name() == "attribute"
                        && f.child_by_field_id(F.attribute)
                            .is_some_and(|a| self.text(a) == "raise_for_status")
                })
        })?;
        if self.checks_status(body) {
            return None;
        }
        let _ = raises;
        Some(format!(
            "it retries on {taken} while the retried code calls `raise_for_status()`, which raises on every 4xx: a 400, 401, 403 or 404 is retried although it can never succeed"
        ))
    }

    /// The code looks at the status before raising (`if resp.status_code < 500`): it may already
    /// keep client errors out of the retry.
    fn checks_status(&self, body: Node<'_>) -> bool {
        find(body, 0, &mut |n| {
            n.kind_name() == "comparison_operator" && {
                let t = self.text(n);
                t.contains("status") && !t.contains("raise_for_status")
            }
        })
        .is_some()
    }

    /// A call in the retried code to a client that retries by itself.
    fn inner_retrying_client(&self, body: Node<'_>) -> Option<String> {
        let mut what = None;
        find(body, 0, &mut |n| {
            if n.kind_name() != "call" {
                return false;
            }
            if let Some(w) = self.retrying_client(n) {
                what = Some(w);
                return true;
            }
            let Some(f) = n.child_by_field_id(F.function) else {
                return false;
            };
            let mut object = f;
            for _ in 0..6 {
                if let Some(w) = self.retry_state.clients.get(self.text(object)) {
                    what = Some(w.clone());
                    return true;
                }
                match object.kind_name() {
                    "attribute" => match object.child_by_field_id(F.object) {
                        Some(o) => object = o,
                        None => return false,
                    },
                    "call" => match object.child_by_field_id(F.function) {
                        Some(o) => object = o,
                        None => return false,
                    },
                    _ => return false,
                }
            }
            false
        });
        what
    }

    /// The code logs or counts: a log or metrics call anywhere in it.
    fn observes(&self, body: Node<'_>) -> bool {
        find(body, 0, &mut |n| {
            n.kind_name() == "call"
                && n.child_by_field_id(F.function).is_some_and(|f| {
                    let q = self.qualname_raw(f);
                    observe::python_call(self.text(f), q.as_deref())
                })
        })
        .is_some()
    }

    // ------------------------------------------------------------------ hand-written loops

    fn retry_loop(&mut self, node: Node<'_>, ctx: &Ctx) {
        let Some(body) = node.child_by_field_id(F.body) else {
            return;
        };
        let header = node.child(0).map_or("loop", |k| self.text(k));
        let (bounded, what, counter) = if node.kind_name() == "for_statement" {
            let Some(right) = node.child_by_field_id(F.right) else {
                return;
            };
            let left = node.child_by_field_id(F.left).map_or("", |l| self.text(l));
            let callee = (right.kind_name() == "call")
                .then(|| right.child_by_field_id(F.function))
                .flatten()
                .map(|f| self.retry_name(f))
                .unwrap_or_default();
            let endless = matches!(callee.as_str(), "itertools.count" | "itertools.cycle")
                || (callee == "itertools.repeat"
                    && right.child_by_field_id(F.arguments).is_some_and(|a| {
                        positional(a, 1).is_none() && keyword(self, a, "times").is_none()
                    }));
            if callee != "range" && !endless && !retry_word(left) {
                return;
            }
            let bounded = if endless { None } else { Some(true) };
            let what = format!("`for {left} in {}` retry loop", short(self.text(right)));
            (bounded, what, retry_word(left))
        } else {
            let Some(cond) = node.child_by_field_id(F.condition) else {
                return;
            };
            let always = matches!(cond.kind_name(), "true") || self.text(cond) == "1";
            let counted = retry_word(self.text(cond));
            // `while path != "/"`, `while self.running`: a walk or a worker, not a retry.
            if !always && !counted {
                return;
            }
            let what = format!("`{header} {}:` retry loop", self.text(cond));
            (if always { Some(false) } else { None }, what, counted)
        };
        let statements: Vec<Node> = body.named_children().collect();
        let Some(try_stmt) = statements.iter().copied().find(|s| self.is_retry_try(*s)) else {
            return;
        };
        let handlers = except_clauses(try_stmt);
        let sleeps = self.sleeps_in(body);
        let evidence = counter
            || self.try_has_external(try_stmt)
            || handlers.iter().any(|h| self.catches_io(*h));
        if !evidence
            || handlers.iter().all(|h| self.catches_logic_only(*h))
            || self.changes_input(body, try_stmt, &handlers)
        {
            return;
        }
        let span = self.span(node);
        let header_span = Span {
            end_line: span.line,
            end_col: span.col,
            ..span
        };
        let bounded = match bounded {
            Some(false) if self.gives_up(body) => Some(true),
            other => other,
        };
        let (delay, delay_detail, delay_span) = self.loop_delay(&sleeps, body, node);
        let covers = self.handler_covers(&handlers);
        let client_errors = self.client_error_retry(&covers, try_stmt);
        let cancellation = handlers
            .iter()
            .find_map(|h| self.swallowed_cancellation(*h));
        let observed = self.observes(body);
        let amplifies = self.inner_retrying_client(try_stmt);
        self.remember_line(span.line);
        self.remember_line(delay_span.line);
        if let Some((s, _)) = &cancellation {
            self.remember_line(s.line);
        }
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
            cancellation,
            observed,
            amplifies,
            in_test: self.in_test_ctx(ctx),
        });
    }

    /// `try:` whose success leaves the loop (`return`/`break` in the body or `else:`) and
    /// one of whose handlers goes round again (does not end in `raise`, `return` or `break`).
    fn is_retry_try(&self, stmt: Node<'_>) -> bool {
        if stmt.kind_name() != "try_statement" {
            return false;
        }
        let body = stmt.child_by_field_id(F.body);
        let else_body = stmt
            .named_children()
            .find(|c| c.kind_name() == "else_clause")
            .and_then(|e| e.child_by_field_id(F.body));
        let exits = |b: Option<Node<'_>>| {
            b.is_some_and(|b| {
                let found = b
                    .named_children()
                    .any(|s| matches!(s.kind_name(), "return_statement" | "break_statement"));
                found
            })
        };
        if !(exits(body) || exits(else_body)) {
            return false;
        }
        let has_call = body.is_some_and(|b| find(b, 0, &mut |n| n.kind_name() == "call").is_some());
        has_call
            && except_clauses(stmt).iter().any(|h| {
                let block = handler_block(*h);
                let last = block.and_then(|b| {
                    let last = b
                        .named_children()
                        .filter(|s| s.kind_name() != "comment")
                        .last();
                    last
                });
                !last.is_some_and(|s| {
                    matches!(
                        s.kind_name(),
                        "raise_statement" | "return_statement" | "break_statement"
                    )
                })
            })
    }

    fn try_has_external(&self, stmt: Node<'_>) -> bool {
        let Some(body) = stmt.child_by_field_id(F.body) else {
            return false;
        };
        find(body, 0, &mut |n| match n.kind_name() {
            "await" => true,
            "call" => n
                .child_by_field_id(F.function)
                .and_then(|f| self.qualname_raw(f))
                .is_some_and(|q| {
                    self.catalog.is_external(Lang::Python, &q)
                        || self.catalog.constructed_type(Lang::Python, &q).is_some()
                }),
            _ => false,
        })
        .is_some()
    }

    /// A handler for network or service failures: `except (ConnectionError, Timeout)`.
    fn catches_io(&self, handler: Node<'_>) -> bool {
        const IO_WORDS: [&str; 12] = [
            "connection",
            "timeout",
            "http",
            "request",
            "oserror",
            "ioerror",
            "socket",
            "transport",
            "network",
            "unavailable",
            "operationalerror",
            "clienterror",
        ];
        handler_types(handler).is_some_and(|t| {
            let t = self.text(t).to_ascii_lowercase();
            IO_WORDS.iter().any(|w| t.contains(w))
        })
    }

    /// A handler for errors that say nothing about an external operation failing (bad input,
    /// a held lock, an empty queue): a loop on them is input validation, a lock spin or polling.
    fn catches_logic_only(&self, handler: Node<'_>) -> bool {
        // Parts of exception names that say the request or the data is wrong, or a local
        // resource is busy: another identical attempt is not what the loop is for.
        const LOGIC: [&str; 24] = [
            "Value",
            "Key",
            "Index",
            "Type",
            "Attribute",
            "StopIteration",
            "Decode",
            "FileExists",
            "FileNotFound",
            "BlockingIO",
            "Empty",
            "Full",
            "Integrity",
            "Exists",
            "Conflict",
            "Duplicate",
            "NotFound",
            "Invalid",
            "Validation",
            "Permission",
            "Forbidden",
            "Runtime",
            "Interrupted",
            "Watch",
        ];
        let Some(types) = handler_types(handler) else {
            return false;
        };
        let covers = self.exception_types(types);
        !covers.unknown
            && !covers.names.is_empty()
            && covers.names.iter().all(|n| {
                let last = n.rsplit('.').next().unwrap_or(n);
                LOGIC.iter().any(|w| last.contains(w))
            })
    }

    /// The loop tries something different each time (a new random name, the parent folder,
    /// the next candidate): a search, not a retry of the same operation.
    fn changes_input(&self, body: Node<'_>, try_stmt: Node<'_>, handlers: &[Node<'_>]) -> bool {
        const FRESH: [&str; 6] = [
            "random",
            "uuid",
            "generate",
            "secrets.",
            "token_hex",
            "fastrand",
        ];
        let Some(try_body) = try_stmt.child_by_field_id(F.body) else {
            return false;
        };
        let try_text = self.text(try_body);
        if FRESH.iter().any(|w| try_text.contains(w)) {
            return true;
        }
        let mut used = std::collections::HashSet::new();
        find(try_body, 0, &mut |n| {
            if matches!(n.kind_name(), "identifier" | "attribute") {
                used.insert(self.text(n));
            }
            false
        });
        // Names the handlers or the statements before the `try` assign and the `try` reads.
        let before: Vec<Node> = body
            .named_children()
            .take_while(|s| s.id() != try_stmt.id())
            .collect();
        let mut changes = false;
        for scope in handlers.iter().copied().chain(before) {
            find(scope, 0, &mut |n| {
                if matches!(n.kind_name(), "assignment" | "augmented_assignment") {
                    // `groups[:] = groups[:-1]`, `self.host = next_host`: the root name changes.
                    let left = n.child_by_field_id(F.left).and_then(|l| {
                        // `self._conn = None` changes `self._conn`, not all of `self`.
                        let root = super::root_name(l)?;
                        Some(if matches!(self.text(root), "self" | "cls") {
                            l
                        } else {
                            root
                        })
                    });
                    if let Some(left) = left {
                        let name = self.text(left);
                        let fresh = n
                            .child_by_field_id(F.right)
                            .is_some_and(|r| FRESH.iter().any(|w| self.text(r).contains(w)));
                        // `self._conn = None`: a reset for a reconnect, not a new input.
                        let reset = n
                            .child_by_field_id(F.right)
                            .is_some_and(|r| matches!(r.kind_name(), "none" | "true" | "false"));
                        if used.contains(name) && !reset && (!retry_word(name) || fresh) {
                            changes = true;
                        }
                    }
                }
                changes
            });
        }
        changes
    }

    fn handler_covers(&self, handlers: &[Node<'_>]) -> Covers {
        let mut covers = Covers::default();
        for h in handlers {
            match handler_types(*h) {
                None => covers.everything = true,
                Some(t) => {
                    let c = self.exception_types(t);
                    covers.names.extend(c.names);
                    covers.unknown |= c.unknown;
                }
            }
        }
        covers
    }

    /// A handler that catches cancellation and does not re-raise.
    fn swallowed_cancellation(&self, handler: Node<'_>) -> Option<(Span, String)> {
        let block = handler_block(handler)?;
        let reraises = find(block, 0, &mut |n| n.kind_name() == "raise_statement").is_some();
        if reraises {
            return None;
        }
        let what = match handler_types(handler) {
            None => "a bare `except:` catches `KeyboardInterrupt`, `SystemExit` and `asyncio.CancelledError`".to_string(),
            Some(t) => {
                let covers = self.exception_types(t);
                let name = cancellation_in(self, &covers)?;
                format!("`except {}` catches cancellation", short(self.text(t)))
                    .replace("cancellation", &format!("`{name}` (cancellation)"))
            }
        };
        let span = self.span(handler);
        Some((
            Span {
                end_line: span.line,
                end_col: span.col,
                ..span
            },
            format!(
                "{what} and the loop tries again: cancelled work keeps running and shutdown hangs"
            ),
        ))
    }

    /// A conditional give-up anywhere in the loop: `if attempt >= 5: raise`, `if time.monotonic() > deadline: break`.
    fn gives_up(&self, body: Node<'_>) -> bool {
        // `if retries_left > 0: ... else: raise` gives up in its `else`.
        find(body, 0, &mut |n| {
            n.kind_name() == "if_statement"
                && find(n, 0, &mut |s| {
                    matches!(
                        s.kind_name(),
                        "raise_statement" | "return_statement" | "break_statement"
                    )
                })
                .is_some()
        })
        .is_some()
    }

    /// Sleep calls in the loop (not in nested functions).
    fn sleeps_in<'t>(&self, body: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        find(body, 0, &mut |n| {
            if n.kind_name() == "call" {
                let function = n.child_by_field_id(F.function);
                let sleep = function
                    .and_then(|f| self.qualname_raw(f))
                    .is_some_and(|q| self.catalog.retries.is_sleep(Lang::Python, &q))
                    || function.is_some_and(|f| {
                        // `self.clock.sleep(..)`, `reactor_sleep(..)`: a project's own sleep.
                        let text = self.text(f);
                        text.rsplit('.')
                            .next()
                            .is_some_and(|last| last.ends_with("sleep"))
                            || self.is_event_wait(f, n)
                    });
                if sleep {
                    out.push(n);
                }
            }
            false
        });
        out
    }

    /// `stop_event.wait(delay)`: waits like a sleep, and wakes early on shutdown.
    fn is_event_wait(&self, function: Node<'_>, call: Node<'_>) -> bool {
        let text = self.text(function).to_ascii_lowercase();
        let Some(object) = text.strip_suffix(".wait") else {
            return false;
        };
        ["event", "stop", "shutdown", "exit", "closing"]
            .iter()
            .any(|w| object.contains(w))
            && call
                .child_by_field_id(F.arguments)
                .and_then(|a| positional(a, 0))
                .is_some()
    }

    fn loop_delay(
        &self,
        sleeps: &[Node<'_>],
        body: Node<'_>,
        loop_node: Node<'_>,
    ) -> (RetryDelay, String, Span) {
        let Some(sleep) = sleeps.first() else {
            return (
                RetryDelay::None,
                "it does not sleep between attempts: it retries at once".into(),
                self.span(loop_node),
            );
        };
        let span = self.span(*sleep);
        let Some(arg) = sleep
            .child_by_field_id(F.arguments)
            .and_then(|a| positional(a, 0))
        else {
            return (RetryDelay::Unknown, String::new(), span);
        };
        let text = self.text(arg);
        let lower = text.to_ascii_lowercase();
        let detail = format!("`{}`", short(self.text(*sleep)));
        if ["random", "uniform", "jitter", "randint", "rand"]
            .iter()
            .any(|w| lower.contains(w))
        {
            return (RetryDelay::Jittered, detail, span);
        }
        if text.contains("**") || text.contains("pow(") || text.contains("<<") {
            return (RetryDelay::Exponential, detail, span);
        }
        match arg.kind_name() {
            "integer" | "float" => (
                RetryDelay::Constant,
                format!("{detail}: a constant delay"),
                span,
            ),
            // `sleep(attempt)`: the loop's counter, different every attempt.
            "identifier"
                if loop_node.child_by_field_id(F.left).is_some_and(|l| {
                    self.text(l)
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == text)
                }) =>
            {
                (RetryDelay::Unknown, detail, span)
            }
            "identifier" | "attribute" => {
                // `exc.retry_after`: read from what this attempt raised, so it may differ each time.
                let from_error = arg.kind_name() == "attribute"
                    && super::root_name(arg).is_some_and(|root| {
                        let root = self.text(root);
                        find(body, 0, &mut |n| {
                            n.kind_name() == "except_clause"
                                && handler_alias(n).is_some_and(|a| self.text(a) == root)
                        })
                        .is_some()
                    });
                if from_error {
                    return (RetryDelay::Unknown, detail, span);
                }
                // A name the loop changes: how it changes decides.
                let mut growth = None;
                find(body, 0, &mut |n| {
                    let assigns = matches!(n.kind_name(), "assignment" | "augmented_assignment")
                        && n.child_by_field_id(F.left)
                            .is_some_and(|l| self.text(l) == text);
                    if assigns {
                        let t = self.text(n).to_ascii_lowercase();
                        growth = Some(
                            if ["random", "uniform", "jitter"]
                                .iter()
                                .any(|w| t.contains(w))
                            {
                                RetryDelay::Jittered
                            } else if t.contains("*= 2")
                                || t.contains("* 2")
                                || t.contains("**")
                                || t.contains("*= backoff")
                            {
                                RetryDelay::Exponential
                            } else {
                                RetryDelay::Unknown
                            },
                        );
                    }
                    false
                });
                match growth {
                    Some(d) => (d, detail, span),
                    None => (
                        RetryDelay::Constant,
                        format!("{detail}: the same delay every attempt"),
                        span,
                    ),
                }
            }
            _ => (RetryDelay::Unknown, detail, span),
        }
    }
}

/// The first cancellation type a condition names.
fn cancellation_in(x: &Extractor<'_, '_>, covers: &Covers) -> Option<String> {
    covers
        .names
        .iter()
        .find(|n| x.catalog.retries.error(Lang::Python, n) == Some(ErrorKind::Cancellation))
        .cloned()
}

/// The `except` clauses of a `try`.
fn except_clauses<'t>(stmt: Node<'t>) -> Vec<Node<'t>> {
    stmt.named_children()
        .filter(|c| c.kind_name() == "except_clause")
        .collect()
}

/// The exception expression of an `except` clause (`None` for a bare `except:`).
fn handler_types(handler: Node<'_>) -> Option<Node<'_>> {
    let first = handler
        .named_children()
        .find(|c| c.kind_name() != "comment")?;
    match first.kind_name() {
        "block" => None,
        "as_pattern" => first.named_child(0),
        _ => Some(first),
    }
}

/// `exc` in `except ConnectionError as exc:`.
fn handler_alias(handler: Node<'_>) -> Option<Node<'_>> {
    if let Some(alias) = handler.child_by_field_id(F.alias) {
        return Some(alias);
    }
    let first = handler
        .named_children()
        .find(|c| c.kind_name() != "comment")?;
    (first.kind_name() == "as_pattern")
        .then(|| first.child_by_field_id(F.alias))
        .flatten()
}

fn handler_block(handler: Node<'_>) -> Option<Node<'_>> {
    let block = handler.named_children().find(|c| c.kind_name() == "block");
    block
}

/// The first node under `node` (itself included) for which `pred` holds, not looking into
/// nested functions, classes or lambdas.
fn find<'t>(
    node: Node<'t>,
    depth: usize,
    pred: &mut impl FnMut(Node<'t>) -> bool,
) -> Option<Node<'t>> {
    if depth > MAX_WALK {
        return None;
    }
    if pred(node) {
        return Some(node);
    }
    let children: Vec<Node<'t>> = node.named_children().collect();
    for child in children {
        if matches!(
            child.kind_name(),
            "function_definition" | "class_definition" | "lambda" | "decorated_definition"
        ) {
            continue;
        }
        if let Some(found) = find(child, depth + 1, pred) {
            return Some(found);
        }
    }
    None
}

fn keyword<'t>(x: &Extractor<'_, '_>, args: Node<'t>, name: &str) -> Option<Node<'t>> {
    let found = args
        .named_children()
        .filter(|a| a.kind_name() == "keyword_argument")
        .find(|a| {
            a.child_by_field_id(F.name)
                .is_some_and(|n| x.text(n) == name)
        })
        .and_then(|a| a.child_by_field_id(F.value));
    found
}

fn positional(args: Node<'_>, index: usize) -> Option<Node<'_>> {
    let found = args
        .named_children()
        .filter(|a| {
            !matches!(
                a.kind_name(),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .nth(index);
    found
}

fn has_splat(args: Node<'_>) -> bool {
    let found = args
        .named_children()
        .any(|a| matches!(a.kind_name(), "list_splat" | "dictionary_splat"));
    found
}

/// `attempt`, `retries`, `tries_left`, `n_retry`: a name that counts attempts.
fn retry_word(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["attempt", "retr", "tries", "try_"]
        .iter()
        .any(|w| t.contains(w))
}

/// A call's text shortened for a message.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        let cut: String = one_line.chars().take(57).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}
