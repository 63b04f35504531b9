//! Circuit breakers in Python: library breakers (pybreaker, aiobreaker, circuitbreaker,
//! purgatory) with their settings and listeners, and hand-written breaker classes with every
//! assignment of a new state and whether the assigning method (or a same-file helper it calls)
//! logs or records a metric.

use std::collections::{HashMap, HashSet};

use super::syntax::Node;

use super::{literal, Extractor, Kind, F, MAX_DEPTH};
use crate::catalog::{BreakerSpec, Unit};
use crate::facts::{
    name_says_millis, names_breaker, names_failure_counting, names_hook, setting_kind, Arg,
    BreakerFacts, BreakerSetting, BreakerValue, BreakerValueKind, HandBreaker, Lang,
    LibraryBreaker, Recorded, Span, StateName, StateSet, Transition, Value,
};
use crate::lang::telemetry::{self, Signal};

/// Helpers are followed this many calls deep.
const MAX_HELPER_DEPTH: usize = 8;

/// Methods whose assignments set the initial state rather than change it.
const CONSTRUCTORS: &[&str] = &["__init__", "__post_init__", "__new__", "setUp"];

struct Function {
    name: String,
    /// The class it is written in (a method, or a function nested in one).
    class: Option<usize>,
    recorded: Recorded,
    /// Names of the functions and `self.` methods it calls, and whether through `self`/`cls`.
    calls: Vec<(String, bool)>,
}

struct Class<'t> {
    node: Node<'t>,
    name: String,
    /// States named by its class-level assignments: `OPEN = "open"`, `HALF_OPEN = auto()`.
    members: Vec<StateName>,
    /// States named by string literals inside it: `self.state == "half_open"`.
    literal_states: Vec<StateName>,
    failure_counting: bool,
    methods: Vec<usize>,
}

/// `self.<attr> = <value>` inside a method.
struct Assign<'t> {
    class: usize,
    function: usize,
    attr: String,
    value: Node<'t>,
    span: Span,
}

struct LibCall<'t> {
    spec: BreakerSpec,
    callee: String,
    call: Node<'t>,
    /// The name or attribute it is assigned to: `breaker`, `self._breaker`.
    target: Option<String>,
    /// Built where it is handed on (returned, passed as an argument): listeners may be added
    /// by whoever receives it.
    handed_on: bool,
}

