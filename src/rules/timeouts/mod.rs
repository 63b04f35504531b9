//! Timeout rules (RES101–RES106). One assessment of each catalogued call serves them all:
//! is a timeout given, is it disabled, partial or finite, and which literal values it holds.

pub mod deadline_on_wall_clock;
pub mod partial_timeout;
pub mod timeout_disabled;
pub mod timeout_too_long;
pub mod timeout_unit_mismatch;
pub mod untimed_call;

use crate::catalog::{CallSpec, Catalog, DefaultTimeout, EffectiveDefault, PartRole, Unit};
use crate::facts::{CallFact, DurationUnit, Lang, Span, Value};
use crate::rules::FileCx;

/// How the call's timeout is given.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// Nothing bounds the call: the library default applies.
    Missing,
    /// A finite or unknown (variable) timeout.
    Bounded,
    /// Explicitly switched off; says what was switched off.
    Disabled(String),
    /// Only part of the call is bounded; says which part is not.
    Partial(String),
    /// Cannot be told from here (`**kwargs`, a builder finished elsewhere, a wrapper adapter).
    Opaque,
}

/// A number written in the code as (part of) a timeout.
#[derive(Debug, Clone)]
pub struct Literal {
    pub seconds: f64,
    pub raw: f64,
    pub unit: LiteralUnit,
    pub span: Span,
    /// Written as minutes or hours of seconds (`60 * 60 * 24`): not a unit mistake.
    pub seconds_shown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LiteralUnit {
    /// A bare number in the parameter's unit.
    Plain(Unit),
    /// A Rust `Duration` constructor that states its unit.
    Stated(DurationUnit),
}

pub struct Assessment<'a> {
    pub call: &'a CallFact,
    pub spec: &'a CallSpec,
    pub default: EffectiveDefault<'a>,
    pub given: Given,
    /// Where the deciding value was given (a Rust builder method's line), else the call.
    pub at: Span,
    pub literals: Vec<Literal>,
    /// `session.timeout = 10` on a requests session: looks like a timeout, does nothing.
    pub ignored_attr: Option<String>,
}

impl Assessment<'_> {
    /// The library waits forever when no timeout is given.
    pub fn default_unbounded(&self) -> bool {
        matches!(
            self.default.default,
            Some(DefaultTimeout::Named(crate::catalog::NamedDefault::None))
        )
    }

    pub fn default_connect_only(&self) -> bool {
        matches!(
            self.default.default,
            Some(DefaultTimeout::Named(
                crate::catalog::NamedDefault::ConnectOnly
            ))
        )
    }

    pub fn what(&self) -> String {
        format!("`{}` ({})", self.call.callee, self.spec.what)
    }

    /// The note appended when no version is pinned and the unsafe default was assumed.
    pub fn assumption(&self) -> String {
        match self.default.assumed {
            Some(a) => format!(" (no pinned version found: assuming {a})"),
            None => String::new(),
        }
    }
}

/// Every catalogued call in the file with its assessment.
pub fn assessments<'a>(cx: &'a FileCx<'_>) -> impl Iterator<Item = Assessment<'a>> + 'a {
    cx.facts.calls.iter().filter_map(move |call| {
        let spec = cx.catalog.call(cx.lang, &call.callee)?;
        (driver_known(call, spec) && prompted(call, spec)).then(|| assess(call, spec, cx))
    })
}

