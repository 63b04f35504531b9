//! Rust front end: syn parse (with proc-macro2 span locations), then facts. `use` trees are
//! resolved to full paths, builder chains are read as one call with its methods, and values
//! are followed through `let` bindings, function parameters and struct fields.

use std::collections::{HashMap, HashSet};

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Pat, Token, Type, UseTree};

use crate::catalog::Catalog;
use crate::facts::{
    Arg, CallFact, ChainCall, ClockRead, ClockUse, DurationUnit, FileFacts, Lang, ParseProblem,
    Receiver, Span, Value,
};
use crate::source::LineIndex;

/// syn recurses while parsing; deeper files are reported instead of parsed.
pub const MAX_NESTING: usize = 256;

pub fn extract(text: &str, catalog: &Catalog, file_is_test: bool) -> FileFacts {
    let mut facts = FileFacts::default();
    let index = LineIndex::new(text);
    facts.lines = index.line_count();
    if let Some(offset) = crate::lang::too_deep(text, MAX_NESTING) {
        let (line, col) = index.line_col(offset);
        facts.problems.push(ParseProblem {
            message: format!("nested more than {MAX_NESTING} levels deep: not parsed"),
            line,
            col,
        });
        return facts;
    }
    let file = match syn::parse_file(text) {
        Ok(f) => f,
        Err(e) => {
            let start = e.span().start();
            facts.problems.push(ParseProblem {
                message: format!("syntax error: {e}"),
                line: start.line.max(1) as u32,
                col: start.column as u32 + 1,
            });
            return facts;
        }
    };
    let mut items = Items::default();
    items.visit_file(&file);
    let mut x = Extractor {
        catalog,
        index: &index,
        file_is_test,
        items,
        deadline_fns: HashSet::new(),
        scopes: Vec::new(),
        ctx: Ctx::default(),
        self_ty: None,
        facts: &mut facts,
        snippet_lines: HashSet::new(),
    };
    x.deadline_fns = x.resolve_deadline_fns();
    x.visit_file(&file);
    drop(file);
    facts
}

// ---------------------------------------------------------------------- pass 1: items

/// What the file declares: `use` aliases, local items, consts, struct fields, and the
/// functions called inside deadline wrappers (resolved once all `use`s are known).
#[derive(Default)]
struct Items {
    aliases: HashMap<String, String>,
    globs: Vec<String>,
    local: HashSet<String>,
    consts: HashMap<String, Expr>,
    /// Struct name → field name → field type path (unresolved).
    fields: HashMap<String, HashMap<String, String>>,
    deadline_candidates: Vec<(String, Vec<String>)>,
}

impl Items {
    fn add_use(&mut self, prefix: &mut Vec<String>, tree: &UseTree) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use(prefix, &p.tree);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.aliases.insert(last, prefix.join("::"));
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    self.aliases.insert(name, full.join("::"));
                }
            }
            UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.aliases.insert(r.rename.to_string(), full.join("::"));
            }
            UseTree::Glob(_) => self.globs.push(prefix.join("::")),
            UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(prefix, t);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Items {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.add_use(&mut Vec::new(), &u.tree);
    }
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.local.insert(s.ident.to_string());
        let mut fields = HashMap::new();
        for f in &s.fields {
            if let (Some(name), Some(ty)) = (&f.ident, type_path(&f.ty)) {
                fields.insert(name.to_string(), ty);
            }
        }
        self.fields.insert(s.ident.to_string(), fields);
        visit::visit_item_struct(self, s);
    }
    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        self.local.insert(e.ident.to_string());
        visit::visit_item_enum(self, e);
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.local.insert(f.sig.ident.to_string());
        visit::visit_item_fn(self, f);
    }
    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        self.local.insert(t.ident.to_string());
        visit::visit_item_type(self, t);
    }
    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.local.insert(t.ident.to_string());
        visit::visit_item_trait(self, t);
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.local.insert(m.ident.to_string());
        visit::visit_item_mod(self, m);
    }
    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.consts.insert(c.ident.to_string(), (*c.expr).clone());
        visit::visit_item_const(self, c);
    }
    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.consts.insert(s.ident.to_string(), (*s.expr).clone());
        visit::visit_item_static(self, s);
    }
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let mut targets = Vec::new();
            for arg in &c.args {
                if let Some(name) = called_fn_name(arg) {
                    targets.push(name);
                }
            }
            if !targets.is_empty() {
                self.deadline_candidates
                    .push((path_string(&p.path), targets));
            }
        }
        visit::visit_expr_call(self, c);
    }
}

