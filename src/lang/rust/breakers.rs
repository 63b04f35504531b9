//! Circuit breakers in Rust: failsafe `Config::new()` chains and other catalogued breaker
//! builders with their settings and instruments, and hand-written breakers (an enum of
//! Closed/Open/HalfOpen states, `Open(Instant)` included) with every assignment of a new state
//! and whether the assigning function, or a same-file function it calls, logs or records a metric.

use std::collections::{HashMap, HashSet};

use proc_macro2::Span as PmSpan;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Type};

use super::{is_test_attr, path_string, Extractor};
use crate::catalog::BreakerSpec;
use crate::facts::{
    name_says_millis, names_breaker, names_failure_counting, names_hook, setting_kind,
    BreakerFacts, BreakerSetting, BreakerValue, BreakerValueKind, HandBreaker, Lang,
    LibraryBreaker, Recorded, Span, StateName, StateSet, Transition, Value,
};
use crate::lang::telemetry::{self, Signal};

/// Helpers are followed this many calls deep.
const MAX_HELPER_DEPTH: usize = 8;

struct Function {
    name: String,
    self_ty: Option<String>,
    recorded: Recorded,
    /// Names of the functions and methods it calls, and whether on `self`/`Self`
    /// (`self.trip()`, `Self::log_change(..)`) or as a free function (`log_change(..)`).
    calls: Vec<(String, bool)>,
}

struct Enum {
    name: String,
    span: Span,
    states: Vec<StateName>,
    in_test: bool,
}

struct Struct {
    name: String,
    span: Span,
    /// Field types as written, to see which enum holds a struct's state.
    field_types: Vec<String>,
    failure_counting: bool,
}

/// An assignment in a function: `self.state = State::Open(..)`, `*state = new_state`.
struct Assign {
    function: usize,
    place: String,
    /// The state it names (with the enum in this file that declares it), if it names one.
    state: Option<(StateName, Option<usize>)>,
    /// The value as written, for messages.
    written: String,
    span: Span,
    in_test: bool,
}

/// A breaker builder chain: its constructor and the methods applied to it.
struct Chain {
    spec: BreakerSpec,
    constructor: String,
    span: Span,
    methods: Vec<(String, Vec<Expr>, Span)>,
    in_test: bool,
}

struct Walk<'x, 'a, 'f> {
    x: &'x Extractor<'a, 'f>,
    functions: Vec<Function>,
    by_name: HashMap<String, Vec<usize>>,
    enums: Vec<Enum>,
    structs: Vec<Struct>,
    /// The first `impl` line of each type, for a breaker whose struct is declared elsewhere.
    impl_spans: HashMap<String, Span>,
    /// Types with an `impl ... Instrument for T` in this file.
    instruments: HashSet<String>,
    assigns: Vec<Assign>,
    /// Breaker chains by the position of their constructor; the longest chain wins.
    chains: HashMap<(u32, u32), Chain>,
    values: Vec<BreakerValue>,
    /// Literal settings in struct literals of a type (`Self { failure_threshold: 1, .. }`),
    /// kept for the types that turn out to be breakers.
    struct_settings: Vec<(String, BreakerValue)>,
    self_ty: Option<String>,
    current: Option<usize>,
    in_test: bool,
}

impl Extractor<'_, '_> {
    /// Finds the file's breakers in the parsed file.
    pub(super) fn collect_breakers(&mut self, file: &syn::File) {
        let out = {
            let mut walk = Walk {
                x: self,
                functions: Vec::new(),
                by_name: HashMap::new(),
                enums: Vec::new(),
                structs: Vec::new(),
                impl_spans: HashMap::new(),
                instruments: HashSet::new(),
                assigns: Vec::new(),
                chains: HashMap::new(),
                values: Vec::new(),
                struct_settings: Vec::new(),
                self_ty: None,
                current: None,
                in_test: self.file_is_test,
            };
            walk.visit_file(file);
            walk.finish()
        };
        let lines: Vec<u32> = out
            .library
            .iter()
            .map(|b| b.span.line)
            .chain(out.values.iter().map(|v| v.setting.span.line))
            .chain(out.hand_written.iter().map(|b| b.span.line))
            .chain(
                out.hand_written
                    .iter()
                    .flat_map(|b| b.transitions.iter().map(|t| t.span.line)),
            )
            .chain(out.state_sets.iter().map(|s| s.span.line))
            .collect();
        for line in lines {
            self.remember_line(line);
        }
        self.facts.breakers = out;
    }
}