fn assess<'a>(call: &'a CallFact, spec: &'a CallSpec, cx: &'a FileCx<'_>) -> Assessment<'a> {
    let mut a = Assessment {
        call,
        spec,
        default: spec.effective_default(cx.pins),
        given: Given::Missing,
        at: call.span,
        literals: Vec::new(),
        ignored_attr: None,
    };
    let main = spec
        .timeout_params()
        .iter()
        .find_map(|name| {
            call.param(name)
                .map(|p| (p.value.clone(), p.span, is_chain(call, name)))
        })
        .or_else(|| {
            let index = spec.position?;
            call.positional(index)
                .map(|arg| (arg.value.clone(), arg.span, false))
        });
    if let Some((value, span, from_chain)) = main {
        if from_chain {
            a.at = span;
        }
        a.given = judge_value(&value, spec, cx.catalog, cx.lang, span, &mut a.literals);
        return a;
    }
    if spec.configured_by.iter().any(|p| call.param(p).is_some()) {
        a.given = Given::Opaque;
        return a;
    }
    let given_partials: Vec<&String> = spec
        .partial
        .iter()
        .filter(|p| call.param(p).is_some())
        .collect();
    if !given_partials.is_empty() {
        for p in &given_partials {
            if let Some(param) = call.param(p) {
                collect_literal(param.value, spec.unit, param.span, &mut a.literals);
                if is_chain(call, p) {
                    a.at = param.span;
                }
            }
        }
        // A builder handed on unfinished may still get its whole-call timeout elsewhere.
        if unfinished(call, spec) {
            a.given = Given::Opaque;
            return a;
        }
        // A finite library default still bounds the whole call (tornado's 20 s `request_timeout`),
        // and so does a deadline around it.
        let default_finite = matches!(a.default.default, Some(DefaultTimeout::Seconds(_)));
        a.given = if default_finite
            || (call.under_deadline && spec.deadline_bounds)
            || (spec.partial.len() > 1 && given_partials.len() == spec.partial.len())
        {
            Given::Bounded
        } else {
            let missing = spec
                .timeout_params()
                .first()
                .cloned()
                .unwrap_or_else(|| "total timeout".into());
            Given::Partial(format!(
                "`{}` is set but `{missing}` is not",
                given_partials[0]
            ))
        };
        return a;
    }
    let keys = spec.dsn_key.to_vec();
    let in_dsn = call.args.iter().any(|arg| {
        matches!(&arg.value, Value::Str { value }
            if keys.iter().any(|k| value.to_ascii_lowercase().contains(&k.to_ascii_lowercase())))
    });
    if in_dsn {
        a.given = Given::Bounded;
        return a;
    }
    if let Some(receiver) = &call.receiver {
        if let Some(ty) = cx.catalog.type_spec(cx.lang, &receiver.ty) {
            if receiver
                .setters
                .iter()
                .any(|s| ty.timeout_setters.contains(&s.method))
            {
                // `sock.settimeout(None)` is reported at that call itself.
                a.given = Given::Bounded;
                return a;
            }
            let configured = receiver.setters.iter().any(|s| {
                ty.configured_by.contains(&s.method)
                    && !s.args.iter().any(|arg| is_stock(&arg.value, &ty.stock))
            }) || receiver.attrs.iter().any(|attr| {
                attr.name
                    .as_ref()
                    .is_some_and(|n| ty.configured_by.contains(n))
            });
            if configured {
                a.given = Given::Opaque;
                return a;
            }
            a.ignored_attr = receiver
                .attrs
                .iter()
                .filter_map(|attr| attr.name.clone())
                .find(|n| ty.ignored_attrs.contains(n));
        }
    }
    if call.forwards_kwargs || (call.forwards_args && spec.position.is_some()) {
        a.given = Given::Opaque;
        return a;
    }
    if unfinished(call, spec) {
        a.given = Given::Opaque;
        return a;
    }
    if call.under_deadline && spec.deadline_bounds {
        a.given = Given::Bounded;
    }
    a
}

/// A Rust builder chain that does not end in one of its `finish` methods.
fn unfinished(call: &CallFact, spec: &CallSpec) -> bool {
    !spec.finish.is_empty() && !spec.finish.iter().any(|f| call.chain_has(f))
}

/// `create_engine("postgresql://..")` names a driver whose default the catalog knows;
/// `create_engine(settings.DB_URL)` may be SQLite, or asyncpg with its own 60 s.
fn driver_known(call: &CallFact, spec: &CallSpec) -> bool {
    if spec.dsn_drivers.is_empty() {
        return true;
    }
    let url = call
        .param("url")
        .map(|p| p.value)
        .or_else(|| call.positional(0).map(|a| &a.value));
    matches!(url, Some(Value::Str { value })
        if spec.dsn_drivers.iter().any(|d| value.to_ascii_lowercase().starts_with(&d.to_ascii_lowercase())))
}

/// A call that waits on a peer only after it was asked something (`after`): a UDP `recv`
/// that follows a `send` on the same socket.
fn prompted(call: &CallFact, spec: &CallSpec) -> bool {
    spec.after.is_empty()
        || call
            .receiver
            .as_ref()
            .is_some_and(|r| r.setters.iter().any(|s| spec.after.contains(&s.method)))
}