/// `self.connect()`, `connect(addr)`, `conn.handshake().await`: the function being called.
fn called_fn_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Await(a) => called_fn_name(&a.base),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        Expr::MethodCall(m) => Some(m.method.to_string()),
        Expr::Paren(p) => called_fn_name(&p.expr),
        _ => None,
    }
}

fn path_string(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// The path of a type, looking through references and smart pointers: `&Arc<redis::Client>`.
fn type_path(ty: &Type) -> Option<String> {
    match ty {
        Type::Reference(r) => type_path(&r.elem),
        Type::Paren(p) => type_path(&p.elem),
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            let wrapper = matches!(
                last.ident.to_string().as_str(),
                "Arc" | "Rc" | "Box" | "Option" | "Mutex" | "RwLock"
            );
            if wrapper {
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(inner)) = a.args.first() {
                        return type_path(inner);
                    }
                }
            }
            Some(path_string(&p.path))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------- pass 2: facts

#[derive(Default, Clone)]
struct Ctx {
    in_async: bool,
    in_test: bool,
    under_deadline: bool,
}

#[derive(Default)]
struct Scope {
    /// Binding → its qualified type, where known.
    types: HashMap<String, String>,
}

struct Extractor<'a, 'f> {
    catalog: &'a Catalog,
    index: &'a LineIndex<'a>,
    file_is_test: bool,
    items: Items,
    deadline_fns: HashSet<String>,
    scopes: Vec<Scope>,
    ctx: Ctx,
    /// The type of `self` in the current `impl`.
    self_ty: Option<String>,
    facts: &'f mut FileFacts,
    snippet_lines: HashSet<u32>,
}

const SYSTEM_TIME: &str = "std::time::SystemTime";

impl Extractor<'_, '_> {
    fn resolve_deadline_fns(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for (callee, targets) in &self.items.deadline_candidates {
            if let Some(c) = self.resolve(callee) {
                if self.catalog.is_deadline(Lang::Rust, &c) {
                    out.extend(targets.iter().cloned());
                }
            }
        }
        out
    }

    /// A path as written → the full path, through `use` aliases; `None` for local items.
    fn resolve(&self, path: &str) -> Option<String> {
        let (head, rest) = match path.split_once("::") {
            Some((h, r)) => (h, Some(r)),
            None => (path, None),
        };
        if matches!(head, "crate" | "self" | "super" | "Self") {
            return None;
        }
        let base = if let Some(full) = self.items.aliases.get(head) {
            if full.starts_with("crate::")
                || full.starts_with("self::")
                || full.starts_with("super::")
            {
                return None;
            }
            full.clone()
        } else if self.items.local.contains(head) {
            return None;
        } else if rest.is_none() || head.chars().next().is_some_and(char::is_uppercase) {
            // A bare name from a glob import: `use tokio::net::*; TcpStream::connect(..)`.
            let candidate = self
                .items
                .globs
                .iter()
                .map(|g| format!("{g}::{path}"))
                .find(|full| {
                    self.catalog.is_external(Lang::Rust, full)
                        || full
                            .rsplit_once("::")
                            .is_some_and(|(t, _)| self.catalog.knows_type(Lang::Rust, t))
                });
            match candidate {
                Some(full) => return Some(full),
                None => head.to_string(),
            }
        } else {
            head.to_string()
        };
        Some(match rest {
            Some(r) => format!("{base}::{r}"),
            None => base,
        })
    }

    fn span(&self, s: PmSpan) -> Span {
        let start = s.start();
        let end = s.end();
        Span {
            line: start.line.max(1) as u32,
            col: start.column as u32 + 1,
            end_line: end.line.max(1) as u32,
            end_col: end.column as u32 + 1,
        }
    }

    fn remember_line(&mut self, line: u32) {
        if self.snippet_lines.insert(line) {
            let text = crate::source::snippet_of(self.index.line_text(line));
            self.facts.snippets.push((line, text));
        }
    }

    fn binding_type(&self, name: &str) -> Option<String> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.types.get(name).cloned())
    }

    /// The type of a receiver expression: a typed local, `self.field`, or a constructor call.
    fn expr_type(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => {
                self.binding_type(&p.path.segments[0].ident.to_string())
            }
            Expr::Field(f) => {
                let is_self = matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self"));
                let syn::Member::Named(field) = &f.member else {
                    return None;
                };
                if !is_self {
                    return None;
                }
                let raw = self
                    .items
                    .fields
                    .get(self.self_ty.as_ref()?)?
                    .get(&field.to_string())?;
                let ty = self.resolve(raw)?;
                self.catalog.knows_type(Lang::Rust, &ty).then_some(ty)
            }
            Expr::Reference(r) => self.expr_type(&r.expr),
            Expr::Paren(p) => self.expr_type(&p.expr),
            _ => None,
        }
    }

    /// The catalogued type a `let` initialiser produces: `redis::Client::open(u)?`, `.unwrap()`.
    fn init_type(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Try(t) => self.init_type(&t.expr),
            Expr::Await(a) => self.init_type(&a.base),
            Expr::Paren(p) => self.init_type(&p.expr),
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "unwrap" | "expect" | "unwrap_or_else"
                ) =>
            {
                self.init_type(&m.receiver)
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let callee = self.resolve(&path_string(&p.path))?;
                self.catalog
                    .constructed_type(Lang::Rust, &callee)
                    .map(str::to_string)
            }
            Expr::Path(p) if p.path.segments.len() == 1 => {
                self.binding_type(&p.path.segments[0].ident.to_string())
            }
            _ => None,
        }
    }

    fn bind_pattern(&mut self, pat: &Pat, ty: Option<String>) {
        let name = match pat {
            Pat::Ident(i) => i.ident.to_string(),
            Pat::Type(t) => {
                let declared = type_path(&t.ty).and_then(|p| self.resolve(&p));
                return self.bind_pattern(&t.pat, declared.or(ty));
            }
            _ => return,
        };
        if let Some(scope) = self.scopes.last_mut() {
            match ty {
                Some(t) => {
                    scope.types.insert(name, t);
                }
                None => {
                    scope.types.remove(&name);
                }
            }
        }
    }

    fn in_test(&self) -> bool {
        self.ctx.in_test || self.file_is_test
    }

    fn with_ctx(&mut self, ctx: Ctx, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.ctx, ctx);
        f(self);
        self.ctx = saved;
    }

    fn args(&self, args: &Punctuated<Expr, Token![,]>) -> Vec<Arg> {
        args.iter()
            .map(|a| Arg {
                name: None,
                value: self.value(a, 0),
                span: self.span(a.span()),
            })
            .collect()
    }

    /// A call with the methods applied to its result in the same expression.
    fn record_call(
        &mut self,
        callee: String,
        span: Span,
        args: Vec<Arg>,
        chain: Vec<ChainCall>,
        receiver: Option<String>,
    ) {
        self.remember_line(span.line);
        for c in &chain {
            self.remember_line(c.span.line);
        }
        let fact = CallFact {
            callee,
            span,
            args,
            forwards_kwargs: false,
            forwards_args: false,
            chain,
            receiver: receiver.map(|ty| Receiver {
                ty,
                attrs: Vec::new(),
                setters: Vec::new(),
            }),
            under_deadline: self.ctx.under_deadline,
            in_test: self.in_test(),
            in_async: self.ctx.in_async,
        };
        self.facts.calls.push(fact);
    }

    /// The top of a method chain: unwinds to its root, records one fact, visits the arguments.
    fn chain(&mut self, top: &Expr) {
        let mut methods: Vec<&syn::ExprMethodCall> = Vec::new();
        let mut cur = top;
        loop {
            match cur {
                Expr::MethodCall(m) => {
                    methods.push(m);
                    cur = &m.receiver;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        methods.reverse();
        let root = cur;
        let chain_of = |x: &Self, ms: &[&syn::ExprMethodCall]| -> Vec<ChainCall> {
            ms.iter()
                .map(|m| ChainCall {
                    method: m.method.to_string(),
                    args: x.args(&m.args),
                    span: x.span(m.method.span()),
                })
                .collect()
        };
        let mut handled_root = false;
        match root {
            Expr::Call(c) => {
                if let Some(callee) = self.call_callee(c) {
                    if self.is_fact(&callee) {
                        let chain = chain_of(self, &methods);
                        let span = self.span(c.func.span());
                        let args = self.args(&c.args);
                        self.record_call(callee.clone(), span, args, chain, None);
                    }
                    self.visit_call_args(&callee, &c.args);
                    handled_root = true;
                }
            }
            _ => {
                if let (Some(ty), Some(first)) = (self.expr_type(root), methods.first()) {
                    let callee = format!("{ty}::{}", first.method);
                    if self.catalog.is_external(Lang::Rust, &callee) {
                        let chain = chain_of(self, &methods[1..]);
                        let span = self.span(first.method.span());
                        let args = self.args(&first.args);
                        self.record_call(callee, span, args, chain, Some(ty));
                    }
                }
            }
        }
        if !handled_root {
            self.visit_expr(root);
        }
        for m in &methods {
            for a in &m.args {
                self.visit_expr(a);
            }
        }
    }

    fn call_callee(&self, c: &syn::ExprCall) -> Option<String> {
        let Expr::Path(p) = &*c.func else { return None };
        self.resolve(&path_string(&p.path))
    }

    fn is_fact(&self, callee: &str) -> bool {
        self.catalog.is_external(Lang::Rust, callee)
            || self.catalog.constructed_type(Lang::Rust, callee).is_some()
    }

    fn visit_call_args(&mut self, callee: &str, args: &Punctuated<Expr, Token![,]>) {
        let deadline = self.catalog.is_deadline(Lang::Rust, callee);
        let ctx = Ctx {
            under_deadline: self.ctx.under_deadline || deadline,
            ..self.ctx.clone()
        };
        self.with_ctx(ctx, |x| {
            for a in args {
                x.visit_expr(a);
            }
        });
    }

    /// Parses a macro's tokens as comma-separated expressions when they are that
    /// (`tokio::join!(a, b)`, `vec![..]`), and stays silent when they are not.
    fn visit_macro_tokens(&mut self, mac: &syn::Macro) {
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        if let Ok(exprs) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            for e in &exprs {
                self.visit_expr(e);
            }
        }
    }

    // ------------------------------------------------------------------ values

    fn value(&self, expr: &Expr, depth: usize) -> Value {
        if depth > 8 {
            return Value::Other;
        }
        match expr {
            Expr::Lit(l) => match &l.lit {
                Lit::Int(i) => i
                    .base10_parse::<f64>()
                    .map_or(Value::Other, |v| Value::Number { value: v }),
                Lit::Float(f) => f
                    .base10_parse::<f64>()
                    .map_or(Value::Other, |v| Value::Number { value: v }),
                Lit::Str(s) => Value::Str { value: s.value() },
                Lit::Bool(b) => Value::Bool { value: b.value },
                _ => Value::Other,
            },
            Expr::Paren(p) => self.value(&p.expr, depth + 1),
            Expr::Group(g) => self.value(&g.expr, depth + 1),
            Expr::Reference(r) => self.value(&r.expr, depth + 1),
            Expr::Binary(b) => {
                let (l, r) = (
                    self.value(&b.left, depth + 1),
                    self.value(&b.right, depth + 1),
                );
                match (l, r) {
                    (Value::Number { value: a }, Value::Number { value: c }) => match b.op {
                        syn::BinOp::Add(_) => Value::Number { value: a + c },
                        syn::BinOp::Sub(_) => Value::Number { value: a - c },
                        syn::BinOp::Mul(_) => Value::Number { value: a * c },
                        syn::BinOp::Div(_) if c != 0.0 => Value::Number { value: a / c },
                        _ => Value::Other,
                    },
                    _ => Value::Other,
                }
            }
            Expr::Path(p) => {
                let raw = path_string(&p.path);
                if raw == "None" {
                    return Value::None;
                }
                if raw.ends_with("Duration::MAX")
                    || raw.ends_with("u64::MAX")
                    || raw.ends_with("u32::MAX")
                {
                    return Value::Unlimited;
                }
                if p.path.segments.len() == 1 {
                    if let Some(e) = self.items.consts.get(&raw) {
                        return self.value(e, depth + 1);
                    }
                }
                Value::Other
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return Value::Other;
                };
                let raw = path_string(&p.path);
                if raw == "Some" && c.args.len() == 1 {
                    return self.value(&c.args[0], depth + 1);
                }
                if let Some(d) = self.duration(&raw, &c.args, depth) {
                    return d;
                }
                match self.resolve(&raw) {
                    Some(callee) => Value::Call {
                        callee,
                        args: self.args(&c.args),
                    },
                    None => Value::Other,
                }
            }
            _ => Value::Other,
        }
    }

    fn duration(
        &self,
        raw: &str,
        args: &Punctuated<Expr, Token![,]>,
        depth: usize,
    ) -> Option<Value> {
        let (ty, ctor) = raw.rsplit_once("::")?;
        if !ty.ends_with("Duration") {
            return None;
        }
        let first = args.first().map(|a| self.value(a, depth + 1));
        let unit = match ctor {
            "from_secs" | "from_secs_f64" | "from_secs_f32" | "new" => DurationUnit::Seconds,
            "from_millis" => DurationUnit::Millis,
            "from_micros" => DurationUnit::Micros,
            "from_nanos" => DurationUnit::Nanos,
            "from_mins" => DurationUnit::Minutes,
            _ => return Some(Value::Other),
        };
        Some(match first {
            Some(Value::Number { value }) => Value::Duration {
                seconds: value * unit_seconds(unit),
                literal: value,
                unit,
            },
            Some(Value::Unlimited) => Value::Unlimited,
            _ => Value::Other,
        })
    }

    // ------------------------------------------------------------------ wall clock (RES104)

    fn is_system_now(&self, expr: &Expr) -> bool {
        let Expr::Call(c) = expr else { return false };
        let Expr::Path(p) = &*c.func else {
            return false;
        };
        self.resolve(&path_string(&p.path))
            .is_some_and(|q| q == "std::time::SystemTime::now" || q == "SystemTime::now")
    }

    /// Wall-clock reads inside a comparison, or added to when computing a deadline.
    fn clock_reads(&mut self, expr: &Expr, target: Option<&str>) {
        let Expr::Binary(b) = expr else { return };
        let comparison = matches!(
            b.op,
            syn::BinOp::Lt(_) | syn::BinOp::Le(_) | syn::BinOp::Gt(_) | syn::BinOp::Ge(_)
        );
        let add = matches!(b.op, syn::BinOp::Add(_));
        let names_deadline = target.is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t.contains("deadline") || t.contains("timeout") || t.contains("until")
        });
        if !(comparison || (add && names_deadline)) {
            return;
        }
        let mut reads = Vec::new();
        self.find_clock(&b.left, 0, &mut reads);
        self.find_clock(&b.right, 0, &mut reads);
        for span in reads {
            self.remember_line(span.line);
            self.facts.clock_reads.push(ClockRead {
                clock: "std::time::SystemTime::now".into(),
                usage: if comparison {
                    ClockUse::Compare
                } else {
                    ClockUse::Deadline
                },
                span,
                in_test: self.in_test(),
            });
        }
    }

    fn find_clock(&self, expr: &Expr, depth: usize, out: &mut Vec<Span>) {
        if depth > 12 {
            return;
        }
        match expr {
            Expr::Call(_) if self.is_system_now(expr) => out.push(self.span(expr.span())),
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                // `SystemTime::now().duration_since(UNIX_EPOCH)` is a timestamp, not a deadline.
                let since_epoch = method == "duration_since"
                    && m.args
                        .first()
                        .is_some_and(|a| quote::quote!(#a).to_string().contains("UNIX_EPOCH"));
                if since_epoch {
                    return;
                }
                let wall_elapsed = method == "elapsed"
                    && matches!(&*m.receiver, Expr::Path(p) if p.path.segments.len() == 1
                        && self.binding_type(&p.path.segments[0].ident.to_string()).as_deref() == Some(SYSTEM_TIME));
                if wall_elapsed {
                    out.push(self.span(m.method.span()));
                    return;
                }
                self.find_clock(&m.receiver, depth + 1, out);
            }
            Expr::Binary(b) => {
                self.find_clock(&b.left, depth + 1, out);
                self.find_clock(&b.right, depth + 1, out);
            }
            Expr::Paren(p) => self.find_clock(&p.expr, depth + 1, out),
            Expr::Try(t) => self.find_clock(&t.expr, depth + 1, out),
            _ => {}
        }
    }
}