/// Tokens as one compact string, for messages and name matching: `Duration::from_millis(100)`.
fn compact(tokens: &impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The source text of an expression on one line; compact tokens for longer ones.
fn source_text(x: &Extractor<'_, '_>, expr: &Expr) -> String {
    let span = x.span(expr.span());
    if span.line != span.end_line {
        return compact(expr);
    }
    x.index
        .line_text(span.line)
        .chars()
        .skip(span.col.saturating_sub(1) as usize)
        .take(span.end_col.saturating_sub(span.col) as usize)
        .collect()
}

fn span_between(x: &Extractor<'_, '_>, start: PmSpan, end: PmSpan) -> Span {
    let (a, b) = (x.span(start), x.span(end));
    Span {
        end_line: b.end_line,
        end_col: b.end_col,
        ..a
    }
}

impl Walk<'_, '_, '_> {
    fn with_test(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self)) {
        let saved = self.in_test;
        self.in_test |= is_test_attr(attrs);
        f(self);
        self.in_test = saved;
    }

    fn function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        f: impl FnOnce(&mut Self),
    ) {
        let name = sig.ident.to_string();
        let index = self.functions.len();
        self.by_name.entry(name.clone()).or_default().push(index);
        // The initial state set by a constructor (`new`, `default`, a `-> Self` function
        // without `self`) is not a transition: such functions are not followed for assignments.
        let constructor = sig.receiver().is_none()
            && (matches!(name.as_str(), "new" | "default")
                || match &sig.output {
                    syn::ReturnType::Type(_, ty) => {
                        let ty = compact(ty);
                        ty == "Self" || self.self_ty.as_deref() == Some(ty.as_str())
                    }
                    syn::ReturnType::Default => false,
                });
        self.functions.push(Function {
            name: if constructor { String::new() } else { name },
            self_ty: self.self_ty.clone(),
            recorded: Recorded::default(),
            calls: Vec::new(),
        });
        let saved = self.current.replace(index);
        self.with_test(attrs, f);
        self.current = saved;
    }

    fn record(&mut self, signal: Option<Signal>) {
        let Some(index) = self.current else { return };
        let recorded = &mut self.functions[index].recorded;
        match signal {
            Some(Signal::Log) => recorded.logs = true,
            Some(Signal::Metric) => recorded.metrics = true,
            None => {}
        }
    }

    fn call_name(&mut self, name: String, on_self: bool) {
        if let Some(index) = self.current {
            self.functions[index].calls.push((name, on_self));
        }
    }

    /// The state a value names: `CircuitState::Open(Instant::now())`, `Self::HalfOpen`,
    /// `State::Closed`, `Open { since }`.
    fn state_value(&self, expr: &Expr) -> Option<(StateName, Option<usize>)> {
        let path = match expr {
            Expr::Path(p) => &p.path,
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => &p.path,
                _ => return None,
            },
            Expr::Struct(s) => &s.path,
            Expr::Paren(p) => return self.state_value(&p.expr),
            _ => return None,
        };
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let [.., owner, variant] = segments.as_slice() else {
            return None;
        };
        let state = StateName::parse(variant)?;
        let owner = if owner == "Self" {
            self.self_ty.clone().unwrap_or_default()
        } else {
            owner.clone()
        };
        let declared = self
            .enums
            .iter()
            .position(|e| e.name == owner && declares_states(e));
        let looks_like_states = declared.is_some()
            || owner.ends_with("State")
            || owner.ends_with("Status")
            || (names_breaker(&owner) && !owner.ends_with("Error"));
        looks_like_states.then_some((state, declared))
    }

    /// An atomic state changed by a method: `self.state.store(OPEN, Ordering::SeqCst)`,
    /// `state.compare_exchange(CLOSED, OPEN, ..)`, with the states as constants.
    fn atomic_transition(&mut self, m: &syn::ExprMethodCall, receiver: &str) {
        let Some(function) = self.current else { return };
        let new_value = match m.method.to_string().as_str() {
            "store" | "swap" => m.args.first(),
            "compare_exchange" | "compare_exchange_weak" => m.args.iter().nth(1),
            _ => return,
        };
        if !receiver.to_ascii_lowercase().contains("state") {
            return;
        }
        let Some(mut value) = new_value else { return };
        while let Expr::Cast(c) = value {
            value = &c.expr;
        }
        let state = match value {
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .and_then(|s| StateName::parse(&s.ident.to_string())),
            _ => None,
        };
        let Some(state) = state else { return };
        self.assigns.push(Assign {
            function,
            place: receiver.to_string(),
            state: Some((state, None)),
            written: source_text(self.x, value),
            span: span_between(self.x, m.receiver.span(), m.span()),
            in_test: self.in_test,
        });
    }

    fn setting(&self, name: &str, arg: &Expr, value: f64, span: Span) -> BreakerSetting {
        BreakerSetting {
            name: name.to_string(),
            value,
            written: source_text(self.x, arg),
            span,
        }
    }

    /// A threshold or open duration given by a catalogued call: `consecutive_failures(1, ..)`.
    fn value_call(&mut self, c: &syn::ExprCall) {
        let Expr::Path(p) = &*c.func else { return };
        let Some(callee) = self.x.resolve(&path_string(&p.path)) else {
            return;
        };
        let Some((spec, kind)) = self.x.catalog.breaker_value_call(Lang::Rust, &callee) else {
            return;
        };
        let span = span_between(self.x, c.func.span(), c.span());
        let name = p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let args: Vec<&Expr> = match kind {
            BreakerValueKind::Threshold => c.args.iter().take(1).collect(),
            BreakerValueKind::OpenDuration => c.args.iter().collect(),
        };
        let total = c.args.len();
        for (index, arg) in args.into_iter().enumerate() {
            let value = match (kind, self.x.value(arg, 0)) {
                (BreakerValueKind::Threshold, Value::Number { value }) => value,
                (BreakerValueKind::OpenDuration, Value::Duration { seconds, .. }) => seconds,
                _ => continue,
            };
            let mut setting = self.setting(&name, arg, value, span);
            let before = if index > 0 { ".., " } else { "" };
            let after = if index + 1 < total { ", .." } else { "" };
            setting.written = format!("{name}({before}{}{after})", setting.written);
            self.values.push(BreakerValue {
                library: spec.library.clone(),
                kind,
                setting,
                in_test: self.in_test,
            });
        }
    }

    /// Records a breaker builder chain ending at `top` if its first call is a constructor.
    fn chain(&mut self, top: &syn::ExprMethodCall) {
        let mut expr: &Expr = &top.receiver;
        let mut calls = vec![top];
        loop {
            match expr {
                Expr::MethodCall(m) => {
                    calls.push(m);
                    expr = &m.receiver;
                }
                Expr::Await(a) => expr = &a.base,
                Expr::Try(t) => expr = &t.expr,
                Expr::Paren(p) => expr = &p.expr,
                _ => break,
            }
        }
        let Expr::Call(root) = expr else { return };
        let Some((spec, constructor)) = self.constructor(root) else {
            return;
        };
        let span = span_between(self.x, root.span(), root.span());
        let key = (span.line, span.col);
        if self
            .chains
            .get(&key)
            .is_some_and(|c| c.methods.len() >= calls.len())
        {
            return;
        }
        let methods = calls
            .iter()
            .rev()
            .map(|m| {
                (
                    m.method.to_string(),
                    m.args.iter().cloned().collect::<Vec<_>>(),
                    span_between(self.x, m.method.span(), m.span()),
                )
            })
            .collect();
        self.chains.insert(
            key,
            Chain {
                spec,
                constructor,
                span,
                methods,
                in_test: self.in_test,
            },
        );
    }

    fn constructor(&self, c: &syn::ExprCall) -> Option<(BreakerSpec, String)> {
        let Expr::Path(p) = &*c.func else { return None };
        let callee = self.x.resolve(&path_string(&p.path))?;
        let spec = self.x.catalog.breaker_constructor(Lang::Rust, &callee)?;
        Some((spec.clone(), callee))
    }

    fn finish(mut self) -> BreakerFacts {
        let mut out = BreakerFacts {
            values: std::mem::take(&mut self.values),
            ..BreakerFacts::default()
        };
        self.library_breakers(&mut out);
        self.hand_written(&mut out);
        out.library.sort_by_key(|b| b.span);
        out.values.sort_by_key(|v| v.setting.span);
        out
    }

    fn library_breakers(&self, out: &mut BreakerFacts) {
        let mut chains: Vec<&Chain> = self.chains.values().collect();
        chains.sort_by_key(|c| c.span);
        for chain in chains {
            let spec = &chain.spec;
            for (method, args, span) in &chain.methods {
                let kind = if spec.threshold.contains(method) {
                    BreakerValueKind::Threshold
                } else if spec.open_duration.contains(method) {
                    BreakerValueKind::OpenDuration
                } else {
                    continue;
                };
                let Some(arg) = args.first() else { continue };
                let value = match (kind, self.x.value(arg, 0)) {
                    (BreakerValueKind::Threshold, Value::Number { value }) => value,
                    (BreakerValueKind::OpenDuration, Value::Duration { seconds, .. }) => seconds,
                    _ => continue,
                };
                out.values.push(BreakerValue {
                    library: spec.library.clone(),
                    kind,
                    setting: BreakerSetting {
                        written: format!(".{method}({})", source_text(self.x, arg)),
                        ..self.setting(method, arg, value, *span)
                    },
                    in_test: chain.in_test,
                });
            }
            let recorded = spec.hook.then(|| {
                // Built and handed on unfinished: an instrument may still be attached.
                if !chain.methods.iter().any(|(m, _, _)| m == "build") {
                    return Recorded::BOTH;
                }
                chain
                    .methods
                    .iter()
                    .filter(|(m, _, _)| spec.listener_args.contains(m))
                    .filter_map(|(_, args, _)| args.first())
                    .fold(Recorded::default(), |acc, arg| {
                        acc.or(self.instrument_records(arg))
                    })
            });
            out.library.push(LibraryBreaker {
                library: spec.library.clone(),
                constructor: chain.constructor.clone(),
                span: chain.span,
                recorded,
                in_test: chain.in_test,
            });
        }
    }

    /// What an instrument records: the methods of its type when this file implements
    /// `Instrument` for it; anything (both) when it is defined elsewhere.
    fn instrument_records(&self, arg: &Expr) -> Recorded {
        let ty = match arg {
            Expr::Tuple(t) if t.elems.is_empty() => return Recorded::default(),
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            Expr::Struct(s) => s.path.segments.last().map(|s| s.ident.to_string()),
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let segments: Vec<String> = p
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    match segments.as_slice() {
                        [.., ty, _ctor] => Some(ty.clone()),
                        [ty] => Some(ty.clone()),
                        [] => None,
                    }
                }
                _ => None,
            },
            _ => None,
        };
        match ty {
            Some(ty) if self.instruments.contains(&ty) => self
                .functions
                .iter()
                .enumerate()
                .filter(|(_, f)| f.self_ty.as_deref() == Some(ty.as_str()))
                .fold(Recorded::default(), |acc, (i, _)| {
                    acc.or(self.recorded_through(i, &mut HashSet::new(), 0))
                }),
            _ => Recorded::BOTH,
        }
    }

    fn recorded_through(
        &self,
        function: usize,
        seen: &mut HashSet<usize>,
        depth: usize,
    ) -> Recorded {
        if depth > MAX_HELPER_DEPTH || !seen.insert(function) {
            return Recorded::default();
        }
        let f = &self.functions[function];
        let mut recorded = f.recorded;
        for (name, on_self) in &f.calls {
            let candidates = self
                .by_name
                .get(name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if candidates.is_empty() && names_hook(name) {
                // A listener or callback filled in elsewhere may log and count anything.
                return Recorded::BOTH;
            }
            // A method of the same type (or a free function) when there is one; else any
            // same-file function of that name (a trait's default method, another impl).
            let wanted = if *on_self { f.self_ty.as_deref() } else { None };
            let own: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&c| self.functions[c].self_ty.as_deref() == wanted)
                .collect();
            let callees = if own.is_empty() { candidates } else { &own[..] };
            for &callee in callees {
                recorded = recorded.or(self.recorded_through(callee, seen, depth + 1));
            }
        }
        recorded
    }

    fn hand_written(&self, out: &mut BreakerFacts) {
        // Per type: the places assigned a state anywhere, and the state enums used.
        let mut places: HashMap<&str, HashSet<&str>> = HashMap::new();
        let mut enums_used: HashMap<&str, HashSet<usize>> = HashMap::new();
        let mut names_states: HashSet<&str> = HashSet::new();
        for a in &self.assigns {
            let Some(ty) = self.functions[a.function].self_ty.as_deref() else {
                continue;
            };
            let Some((_, declared)) = a.state else {
                continue;
            };
            places.entry(ty).or_default().insert(&a.place);
            if let Some(e) = declared {
                enums_used.entry(ty).or_default().insert(e);
            }
            let owner = a.written.split("::").next().unwrap_or("");
            if names_breaker(owner) {
                names_states.insert(ty);
            }
        }
        let mut types: Vec<&&str> = places.keys().collect();
        types.sort();
        let mut breaker_enums: HashSet<usize> = HashSet::new();
        // Types whose literal settings are judged: breakers, and types named as a breaker's
        // (`CircuitBreakerConfig { failure_threshold: 1, .. }`).
        let mut judged: HashSet<&str> = HashSet::new();
        for &&ty in &types {
            let declared = self.structs.iter().find(|s| s.name == ty);
            let evidence = names_breaker(ty)
                || names_states.contains(ty)
                || declared.is_some_and(|s| s.failure_counting);
            if !evidence {
                continue;
            }
            breaker_enums.extend(enums_used.get(ty).into_iter().flatten());
            let assigned = &places[ty];
            let mut transitions = Vec::new();
            let mut in_test = false;
            for a in &self.assigns {
                let f = &self.functions[a.function];
                if f.self_ty.as_deref() != Some(ty) || f.name.is_empty() {
                    continue;
                }
                if !assigned.contains(a.place.as_str()) {
                    continue;
                }
                in_test |= a.in_test;
                transitions.push(Transition {
                    to: a.state.map(|_| a.written.clone()),
                    function: f.name.clone(),
                    span: a.span,
                    recorded: self.recorded_through(a.function, &mut HashSet::new(), 0),
                });
            }
            if transitions.is_empty() {
                continue;
            }
            judged.insert(ty);
            let metrics = transitions.iter().any(|t| t.recorded.metrics)
                || self
                    .functions
                    .iter()
                    .any(|f| f.self_ty.as_deref() == Some(ty) && f.recorded.metrics);
            let span = declared
                .map(|s| s.span)
                .or_else(|| self.enums.iter().find(|e| e.name == ty).map(|e| e.span))
                .or_else(|| self.impl_spans.get(ty).copied());
            let Some(span) = span else { continue };
            out.hand_written.push(HandBreaker {
                name: ty.to_string(),
                span,
                transitions,
                metrics,
                in_test: in_test || self.x.file_is_test,
            });
        }
        out.values.extend(
            self.struct_settings
                .iter()
                .filter(|(t, _)| judged.contains(t.as_str()) || names_breaker(t))
                .map(|(_, v)| v.clone()),
        );
        // A state enum held by a breaker struct counts too, even where no transition is seen.
        for s in &self.structs {
            if !(names_breaker(&s.name) || s.failure_counting) {
                continue;
            }
            for (i, e) in self.enums.iter().enumerate() {
                if declares_states(e) && s.field_types.iter().any(|t| holds(t, &e.name)) {
                    breaker_enums.insert(i);
                }
            }
        }
        for (i, e) in self.enums.iter().enumerate() {
            if declares_states(e) && (breaker_enums.contains(&i) || names_breaker(&e.name)) {
                out.state_sets.push(StateSet {
                    name: e.name.clone(),
                    span: e.span,
                    has_half_open: e.states.contains(&StateName::HalfOpen),
                    in_test: e.in_test,
                });
            }
        }
    }
}