fn is_chain(call: &CallFact, name: &str) -> bool {
    call.chain_has(name) && !call.args.iter().any(|a| a.name.as_deref() == Some(name))
}

fn is_stock(value: &Value, stock: &[String]) -> bool {
    matches!(value, Value::Call { callee, .. } if stock.contains(callee))
}

fn collect_literal(value: &Value, unit: Unit, span: Span, out: &mut Vec<Literal>) {
    let seconds_shown = matches!(value, Value::ShownSeconds { .. });
    match value {
        Value::Number { value } | Value::ShownSeconds { value } if *value > 0.0 => {
            out.push(Literal {
                seconds: match unit {
                    Unit::S => *value,
                    Unit::Ms => *value / 1000.0,
                },
                raw: *value,
                unit: LiteralUnit::Plain(unit),
                span,
                seconds_shown,
            })
        }
        Value::Duration {
            seconds,
            literal,
            unit,
        } if *literal > 0.0 => out.push(Literal {
            seconds: *seconds,
            raw: *literal,
            unit: LiteralUnit::Stated(*unit),
            span,
            seconds_shown: false,
        }),
        _ => {}
    }
}

fn is_off(value: &Value) -> bool {
    matches!(value, Value::None | Value::Unlimited)
}

fn judge_value(
    value: &Value,
    spec: &CallSpec,
    catalog: &Catalog,
    lang: Lang,
    span: Span,
    literals: &mut Vec<Literal>,
) -> Given {
    match value {
        // tornado: `request_timeout=None` falls back to the client's default.
        Value::None if spec.none_is_default => Given::Missing,
        Value::None => Given::Disabled("`None`".into()),
        Value::Unlimited => Given::Disabled("an unlimited duration".into()),
        Value::Number { .. } | Value::ShownSeconds { .. } | Value::Duration { .. } => {
            collect_literal(value, spec.unit, span, literals);
            Given::Bounded
        }
        Value::Tuple { items } if spec.tuple && items.len() == 2 => {
            for item in items {
                collect_literal(item, spec.unit, span, literals);
            }
            match (is_off(&items[0]), is_off(&items[1])) {
                (true, true) => Given::Disabled("`(None, None)`".into()),
                (false, true) => Given::Partial("the read timeout is `None`".into()),
                // Reads are bounded, and an unanswered connect gives up on its own (see below).
                (true, false) | (false, false) => Given::Bounded,
            }
        }
        Value::Call { callee, args } => match catalog.timeout_object(lang, callee) {
            Some(obj) => judge_object(obj, args, span, literals),
            None => Given::Bounded,
        },
        Value::Dict { entries } => {
            let timeout = entries.iter().find(|(k, _)| k.contains("timeout"));
            match timeout {
                Some((_, v)) if is_off(v) => {
                    Given::Disabled(format!("`{}` of `None`", spec.timeout_params()[0]))
                }
                Some((_, v)) => {
                    collect_literal(v, spec.unit, span, literals);
                    Given::Bounded
                }
                None => Given::Missing,
            }
        }
        _ => Given::Bounded,
    }
}