fn unit_seconds(unit: DurationUnit) -> f64 {
    match unit {
        DurationUnit::Seconds => 1.0,
        DurationUnit::Millis => 1e-3,
        DurationUnit::Micros => 1e-6,
        DurationUnit::Nanos => 1e-9,
        DurationUnit::Minutes => 60.0,
    }
}

fn is_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        let last = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if last == "test" || last == "bench" {
            return true;
        }
        if path.is_ident("cfg") {
            let tokens = a
                .meta
                .require_list()
                .map(|l| l.tokens.to_string())
                .unwrap_or_default();
            return tokens
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|t| t == "test");
        }
        false
    })
}

impl<'ast> Visit<'ast> for Extractor<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.attrs, &f.sig, |x| x.visit_block(&f.block));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.attrs, &f.sig, |x| x.visit_block(&f.block));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let saved = self.self_ty.take();
        self.self_ty = match &*i.self_ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let in_test = self.ctx.in_test || is_test_attr(&i.attrs);
        let ctx = Ctx {
            in_test,
            ..self.ctx.clone()
        };
        self.with_ctx(ctx, |x| visit::visit_item_impl(x, i));
        self.self_ty = saved;
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let ctx = Ctx {
            in_test: self.ctx.in_test || is_test_attr(&m.attrs),
            ..self.ctx.clone()
        };
        self.with_ctx(ctx, |x| visit::visit_item_mod(x, m));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
            let target = match &l.pat {
                Pat::Ident(i) => Some(i.ident.to_string()),
                Pat::Type(t) => match &*t.pat {
                    Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            self.clock_reads(&init.expr, target.as_deref());
            let ty = if self.is_system_now(&init.expr) {
                Some(SYSTEM_TIME.to_string())
            } else {
                self.init_type(&init.expr)
            };
            self.bind_pattern(&l.pat, ty);
        } else {
            self.bind_pattern(&l.pat, None);
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::MethodCall(_) => self.chain(e),
            Expr::Call(c) => match self.call_callee(c) {
                Some(callee) => {
                    if self.is_fact(&callee) {
                        let span = self.span(c.func.span());
                        let args = self.args(&c.args);
                        self.record_call(callee.clone(), span, args, Vec::new(), None);
                    }
                    self.visit_call_args(&callee, &c.args);
                }
                None => visit::visit_expr_call(self, c),
            },
            Expr::Macro(m) => self.visit_macro_tokens(&m.mac),
            Expr::Binary(_) => {
                self.clock_reads(e, None);
                visit::visit_expr(self, e);
            }
            Expr::Async(a) => {
                let ctx = Ctx {
                    in_async: true,
                    ..self.ctx.clone()
                };
                self.with_ctx(ctx, |x| visit::visit_expr_async(x, a));
            }
            Expr::Closure(c) => {
                let ctx = Ctx {
                    in_async: c.asyncness.is_some(),
                    ..self.ctx.clone()
                };
                self.with_ctx(ctx, |x| visit::visit_expr_closure(x, c));
            }
            Expr::Assign(a) => {
                self.visit_expr(&a.right);
                let target = match &*a.left {
                    Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    Expr::Field(f) => match &f.member {
                        syn::Member::Named(n) => Some(n.to_string()),
                        _ => None,
                    },
                    _ => None,
                };
                self.clock_reads(&a.right, target.as_deref());
                self.visit_expr(&a.left);
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.visit_macro_tokens(&m.mac);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.scopes.push(Scope::default());
        visit::visit_block(self, b);
        self.scopes.pop();
    }
}

impl Extractor<'_, '_> {
    fn function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        body: impl FnOnce(&mut Self),
    ) {
        let name = sig.ident.to_string();
        let ctx = Ctx {
            in_async: sig.asyncness.is_some(),
            in_test: self.ctx.in_test || is_test_attr(attrs),
            under_deadline: self.deadline_fns.contains(&name),
        };
        let mut scope = Scope::default();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                if let (Pat::Ident(i), Some(ty)) = (&*t.pat, type_path(&t.ty)) {
                    if let Some(full) = self
                        .resolve(&ty)
                        .filter(|q| self.catalog.knows_type(Lang::Rust, q))
                    {
                        scope.types.insert(i.ident.to_string(), full);
                    }
                }
            }
        }
        self.scopes.push(scope);
        self.with_ctx(ctx, body);
        self.scopes.pop();
    }
}