/// A plain number of open duration is in seconds only when the name says so: `reset_secs`.
fn name_says_seconds(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with("_s") || lower.ends_with("secs") || lower.ends_with("seconds")
}

/// Whether a field type (compact tokens) holds the named type: `Arc<RwLock<CircuitState>>`.
fn holds(field_type: &str, name: &str) -> bool {
    field_type
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|part| part == name)
}

fn declares_states(e: &Enum) -> bool {
    e.states.contains(&StateName::Open) && e.states.contains(&StateName::Closed)
}

impl<'ast> Visit<'ast> for Walk<'_, '_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let saved = self.self_ty.take();
        self.function(&f.attrs, &f.sig, |w| w.visit_block(&f.block));
        self.self_ty = saved;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.attrs, &f.sig, |w| w.visit_block(&f.block));
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.function(&f.attrs, &f.sig, |w| w.visit_block(block));
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        if let Some(ty) = &ty {
            let span = span_between(self.x, i.impl_token.span, i.self_ty.span());
            self.impl_spans.entry(ty.clone()).or_insert(span);
            let is_instrument = i
                .trait_
                .as_ref()
                .and_then(|(_, path, _)| path.segments.last())
                .is_some_and(|s| s.ident == "Instrument");
            if is_instrument {
                self.instruments.insert(ty.clone());
            }
        }
        let saved = std::mem::replace(&mut self.self_ty, ty);
        self.with_test(&i.attrs, |w| visit::visit_item_impl(w, i));
        self.self_ty = saved;
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.with_test(&m.attrs, |w| visit::visit_item_mod(w, m));
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        let states = e
            .variants
            .iter()
            .filter_map(|v| StateName::parse(&v.ident.to_string()))
            .collect();
        let in_test = self.in_test || is_test_attr(&e.attrs);
        self.enums.push(Enum {
            name: e.ident.to_string(),
            span: span_between(self.x, e.enum_token.span, e.ident.span()),
            states,
            in_test,
        });
        visit::visit_item_enum(self, e);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let field_types = s.fields.iter().map(|f| compact(&f.ty)).collect();
        let failure_counting = s
            .fields
            .iter()
            .filter_map(|f| f.ident.as_ref())
            .any(|i| names_failure_counting(&i.to_string()));
        self.structs.push(Struct {
            name: s.ident.to_string(),
            span: span_between(self.x, s.struct_token.span, s.ident.span()),
            field_types,
            failure_counting,
        });
        visit::visit_item_struct(self, s);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(function) = self.current {
            let state = self.state_value(&a.right);
            self.assigns.push(Assign {
                function,
                place: compact(&a.left),
                state,
                written: source_text(self.x, &a.right),
                span: span_between(self.x, a.left.span(), a.right.span()),
                in_test: self.in_test,
            });
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_struct(&mut self, st: &'ast syn::ExprStruct) {
        let name = st.path.segments.last().map(|s| s.ident.to_string());
        let ty = match name.as_deref() {
            Some("Self") => self.self_ty.clone(),
            other => other.map(str::to_string),
        };
        if let Some(ty) = ty {
            for field in &st.fields {
                let syn::Member::Named(ident) = &field.member else {
                    continue;
                };
                let field_name = ident.to_string();
                let Some(kind) = setting_kind(&field_name) else {
                    continue;
                };
                let value = match (kind, self.x.value(&field.expr, 0)) {
                    (_, Value::Number { value: 0.0 }) => continue,
                    (BreakerValueKind::Threshold, Value::Number { value }) => value,
                    (BreakerValueKind::OpenDuration, Value::Duration { seconds, .. }) => seconds,
                    (BreakerValueKind::OpenDuration, Value::Number { value })
                        if name_says_millis(&field_name) =>
                    {
                        value / 1000.0
                    }
                    (BreakerValueKind::OpenDuration, Value::Number { value })
                        if name_says_seconds(&field_name) =>
                    {
                        value
                    }
                    _ => continue,
                };
                let span = self.x.span(ident.span());
                let setting = BreakerSetting {
                    name: field_name.clone(),
                    value,
                    written: format!("{field_name}: {}", source_text(self.x, &field.expr)),
                    span,
                };
                self.struct_settings.push((
                    ty.clone(),
                    BreakerValue {
                        library: String::new(),
                        kind,
                        setting,
                        in_test: self.in_test,
                    },
                ));
            }
        }
        visit::visit_expr_struct(self, st);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            // `helper(..)`, `Self::helper(..)`: a function that may be this file's.
            if let [.., last] = segments.as_slice() {
                if segments.len() == 1 || segments[0] == "Self" {
                    self.call_name(last.clone(), segments.len() > 1);
                }
            }
        }
        if let Expr::Paren(p) = &*c.func {
            let callee = compact(&p.expr);
            if names_hook(&callee) {
                self.call_name(callee, false);
            }
        }
        self.value_call(c);
        if let Some((spec, constructor)) = self.constructor(c) {
            let span = span_between(self.x, c.span(), c.span());
            let in_test = self.in_test;
            self.chains.entry((span.line, span.col)).or_insert(Chain {
                spec,
                constructor,
                span,
                methods: Vec::new(),
                in_test,
            });
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        let receiver = compact(&m.receiver);
        if receiver == "self" {
            self.call_name(method.clone(), true);
        } else if names_hook(&receiver) || names_hook(&method) {
            // Kept whole: `listener.on_state_change` is no function of this file.
            self.call_name(format!("{receiver}.{method}"), false);
        }
        self.record(telemetry::rust_method(&receiver, &method));
        self.atomic_transition(m, &receiver);
        self.chain(m);
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let path: Vec<String> = mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        self.record(telemetry::rust_macro(&path));
        visit::visit_macro(self, mac);
    }
}