/// `httpx.Timeout(None)`, `aiohttp.ClientTimeout(connect=5)`, botocore `Config(read_timeout=None)`.
fn judge_object(
    obj: &crate::catalog::TimeoutObjectSpec,
    args: &[crate::facts::Arg],
    span: Span,
    literals: &mut Vec<Literal>,
) -> Given {
    let mut total: Option<&Value> = None;
    let mut connect: Option<&Value> = None;
    let mut read: Option<&Value> = None;
    let mut off_parts = Vec::new();
    let positional_values: Vec<&Value> = args
        .iter()
        .filter(|a| a.name.is_none())
        .map(|a| &a.value)
        .collect();
    for part in &obj.parts {
        let given = args
            .iter()
            .find(|a| a.name.as_deref() == Some(part.name.as_str()))
            .map(|a| &a.value)
            .or_else(|| {
                part.position
                    .and_then(|i| positional_values.get(i).copied())
            });
        let Some(v) = given else { continue };
        collect_literal(v, obj.unit, span, literals);
        if is_off(v) && part.role != PartRole::Other {
            off_parts.push(part.name.clone());
        }
        match part.role {
            PartRole::All | PartRole::Total => total = Some(v),
            PartRole::Connect => connect = connect.filter(|c| !is_off(c)).or(Some(v)),
            PartRole::Read => read = Some(v),
            PartRole::Other => {}
        }
    }
    let all_role = obj.parts.iter().any(|p| p.role == PartRole::All);
    let bounded = |v: Option<&Value>| v.is_some_and(|v| !is_off(v));
    // httpx: `Timeout(10)` sets every part; individual parts override it.
    let (connect_b, read_b) = if all_role {
        let t = bounded(total);
        (
            connect.map_or(t, |c| !is_off(c)),
            read.map_or(t, |r| !is_off(r)),
        )
    } else {
        let default_bounded = |role: PartRole| {
            obj.parts
                .iter()
                .any(|p| p.role == role && matches!(p.default, Some(DefaultTimeout::Seconds(_))))
        };
        (
            connect.map_or(default_bounded(PartRole::Connect), |c| !is_off(c)),
            read.map_or(default_bounded(PartRole::Read), |r| !is_off(r)),
        )
    };
    if !all_role && bounded(total) {
        return Given::Bounded;
    }
    if connect_b && read_b {
        return Given::Bounded;
    }
    let explicitly_bounded = [total, connect, read].iter().any(|v| bounded(*v));
    if !explicitly_bounded {
        // aiohttp's `ClientTimeout()`: every part left at `None` bounds nothing.
        return Given::Disabled(if off_parts.is_empty() {
            "a timeout object that sets no part".into()
        } else {
            format!("`{}=None`", off_parts.join("=None`, `"))
        });
    }
    if connect_b && !read_b {
        return Given::Partial("only the connection is bounded, reads can wait forever".into());
    }
    if read_b {
        // A peer that stops answering is caught by the read timeout; an unanswered connect
        // attempt gives up on its own (the OS stops retrying SYNs after about two minutes).
        return Given::Bounded;
    }
    Given::Partial("no part bounds the whole request".into())
}

/// Seconds as a reader would say them: `45 s`, `30 min`, `2.5 h`.
pub fn human_seconds(s: f64) -> String {
    if s >= 3600.0 {
        format!("{} h", trim(s / 3600.0))
    } else if s >= 60.0 {
        format!("{} min", trim(s / 60.0))
    } else {
        format!("{} s", trim(s))
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// The way the literal was written, for messages: `1800`, `Duration::from_secs(30000)`.
pub fn written(l: &Literal) -> String {
    let raw = trim(l.raw);
    match l.unit {
        LiteralUnit::Plain(_) => raw,
        LiteralUnit::Stated(u) => {
            let ctor = match u {
                DurationUnit::Seconds => "from_secs",
                DurationUnit::Millis => "from_millis",
                DurationUnit::Micros => "from_micros",
                DurationUnit::Nanos => "from_nanos",
                DurationUnit::Minutes => "from_mins",
            };
            format!("Duration::{ctor}({raw})")
        }
    }
}

/// Whether a literal is almost certainly in the wrong unit (RES105) rather than too long.
pub fn unit_mismatch(a: &Assessment<'_>, l: &Literal) -> Option<&'static str> {
    match l.unit {
        LiteralUnit::Plain(Unit::S) if l.raw >= 1000.0 && !l.seconds_shown => {
            // `timeout=(5, 1800)`: a plausible seconds value beside it shows the unit is seconds.
            let plausible_sibling = a.literals.iter().any(|o| o.raw < 1000.0 && o.raw > 0.0);
            (!plausible_sibling)
                .then_some("looks like milliseconds where the parameter takes seconds")
        }
        LiteralUnit::Plain(Unit::Ms) if l.raw <= 30.0 => {
            Some("looks like seconds where the parameter takes milliseconds")
        }
        LiteralUnit::Stated(DurationUnit::Seconds) if l.raw >= 10_000.0 => {
            Some("reads like milliseconds passed to `Duration::from_secs`")
        }
        LiteralUnit::Stated(DurationUnit::Millis) if l.raw <= 10.0 && a.spec.network => {
            Some("is too short for a network call: seconds were probably meant")
        }
        _ => None,
    }
}