#[derive(Default)]
struct Gathered<'t> {
    functions: Vec<Function>,
    by_name: HashMap<String, Vec<usize>>,
    classes: Vec<Class<'t>>,
    assigns: Vec<Assign<'t>>,
    lib_calls: Vec<LibCall<'t>>,
    /// `<receiver>.add_listener(<args>)`: the receiver's text and the arguments.
    listener_adds: Vec<(String, String, Node<'t>)>,
    /// Module constants naming a state: `STATE_OPEN = "open"`.
    module_states: HashMap<String, StateName>,
    /// Names and `self.` attributes passed as an argument or returned somewhere in the file:
    /// a breaker stored there is handed on, and its receiver may attach listeners.
    handed_on: HashSet<String>,
    /// Calls of a bare name (`CircuitBreaker(failure_threshold=1)`), which may build one of this
    /// file's breaker classes.
    local_calls: Vec<(String, Node<'t>)>,
}

impl Extractor<'_, '_> {
    /// Finds the file's breakers; runs after pass 2, so only module-level names resolve.
    pub(super) fn collect_breakers<'t>(&mut self, root: Node<'t>) {
        if !self.catalog.may_hold_breakers(Lang::Python, self.src) {
            return;
        }
        let mut g = Gathered::default();
        self.gather(root, 0, None, None, &mut g);
        let mut out = BreakerFacts::default();
        self.library_breakers(&g, &mut out);
        self.hand_written_breakers(&g, &mut out);
        for line in out
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
            .collect::<Vec<_>>()
        {
            self.remember_line(line);
        }
        self.facts.breakers = out;
    }

    fn gather<'t>(
        &self,
        node: Node<'t>,
        depth: usize,
        class: Option<usize>,
        function: Option<usize>,
        g: &mut Gathered<'t>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (mut class, mut function) = (class, function);
        match node.kind_name() {
            "class_definition" => {
                let name = node
                    .child_by_field_id(F.name)
                    .map_or("", |n| self.text(n))
                    .to_string();
                let members = node
                    .child_by_field_id(F.body)
                    .map(|b| self.class_members(b))
                    .unwrap_or_default();
                g.classes.push(Class {
                    node,
                    name,
                    members,
                    literal_states: Vec::new(),
                    failure_counting: false,
                    methods: Vec::new(),
                });
                class = Some(g.classes.len() - 1);
                function = None;
            }
            "function_definition" => {
                let name = node
                    .child_by_field_id(F.name)
                    .map_or("", |n| self.text(n))
                    .to_string();
                let index = g.functions.len();
                g.by_name.entry(name.clone()).or_default().push(index);
                g.functions.push(Function {
                    name,
                    class,
                    recorded: Recorded::default(),
                    calls: Vec::new(),
                });
                // A method directly in the class body, possibly decorated.
                let in_body = node.parent().is_some_and(|p| {
                    p.kind_name() == "block"
                        || (p.kind_name() == "decorated_definition"
                            && p.parent().is_some_and(|b| b.kind_name() == "block"))
                });
                if let (Some(c), None, true) = (class, function, in_body) {
                    g.classes[c].methods.push(index);
                }
                function = Some(index);
            }
            "call" => self.gather_call(node, function, g),
            "argument_list" | "return_statement" => {
                for arg in node.named_children() {
                    let value = match arg.kind_name() {
                        "keyword_argument" => arg.child_by_field_id(F.value),
                        _ => Some(arg),
                    };
                    if let Some(v) =
                        value.filter(|v| matches!(v.kind_name(), "identifier" | "attribute"))
                    {
                        g.handed_on.insert(self.text(v).to_string());
                    }
                }
            }
            "assignment" => self.gather_assignment(node, class, function, g),
            "identifier" => {
                if let Some(c) = class {
                    if names_failure_counting(self.text(node)) {
                        g.classes[c].failure_counting = true;
                    }
                }
            }
            "string" => {
                if let (Some(c), Some(Value::Str { value })) = (class, literal(self, node, 0)) {
                    if value.len() <= 20 {
                        if let Some(state) = StateName::parse(&value) {
                            g.classes[c].literal_states.push(state);
                        }
                    }
                }
            }
            _ => {}
        }
        for child in node.children() {
            self.gather(child, depth + 1, class, function, g);
        }
    }

    /// The states a class body names with its own assignments: an `Enum`'s members or a
    /// breaker's `OPEN = "open"` constants.
    fn class_members(&self, body: Node<'_>) -> Vec<StateName> {
        let mut states = Vec::new();
        for stmt in body.named_children() {
            let Some(assign) = stmt
                .named_child(0)
                .filter(|n| n.kind_name() == "assignment")
            else {
                continue;
            };
            let Some(left) = assign
                .child_by_field_id(F.left)
                .filter(|l| l.kind_name() == "identifier")
            else {
                continue;
            };
            if let Some(state) = StateName::parse(self.text(left)) {
                states.push(state);
            }
        }
        states
    }

    fn gather_call<'t>(&self, call: Node<'t>, function: Option<usize>, g: &mut Gathered<'t>) {
        let Some(f) = call.child_by_field_id(F.function) else {
            return;
        };
        let qualname = self.qualname_raw(f);
        let (receiver, name) = match f.kind_name() {
            "identifier" => (None, self.text(f)),
            "attribute" => (
                f.child_by_field_id(F.object),
                f.child_by_field_id(F.attribute)
                    .map_or("", |a| self.text(a)),
            ),
            _ => (None, ""),
        };
        if let Some(index) = function {
            let recorded = &mut g.functions[index].recorded;
            match telemetry::python_call(qualname.as_deref(), receiver.map(|r| self.text(r)), name)
            {
                Some(Signal::Log) => recorded.logs = true,
                Some(Signal::Metric) => recorded.metrics = true,
                None => {}
            }
            let on_self = receiver.is_some_and(|r| matches!(self.text(r), "self" | "cls"));
            // `listener.state_change(..)`, `self._on_state_change(..)`: a hook, kept by name.
            let hook = names_hook(self.text(f));
            if hook && !on_self {
                // Kept whole: `listener.state_change` is no function of this file.
                g.functions[index]
                    .calls
                    .push((self.text(f).to_string(), false));
            } else if (receiver.is_none() || on_self) && !name.is_empty() {
                g.functions[index].calls.push((name.to_string(), on_self));
            }
        }
        if let Some(spec) = qualname
            .as_deref()
            .and_then(|q| self.catalog.breaker_constructor(Lang::Python, q))
        {
            let parent = call.parent();
            let target = parent
                .filter(|p| p.kind_name() == "assignment")
                .and_then(|p| p.child_by_field_id(F.left))
                .map(|l| self.text(l).to_string());
            let handed_on = parent.is_some_and(|p| {
                matches!(
                    p.kind_name(),
                    "return_statement" | "argument_list" | "keyword_argument" | "yield"
                )
            });
            g.lib_calls.push(LibCall {
                spec: spec.clone(),
                callee: qualname.unwrap_or_default(),
                call,
                target,
                handed_on,
            });
        }
        if f.kind_name() == "identifier" {
            g.local_calls.push((name.to_string(), call));
        }
        if let (Some(receiver), Some(args)) = (receiver, call.child_by_field_id(F.arguments)) {
            g.listener_adds
                .push((self.text(receiver).to_string(), name.to_string(), args));
        }
    }

    fn gather_assignment<'t>(
        &self,
        assign: Node<'t>,
        class: Option<usize>,
        function: Option<usize>,
        g: &mut Gathered<'t>,
    ) {
        let (Some(left), Some(right)) = (
            assign.child_by_field_id(F.left),
            assign.child_by_field_id(F.right),
        ) else {
            return;
        };
        if function.is_none() && class.is_none() && left.kind_name() == "identifier" {
            if let Some(Value::Str { value }) = literal(self, right, 0) {
                // `STATE_OPEN = "open"`: both the name and the value name the state.
                let name = self.text(left);
                if let Some(state) = StateName::parse(&value) {
                    if StateName::parse(name) == Some(state) {
                        g.module_states.insert(name.to_string(), state);
                    }
                }
            }
            return;
        }
        let (Some(class), Some(function)) = (class, function) else {
            return;
        };
        // `old, self.state = self.state, State.OPEN`: each target with its value.
        let pairs: Vec<(Node<'t>, Node<'t>)> = match (left.kind_name(), right.kind_name()) {
            ("pattern_list" | "tuple_pattern", "expression_list" | "tuple") => {
                let targets: Vec<Node<'t>> = left.named_children().collect();
                let values: Vec<Node<'t>> = right.named_children().collect();
                if targets.len() != values.len() {
                    return;
                }
                targets.into_iter().zip(values).collect()
            }
            _ => vec![(left, right)],
        };
        for (target, value) in pairs {
            if target.kind_name() != "attribute" {
                continue;
            }
            let (Some(object), Some(attr)) = (
                target.child_by_field_id(F.object),
                target.child_by_field_id(F.attribute),
            ) else {
                continue;
            };
            if self.text(object) != "self" {
                continue;
            }
            g.assigns.push(Assign {
                class,
                function,
                attr: self.text(attr).to_string(),
                value,
                span: self.span(target),
            });
        }
    }

    // ------------------------------------------------------------------ library breakers

    fn library_breakers<'t>(&self, g: &Gathered<'t>, out: &mut BreakerFacts) {
        for lib in &g.lib_calls {
            let Some(f) = lib.call.child_by_field_id(F.function) else {
                continue;
            };
            let call_span = self.span(lib.call);
            let span = Span {
                end_line: call_span.end_line,
                end_col: call_span.end_col,
                ..self.span(f)
            };
            let (args, _, forwards_kwargs) = match lib.call.child_by_field_id(F.arguments) {
                Some(a) => self.arguments(a),
                None => (Vec::new(), false, false),
            };
            let in_test = self.file_is_test;
            let spec = &lib.spec;
            let positional =
                |i: Option<usize>| i.and_then(|i| args.iter().filter(|a| a.name.is_none()).nth(i));
            let named = |names: &[String]| {
                args.iter()
                    .rev()
                    .find(|a| a.name.as_ref().is_some_and(|n| names.contains(n)))
            };
            let threshold = named(&spec.threshold).or_else(|| positional(spec.threshold_position));
            if let Some(arg) = threshold {
                if let Value::Number { value } = arg.value {
                    out.values.push(BreakerValue {
                        library: spec.library.clone(),
                        kind: BreakerValueKind::Threshold,
                        setting: self.positional_setting(&lib.callee, &args, arg, value, span),
                        in_test,
                    });
                }
            }
            let open =
                named(&spec.open_duration).or_else(|| positional(spec.open_duration_position));
            if let Some(arg) = open {
                if let Some(seconds) = seconds_of(&arg.value, spec.unit) {
                    out.values.push(BreakerValue {
                        library: spec.library.clone(),
                        kind: BreakerValueKind::OpenDuration,
                        setting: self.positional_setting(&lib.callee, &args, arg, seconds, span),
                        in_test,
                    });
                }
            }
            let recorded = spec.hook.then(|| {
                let stored_and_handed_on =
                    lib.target.as_ref().is_some_and(|t| g.handed_on.contains(t));
                if forwards_kwargs || lib.handed_on || stored_and_handed_on {
                    return Recorded::BOTH;
                }
                let mut recorded = Recorded::default();
                if let Some(node) = self.keyword_node(lib.call, &spec.listener_args) {
                    recorded = recorded.or(self.listeners_record(node, g, 0));
                }
                if let Some(target) = &lib.target {
                    for (receiver, method, args) in &g.listener_adds {
                        if receiver == target && spec.listener_methods.contains(method) {
                            recorded = recorded.or(self.listeners_record(*args, g, 0));
                        }
                    }
                }
                recorded
            });
            out.library.push(LibraryBreaker {
                library: spec.library.clone(),
                constructor: lib.callee.clone(),
                span,
                recorded,
                in_test,
            });
        }
    }

    fn setting(&self, arg: &Arg, value: f64, call_span: Span) -> BreakerSetting {
        let written = self
            .index
            .line_text(arg.span.line)
            .chars()
            .skip(arg.span.col.saturating_sub(1) as usize)
            .take(if arg.span.line == arg.span.end_line {
                arg.span.end_col.saturating_sub(arg.span.col) as usize
            } else {
                60
            })
            .collect::<String>();
        BreakerSetting {
            name: arg.name.clone().unwrap_or_default(),
            value,
            written: written.trim().to_string(),
            span: call_span,
        }
    }

    /// A positional setting, written with its call so that the message says what it is:
    /// `CircuitBreaker(1, ..)`, `CircuitBreaker(.., 3600)`.
    fn positional_setting(
        &self,
        callee: &str,
        args: &[Arg],
        arg: &Arg,
        value: f64,
        call_span: Span,
    ) -> BreakerSetting {
        let mut setting = self.setting(arg, value, call_span);
        if arg.name.is_none() {
            let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
            let index = positional
                .iter()
                .position(|a| a.span == arg.span)
                .unwrap_or(0);
            let short = callee.rsplit('.').next().unwrap_or(callee);
            let before = if index > 0 { ".., " } else { "" };
            let after = if index + 1 < positional.len() {
                ", .."
            } else {
                ""
            };
            setting.written = format!("{short}({before}{}{after})", setting.written);
        }
        setting
    }

    /// The value node of the call's keyword argument named one of `names`.
    fn keyword_node<'t>(&self, call: Node<'t>, names: &[String]) -> Option<Node<'t>> {
        let args = call.child_by_field_id(F.arguments)?;
        let found = args
            .named_children()
            .filter(|a| a.kind_name() == "keyword_argument")
            .filter(|a| {
                a.child_by_field_id(F.name)
                    .is_some_and(|n| names.iter().any(|x| x == self.text(n)))
            })
            .last();
        found.and_then(|a| a.child_by_field_id(F.value))
    }

    /// What the listeners in `node` (a list, an argument list, one expression) record. A
    /// listener defined in another file may record anything: it counts as both.
    fn listeners_record<'t>(&self, node: Node<'t>, g: &Gathered<'t>, depth: usize) -> Recorded {
        if depth > MAX_HELPER_DEPTH {
            return Recorded::BOTH;
        }
        match node.kind_name() {
            "list" | "tuple" | "argument_list" | "parenthesized_expression" => node
                .named_children()
                .filter(|n| n.kind_name() != "comment")
                .fold(Recorded::default(), |acc, n| {
                    acc.or(self.listeners_record(n, g, depth + 1))
                }),
            "call" => match node.child_by_field_id(F.function) {
                Some(f) if f.kind_name() == "identifier" => self.defined_records(self.text(f), g),
                _ => Recorded::BOTH,
            },
            "identifier" => self.defined_records(self.text(node), g),
            "none" => Recorded::default(),
            _ => Recorded::BOTH,
        }
    }

    /// What a class or function of this file records, through its methods and helpers;
    /// a name defined elsewhere counts as both.
    fn defined_records<'t>(&self, name: &str, g: &Gathered<'t>) -> Recorded {
        self.defined_records_at(name, g, 0)
    }

    fn defined_records_at<'t>(&self, name: &str, g: &Gathered<'t>, depth: usize) -> Recorded {
        if depth > MAX_HELPER_DEPTH {
            return Recorded::BOTH;
        }
        if let Some(class) = g.classes.iter().find(|c| c.name == name) {
            let own = class.methods.iter().fold(Recorded::default(), |acc, &m| {
                acc.or(recorded_through(g, m, &mut HashSet::new(), 0))
            });
            // What it inherits: a listener base of the library adds nothing, one defined here
            // is read, one defined elsewhere may record anything.
            let mut inherited = Recorded::default();
            if let Some(bases) = class.node.child_by_field_id(F.superclasses) {
                for base in bases.named_children() {
                    let text = self.text(base);
                    let library_base = text.ends_with("CircuitBreakerListener")
                        || matches!(text, "object" | "ABC" | "abc.ABC");
                    if library_base || base.kind_name() == "keyword_argument" {
                        continue;
                    }
                    inherited = inherited.or(if base.kind_name() == "identifier" {
                        self.defined_records_at(text, g, depth + 1)
                    } else {
                        Recorded::BOTH
                    });
                }
            }
            return own.or(inherited);
        }
        match g.by_name.get(name) {
            Some(fns) => fns.iter().fold(Recorded::default(), |acc, &f| {
                acc.or(recorded_through(g, f, &mut HashSet::new(), 0))
            }),
            None => Recorded::BOTH,
        }
    }

    // ------------------------------------------------------------------ hand-written breakers

    /// The state an assigned value names, if it names one: `CircuitState.OPEN`, `self.OPEN`,
    /// `"half_open"`, `STATE_OPEN`.
    fn state_value<'t>(
        &self,
        value: Node<'_>,
        g: &Gathered<'t>,
    ) -> Option<(StateName, Option<usize>)> {
        match value.kind_name() {
            "attribute" => {
                let object = value.child_by_field_id(F.object)?;
                let attr = value.child_by_field_id(F.attribute)?;
                let state = StateName::parse(self.text(attr))?;
                let owner = self.text(object);
                let last = owner.rsplit('.').next().unwrap_or(owner);
                let declared = g
                    .classes
                    .iter()
                    .position(|c| c.name == last && declares_states(c));
                let looks_like_states = declared.is_some()
                    || matches!(owner, "self" | "cls")
                    || last.ends_with("State")
                    || last.ends_with("Status")
                    || (names_breaker(last) && !last.ends_with("Error"));
                looks_like_states.then_some((state, declared))
            }
            "string" => match literal(self, value, 0)? {
                Value::Str { value } => StateName::parse(&value).map(|s| (s, None)),
                _ => None,
            },
            "identifier" => g.module_states.get(self.text(value)).map(|s| (*s, None)),
            _ => None,
        }
    }

    fn hand_written_breakers<'t>(&self, g: &Gathered<'t>, out: &mut BreakerFacts) {
        let in_test = self.file_is_test;
        // Per class: the attributes assigned a state anywhere, and the enum classes used.
        let mut state_attrs: HashMap<usize, HashSet<&str>> = HashMap::new();
        let mut enums_used: HashMap<usize, HashSet<usize>> = HashMap::new();
        let mut names_states: HashMap<usize, bool> = HashMap::new();
        for a in &g.assigns {
            if let Some((_, declared)) = self.state_value(a.value, g) {
                state_attrs.entry(a.class).or_default().insert(&a.attr);
                if let Some(e) = declared {
                    enums_used.entry(a.class).or_default().insert(e);
                    if names_breaker(&g.classes[e].name) {
                        names_states.insert(a.class, true);
                    }
                } else if self
                    .text(a.value)
                    .rsplit_once('.')
                    .is_some_and(|(owner, _)| names_breaker(owner))
                {
                    names_states.insert(a.class, true);
                }
            }
        }
        let mut reported_sets: HashSet<usize> = HashSet::new();
        // Classes whose literal settings are judged: breakers, and classes named as a
        // breaker's (a `CircuitBreakerConfig` dataclass).
        let mut judged: HashSet<usize> = HashSet::new();
        let mut classes: Vec<&usize> = state_attrs.keys().collect();
        classes.sort();
        for &class_index in classes {
            let class = &g.classes[class_index];
            let evidence = names_breaker(&class.name)
                || class.failure_counting
                || names_states.contains_key(&class_index);
            if !evidence {
                continue;
            }
            let attrs = &state_attrs[&class_index];
            let mut transitions = Vec::new();
            for a in g.assigns.iter().filter(|a| a.class == class_index) {
                if !attrs.contains(a.attr.as_str()) {
                    continue;
                }
                let function = &g.functions[a.function];
                if CONSTRUCTORS.contains(&function.name.as_str()) {
                    continue;
                }
                let to = self
                    .state_value(a.value, g)
                    .map(|_| self.text(a.value).to_string());
                transitions.push(Transition {
                    to,
                    function: function.name.clone(),
                    span: a.span,
                    recorded: recorded_through(g, a.function, &mut HashSet::new(), 0),
                });
            }
            let metrics = transitions.iter().any(|t| t.recorded.metrics)
                || class
                    .methods
                    .iter()
                    .any(|&m| g.functions[m].recorded.metrics);
            let used = enums_used.get(&class_index);
            match used {
                Some(enums) => {
                    let mut enums: Vec<&usize> = enums.iter().collect();
                    enums.sort();
                    for &e in enums {
                        reported_sets.insert(e);
                    }
                }
                None => {
                    // String or constant states: the class itself declares them, together with
                    // the literals it compares against and the module's state constants.
                    let states: Vec<StateName> = class
                        .members
                        .iter()
                        .chain(&class.literal_states)
                        .chain(g.module_states.values())
                        .copied()
                        .collect();
                    if states.contains(&StateName::Open) && states.contains(&StateName::Closed) {
                        out.state_sets.push(StateSet {
                            name: class.name.clone(),
                            span: self.line_span(class.node),
                            has_half_open: states.contains(&StateName::HalfOpen),
                            in_test,
                        });
                    }
                }
            }
            if transitions.is_empty() {
                continue;
            }
            judged.insert(class_index);
            out.hand_written.push(HandBreaker {
                name: class.name.clone(),
                span: self.line_span(class.node),
                transitions,
                metrics,
                in_test,
            });
        }
        for (i, c) in g.classes.iter().enumerate() {
            if judged.contains(&i) || (names_breaker(&c.name) && !declares_states(c)) {
                self.hand_written_settings(c.node, out);
                for (_, call) in g.local_calls.iter().filter(|(n, _)| *n == c.name) {
                    self.call_settings(*call, out);
                }
            }
        }
        // State enums: used by a breaker here, or named as a breaker's.
        for (i, c) in g.classes.iter().enumerate() {
            if !declares_states(c) {
                continue;
            }
            if reported_sets.contains(&i) || names_breaker(&c.name) {
                out.state_sets.push(StateSet {
                    name: c.name.clone(),
                    span: self.line_span(c.node),
                    has_half_open: c.members.contains(&StateName::HalfOpen),
                    in_test,
                });
            }
        }
        out.state_sets.sort_by_key(|s| s.span);
        out.state_sets.dedup_by_key(|s| s.span);
    }

    /// A hand-written breaker's literal settings: class constants (`FAILURE_THRESHOLD = 1`),
    /// `__init__` defaults (`recovery_timeout=0.1`) and `self.x = <number>` in `__init__`.
    /// Zeros are skipped: they are usually counters and timestamps being reset.
    fn hand_written_settings(&self, class: Node<'_>, out: &mut BreakerFacts) {
        let Some(body) = class.child_by_field_id(F.body) else {
            return;
        };
        let mut found: Vec<(Node<'_>, Node<'_>)> = Vec::new();
        for member in body.named_children() {
            let member = match member.kind_name() {
                "decorated_definition" => match member.child_by_field_id(F.definition) {
                    Some(d) => d,
                    None => continue,
                },
                _ => member,
            };
            match member.kind_name() {
                "expression_statement" => {
                    if let Some(assign) = member
                        .named_child(0)
                        .filter(|n| n.kind_name() == "assignment")
                    {
                        if let (Some(l), Some(r)) = (
                            assign.child_by_field_id(F.left),
                            assign.child_by_field_id(F.right),
                        ) {
                            if l.kind_name() == "identifier" {
                                found.push((l, r));
                            }
                        }
                    }
                }
                "function_definition"
                    if member
                        .child_by_field_id(F.name)
                        .is_some_and(|n| self.text(n) == "__init__") =>
                {
                    if let Some(params) = member.child_by_field_id(F.parameters) {
                        for p in params.named_children() {
                            if matches!(
                                p.kind_name(),
                                "default_parameter" | "typed_default_parameter"
                            ) {
                                if let (Some(n), Some(v)) =
                                    (p.child_by_field_id(F.name), p.child_by_field_id(F.value))
                                {
                                    found.push((n, v));
                                }
                            }
                        }
                    }
                    if let Some(block) = member.child_by_field_id(F.body) {
                        for stmt in block.named_children() {
                            let Some(assign) = stmt
                                .named_child(0)
                                .filter(|n| n.kind_name() == "assignment")
                            else {
                                continue;
                            };
                            if let (Some(l), Some(r)) = (
                                assign.child_by_field_id(F.left),
                                assign.child_by_field_id(F.right),
                            ) {
                                let on_self = l.kind_name() == "attribute"
                                    && l.child_by_field_id(F.object)
                                        .is_some_and(|o| self.text(o) == "self");
                                if let (true, Some(attr)) =
                                    (on_self, l.child_by_field_id(F.attribute))
                                {
                                    found.push((attr, r));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, value) in found {
            let name_text = self.text(name);
            let Some(kind) = setting_kind(name_text) else {
                continue;
            };
            let written = format!("{name_text}={}", self.text(value));
            let number = match literal(self, value, 0) {
                Some(Value::Number { value }) | Some(Value::ShownSeconds { value }) => value,
                _ => continue,
            };
            if number == 0.0 {
                continue;
            }
            let value = match kind {
                BreakerValueKind::OpenDuration if name_says_millis(name_text) => number / 1000.0,
                _ => number,
            };
            let span = self.span(name);
            out.values.push(BreakerValue {
                library: String::new(),
                kind,
                setting: BreakerSetting {
                    name: name_text.to_string(),
                    value,
                    written,
                    span,
                },
                in_test: self.file_is_test,
            });
        }
    }

    /// Keyword settings given where a hand-written breaker is built:
    /// `CircuitBreaker(failure_threshold=1, recovery_timeout=0.5)`.
    fn call_settings(&self, call: Node<'_>, out: &mut BreakerFacts) {
        let (Some(f), Some(args)) = (
            call.child_by_field_id(F.function),
            call.child_by_field_id(F.arguments),
        ) else {
            return;
        };
        let call_span = self.span(call);
        let span = Span {
            end_line: call_span.end_line,
            end_col: call_span.end_col,
            ..self.span(f)
        };
        let (args, _, _) = self.arguments(args);
        for arg in &args {
            let Some(name) = arg.name.as_deref() else {
                continue;
            };
            let Some(kind) = setting_kind(name) else {
                continue;
            };
            let number = match arg.value {
                Value::Number { value } | Value::ShownSeconds { value } if value != 0.0 => value,
                _ => continue,
            };
            let value = match kind {
                BreakerValueKind::OpenDuration if name_says_millis(name) => number / 1000.0,
                _ => number,
            };
            out.values.push(BreakerValue {
                library: String::new(),
                kind,
                setting: self.setting(arg, value, span),
                in_test: self.file_is_test,
            });
        }
    }

    /// The first line of a definition, for findings reported at a class.
    fn line_span(&self, node: Node<'_>) -> Span {
        let start = self.span(node);
        let header_end = node
            .child_by_field_id(F.name)
            .map_or(start, |n| self.span(n));
        Span {
            end_line: header_end.end_line,
            end_col: header_end.end_col,
            ..start
        }
    }
}

/// A class whose own members name both OPEN and CLOSED.
fn declares_states(class: &Class<'_>) -> bool {
    class.members.contains(&StateName::Open) && class.members.contains(&StateName::Closed)
}

/// What a function records itself or through the functions of this file it calls.
fn recorded_through(
    g: &Gathered<'_>,
    function: usize,
    seen: &mut HashSet<usize>,
    depth: usize,
) -> Recorded {
    if depth > MAX_HELPER_DEPTH || !seen.insert(function) {
        return Recorded::default();
    }
    let f = &g.functions[function];
    let mut recorded = f.recorded;
    for (name, on_self) in &f.calls {
        let candidates = g.by_name.get(name).map(Vec::as_slice).unwrap_or_default();
        if candidates.is_empty() && names_hook(name) {
            // A listener or callback filled in elsewhere may log and count anything.
            return Recorded::BOTH;
        }
        // `self.helper()` is the class's own method when it has one (a subclass or a base
        // elsewhere may define it otherwise: then any same-file function of that name counts).
        let own: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| *on_self && f.class.is_some() && g.functions[c].class == f.class)
            .collect();
        let callees = if own.is_empty() { candidates } else { &own[..] };
        for &callee in callees {
            recorded = recorded.or(recorded_through(g, callee, seen, depth + 1));
        }
    }
    recorded
}

/// Seconds in an open-duration value: a number in the library's unit, or a `timedelta(..)`.
fn seconds_of(value: &Value, unit: Unit) -> Option<f64> {
    match value {
        Value::Number { value } | Value::ShownSeconds { value } => Some(match unit {
            Unit::S => *value,
            Unit::Ms => *value / 1000.0,
        }),
        Value::Call { callee, args } if callee == "datetime.timedelta" => {
            // timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)
            const PARTS: &[(&str, f64)] = &[
                ("days", 86400.0),
                ("seconds", 1.0),
                ("microseconds", 1e-6),
                ("milliseconds", 1e-3),
                ("minutes", 60.0),
                ("hours", 3600.0),
                ("weeks", 604_800.0),
            ];
            let mut total = 0.0;
            let mut positional = 0;
            for arg in args {
                let factor = match &arg.name {
                    Some(n) => PARTS.iter().find(|(p, _)| p == n)?.1,
                    None => {
                        positional += 1;
                        PARTS.get(positional - 1)?.1
                    }
                };
                match arg.value {
                    Value::Number { value } | Value::ShownSeconds { value } => {
                        total += value * factor
                    }
                    _ => return None,
                }
            }
            Some(total)
        }
        _ => None,
    }
}
