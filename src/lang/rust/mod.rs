//! Rust front end: syn parse (with proc-macro2 span locations), then facts. `use` trees are
//! resolved to full paths, builder chains are read as one call with its methods, and values
//! are followed through `let` bindings, function parameters and struct fields.

mod failure;
mod service;
mod shutdown;

use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Pat, Token, Type, UseTree};

use crate::catalog::{split_qualified, Catalog};
use crate::facts::{
    Arg, CallFact, ChainCall, ClockRead, ClockUse, DurationUnit, FileFacts, Lang, ParseProblem,
    Receiver, Span, Value,
};
use crate::source::LineIndex;

mod breakers;
mod observability;
mod retries;

/// syn recurses while parsing; deeper files are reported instead of parsed.
pub const MAX_NESTING: usize = 256;
pub mod depth;

pub fn extract(text: &str, catalog: &Catalog, file_is_test: bool) -> FileFacts {
    let mut facts = FileFacts::default();
    let index = LineIndex::new(text);
    facts.lines = index.line_count();
    if let Some(too_deep) = depth::check(text) {
        let (line, col) = index.line_col(too_deep.offset);
        facts.problems.push(ParseProblem {
            message: too_deep.message,
            line,
            col,
        });
        return facts;
    }
    let file = match parse(text) {
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
        wrapper_fns: FxHashSet::default(),
        deadline_fns: FxHashSet::default(),
        uses: FxHashMap::default(),
        field_made: FxHashMap::default(),
        field_uses: FxHashMap::default(),
        scopes: Vec::new(),
        ctx: Ctx::default(),
        self_ty: None,
        fn_scope: 0,
        facts: &mut facts,
        snippet_lines: FxHashSet::default(),
        retry_state: retries::RetryState::default(),
        failure: failure::State::default(),
        obs: observability::ObsState::default(),
        callee_paths: RefCell::default(),
        imported_crates: FxHashSet::default(),
    };
    x.imported_crates = x
        .items
        .aliases
        .values()
        .chain(&x.items.globs)
        .map(|full| full.split("::").next().unwrap_or(full).to_string())
        .collect();
    x.obs_prepare(text);
    x.wrapper_fns = x.resolve_wrapper_fns();
    x.deadline_fns = x.resolve_deadline_fns();
    x.visit_file(&file);
    x.apply_uses();
    if catalog.may_hold_breakers(Lang::Rust, text) {
        x.collect_breakers(&file);
    }
    x.failure_finish();
    drop(file);
    facts
}

/// Parses a file, retrying what syn rejects and rustc accepts: a cargo-script frontmatter
/// block, and edition-2015 bare trait objects with parenthesized arguments (`Fn(u8) + Send`).
/// Lines and columns are kept, so spans still point into `text`.
fn parse(text: &str) -> syn::Result<syn::File> {
    let err = match syn::parse_file(text) {
        Ok(file) => return Ok(file),
        Err(e) => e,
    };
    let blanked = blank_frontmatter(text);
    let text = blanked.as_deref().unwrap_or(text);
    if blanked.is_some() {
        if let Ok(file) = syn::parse_file(text) {
            return Ok(file);
        }
    }
    let body = match text.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            &text[text.find('\n').unwrap_or(text.len())..]
        }
        _ => text,
    };
    let Ok(tokens) = body.parse::<proc_macro2::TokenStream>() else {
        return Err(err);
    };
    let (tokens, changed) = dyn_bare_fn_objects(tokens);
    if changed {
        if let Ok(file) = syn::parse2::<syn::File>(tokens) {
            return Ok(file);
        }
    }
    Err(err)
}

/// A `---` frontmatter block after an optional shebang (RFC 3503), turned into blank lines.
fn blank_frontmatter(text: &str) -> Option<String> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let mut i = usize::from(
        lines
            .first()
            .is_some_and(|l| l.starts_with("#!") && !l.starts_with("#![")),
    );
    while lines.get(i).is_some_and(|l| l.trim().is_empty()) {
        i += 1;
    }
    let fence: String = lines.get(i)?.chars().take_while(|c| *c == '-').collect();
    if fence.len() < 3 {
        return None;
    }
    let close = (i + 1..lines.len()).find(|j| lines[*j].trim_end() == fence)?;
    for line in &mut lines[i..=close] {
        *line = "";
    }
    Some(lines.join("\n"))
}

/// Inserts `dyn` before `Fn(..)`, `FnMut(..)` and `FnOnce(..)` where they stand as types
/// (after `=`, `<`, `,`, `&`, `&mut`, `&'a`, `*const`, `*mut`), which syn only parses with it.
fn dyn_bare_fn_objects(tokens: proc_macro2::TokenStream) -> (proc_macro2::TokenStream, bool) {
    use proc_macro2::{Delimiter, Group, Ident, TokenTree};
    let mut out: Vec<TokenTree> = Vec::new();
    let mut changed = false;
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        let tree = match tree {
            TokenTree::Group(g) => {
                let (inner, c) = dyn_bare_fn_objects(g.stream());
                changed |= c;
                let mut rebuilt = Group::new(g.delimiter(), inner);
                rebuilt.set_span(g.span());
                TokenTree::Group(rebuilt)
            }
            other => other,
        };
        let is_fn_trait = matches!(&tree, TokenTree::Ident(i) if i == "Fn" || i == "FnMut" || i == "FnOnce")
            && matches!(iter.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
        if is_fn_trait && in_type_position(&out) {
            out.push(TokenTree::Ident(Ident::new("dyn", tree.span())));
            changed = true;
        }
        out.push(tree);
    }
    (out.into_iter().collect(), changed)
}

fn in_type_position(before: &[proc_macro2::TokenTree]) -> bool {
    use proc_macro2::TokenTree;
    let punct =
        |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
    let ident = |t: Option<&TokenTree>, s: &str| matches!(t, Some(TokenTree::Ident(i)) if i == s);
    let n = before.len();
    let at = |k: usize| n.checked_sub(k).and_then(|i| before.get(i));
    if ['=', '<', ',', '&'].iter().any(|c| punct(at(1), *c)) {
        // Not `==`, `<=`, `>=`, `!=`, `=>`'s first half (`Fn` is never a value).
        return !(punct(at(1), '=') && ['=', '<', '>', '!'].iter().any(|c| punct(at(2), *c)));
    }
    if ident(at(1), "mut") || ident(at(1), "const") {
        return punct(at(2), '&') || punct(at(2), '*');
    }
    // `&'a Fn(..)`: a lifetime is a joint `'` and an identifier.
    matches!(at(1), Some(TokenTree::Ident(_))) && punct(at(2), '\'') && punct(at(3), '&')
}

// ---------------------------------------------------------------------- pass 1: items

/// What the file declares: `use` aliases, local items, consts, struct fields, and the calls
/// that may reach this file's functions (to tell which ones only ever run under a deadline).
#[derive(Default)]
struct Items {
    aliases: FxHashMap<String, String>,
    globs: Vec<String>,
    local: FxHashSet<String>,
    /// `None` for a const whose initialiser can have no value (`static TABLE: [u8; N] = [..]`):
    /// generated tables are too big to copy.
    consts: FxHashMap<String, Option<Expr>>,
    /// Struct name → field name → field type path (unresolved).
    fields: FxHashMap<String, FxHashMap<String, String>>,
    /// Free functions and methods defined in this file.
    defined_fns: FxHashSet<String>,
    calls: Vec<LocalCall>,
    /// (function, callee path): the function hands one of its parameters to the callee, which
    /// makes it a deadline wrapper when the callee is a deadline.
    param_handoffs: Vec<(String, String)>,
    walk: Walk,
    macros: MacroExprs,
}

/// A call that may reach one of this file's functions, with where it is made.
struct LocalCall {
    name: String,
    /// The function it is made in.
    caller: Option<String>,
    /// Paths of the calls whose arguments it sits in.
    enclosing: Vec<String>,
    /// `open(..)`, `Self::open(..)`, `self.open()`: this file's function when one has the name.
    direct: bool,
    in_test: bool,
}

/// Where pass 1 is in the file.
#[derive(Default, Clone)]
struct Walk {
    current_fn: Option<String>,
    params: Vec<String>,
    enclosing: Vec<String>,
    in_test: bool,
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
            // `use super::*` and the like bring in the crate's own names: nothing a glob
            // lookup could find in the catalog.
            UseTree::Glob(_) => {
                let local = prefix
                    .first()
                    .is_some_and(|head| matches!(head.as_str(), "crate" | "self" | "super"));
                let glob = prefix.join("::");
                if !local && !self.globs.contains(&glob) {
                    self.globs.push(glob);
                }
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(prefix, t);
                }
            }
        }
    }

    fn function(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, body: &syn::Block) {
        let name = sig.ident.to_string();
        self.defined_fns.insert(name.clone());
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => match &*t.pat {
                    Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let walk = Walk {
            current_fn: Some(name),
            params,
            enclosing: Vec::new(),
            in_test: self.walk.in_test || is_test_attr(attrs),
        };
        let saved = std::mem::replace(&mut self.walk, walk);
        self.visit_block(body);
        self.walk = saved;
    }

    fn call_site(&mut self, name: String, direct: bool) {
        self.calls.push(LocalCall {
            name,
            caller: self.walk.current_fn.clone(),
            enclosing: self.walk.enclosing.clone(),
            direct,
            in_test: self.walk.in_test,
        });
    }

    fn with_test(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self)) {
        let saved = self.walk.in_test;
        self.walk.in_test |= is_test_attr(attrs);
        f(self);
        self.walk.in_test = saved;
    }
}

impl<'ast> Visit<'ast> for Items {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if !self.walk.in_test {
            self.add_use(&mut Vec::new(), &u.tree);
            return;
        }
        // A test module's `use std::fs` must not change what `fs` means in the code under test.
        let mut scratch = Items::default();
        scratch.add_use(&mut Vec::new(), &u.tree);
        for (name, full) in scratch.aliases {
            self.aliases.entry(name).or_insert(full);
        }
        self.globs.extend(scratch.globs);
    }
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.local.insert(s.ident.to_string());
        let mut fields = FxHashMap::default();
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
        self.function(&f.attrs, &f.sig, &f.block);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.attrs, &f.sig, &f.block);
    }
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        self.with_test(&i.attrs, |x| visit::visit_item_impl(x, i));
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
        self.with_test(&m.attrs, |x| visit::visit_item_mod(x, m));
    }
    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.consts.insert(
            c.ident.to_string(),
            may_have_value(&c.expr).then(|| (*c.expr).clone()),
        );
        visit::visit_item_const(self, c);
    }
    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.consts.insert(
            s.ident.to_string(),
            may_have_value(&s.expr).then(|| (*s.expr).clone()),
        );
        visit::visit_item_static(self, s);
    }
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        self.visit_expr(&c.func);
        let Expr::Path(p) = &*c.func else {
            for a in &c.args {
                self.visit_expr(a);
            }
            return;
        };
        let path = path_string(&p.path);
        let segments: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let direct = segments.len() == 1
            || (segments.len() == 2 && matches!(segments[0].as_str(), "Self" | "self"));
        if let Some(name) = segments.last() {
            self.call_site(name.clone(), direct);
        }
        let hands_on_param = c.args.iter().any(|a| {
            matches!(peel_ref(a), Expr::Path(ap) if ap.path.get_ident()
                .is_some_and(|i| self.walk.params.iter().any(|p| i == p)))
        });
        if let (true, Some(f)) = (hands_on_param, &self.walk.current_fn) {
            self.param_handoffs.push((f.clone(), path.clone()));
        }
        self.walk.enclosing.push(path);
        for a in &c.args {
            self.visit_expr(a);
        }
        self.walk.enclosing.pop();
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let on_self = matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"));
        self.call_site(m.method.to_string(), on_self);
        visit::visit_expr_method_call(self, m);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(exprs) = self.macros.parse(mac) {
            for e in exprs.iter() {
                self.visit_expr(e);
            }
        }
    }
}

const VALUE_MACROS: &[&str] = &[
    "format",
    "format_args",
    "write",
    "writeln",
    "print",
    "println",
    "eprint",
    "eprintln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
    "matches",
    "concat",
    "stringify",
    "include",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "cfg",
    "line",
    "column",
    "file",
    "module_path",
    "compile_error",
    "anyhow",
    "bail",
    "ensure",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    // A macro's definition: its rules are patterns, not calls.
    "macro_rules",
];

/// Macro tokens parsed as expressions, once per file: both passes and the fan-out check read
/// them. Keyed by the macro's address, which is stable while the file's tree and this map live
/// (nested macros sit in the heap buffers of the parsed lists held here).
#[derive(Default)]
struct MacroExprs {
    parsed: FxHashMap<usize, Option<Rc<MacroArgs>>>,
}

type MacroArgs = Punctuated<Expr, Token![,]>;

impl MacroExprs {
    fn parse(&mut self, mac: &syn::Macro) -> Option<Rc<MacroArgs>> {
        self.parsed
            .entry(std::ptr::from_ref(mac) as usize)
            .or_insert_with(|| macro_exprs(mac).map(Rc::new))
            .clone()
    }
}

/// Whether `Extractor::value` can read anything but `Value::Other` from an expression.
fn may_have_value(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => may_have_value(&p.expr),
        Expr::Group(g) => may_have_value(&g.expr),
        Expr::Reference(r) => may_have_value(&r.expr),
        Expr::Lit(_) | Expr::Binary(_) | Expr::Path(_) | Expr::Call(_) => true,
        _ => false,
    }
}

/// A macro's tokens as comma-separated expressions when they are that (`tokio::join!(a, b)`,
/// `vec![..]`); `None` when they are not.
fn macro_exprs(mac: &syn::Macro) -> Option<Punctuated<Expr, Token![,]>> {
    // Formatting, assertion and compile-time macros hold values, not external calls: re-parsing
    // their tokens was a third of the Rust front end's cost.
    let name = mac.path.segments.last()?.ident.to_string();
    if VALUE_MACROS.contains(&name.as_str()) {
        return None;
    }
    let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
    syn::parse::Parser::parse2(parser, mac.tokens.clone()).ok()
}

/// The local variable an expression names, through `?` and `.unwrap()`.
fn local_name(expr: &Expr) -> Option<String> {
    let Expr::Path(p) = peel_unwrap(expr) else {
        return None;
    };
    Some(p.path.get_ident()?.to_string())
}

/// `&x`, `(x)`, `x.clone()`: the value handed over.
fn peel_ref(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => peel_ref(&r.expr),
        Expr::Paren(p) => peel_ref(&p.expr),
        Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => peel_ref(&m.receiver),
        _ => expr,
    }
}

/// A callee named for what it does with the future it is given: `with_timeout`, `run_with_deadline`.
fn name_says_deadline(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("timeout") || name.contains("deadline")
}

fn path_string(path: &syn::Path) -> String {
    let mut out = String::new();
    for (i, segment) in path.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", segment.ident);
    }
    out
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
    /// Binding → its qualified type, where known (`None` shadows an outer binding's type).
    types: FxHashMap<String, Option<String>>,
    /// Binding → the catalogued call whose result it holds.
    made_by: FxHashMap<String, Option<Made>>,
    /// `let give_up = SystemTime::now() + d`: wall-clock reads that compute a deadline once
    /// the binding is compared with the wall clock.
    wall_deadlines: FxHashMap<String, Vec<Span>>,
    /// `let took = start.elapsed()?` on a wall-clock start: reported once `took` is compared.
    wall_elapsed: FxHashMap<String, Vec<Span>>,
    /// Binding or `self.field` of a catalogued type → the methods called on it so far.
    called: FxHashMap<String, Vec<ChainCall>>,
}

#[derive(Clone, Copy)]
struct Made {
    fact: usize,
    /// The binding holds the awaited result, not the future.
    awaited: bool,
}

/// How the object a call made is used, in its function or through the struct field that
/// holds it: a client whose every request is bounded (a per-request timeout, a deadline
/// around it) is bounded.
#[derive(Default)]
struct Uses {
    bounded: bool,
    unbounded: bool,
}

struct Extractor<'a, 'f> {
    catalog: &'a Catalog,
    index: &'a LineIndex<'a>,
    file_is_test: bool,
    items: Items,
    /// Local functions that hand a parameter to a deadline.
    wrapper_fns: FxHashSet<String>,
    /// Local functions only ever called under a deadline.
    deadline_fns: FxHashSet<String>,
    uses: FxHashMap<usize, Uses>,
    /// (struct, field) → the catalogued calls whose results are stored in it.
    field_made: FxHashMap<(String, String), Vec<usize>>,
    field_uses: FxHashMap<(String, String), Uses>,
    scopes: Vec<Scope>,
    ctx: Ctx,
    /// The type of `self` in the current `impl`.
    self_ty: Option<String>,
    /// The index in `scopes` of the current function's own scope.
    fn_scope: usize,
    facts: &'f mut FileFacts,
    snippet_lines: FxHashSet<u32>,
    retry_state: retries::RetryState,
    failure: failure::State,
    obs: observability::ObsState,
    /// Callee paths as written and resolved, by the path's address: several checks ask for
    /// the same call's callee. Paths of the file's tree and of the macro expressions in
    /// `items.macros` only, which both live as long as the extractor.
    callee_paths: RefCell<FxHashMap<usize, Rc<CalleePath>>>,
    /// The first segments of what `use` brings in: `reqwest_retry` for `reqwest_retry::Jitter`.
    imported_crates: FxHashSet<String>,
}

struct CalleePath {
    raw: String,
    resolved: Option<String>,
}

const SYSTEM_TIME: &str = "std::time::SystemTime";

impl Extractor<'_, '_> {
    fn resolve_wrapper_fns(&self) -> FxHashSet<String> {
        let mut wrappers = FxHashSet::default();
        loop {
            let found: Vec<String> = self
                .items
                .param_handoffs
                .iter()
                .filter(|(f, callee)| {
                    !wrappers.contains(f) && self.deadline_callee_with(callee, &wrappers)
                })
                .map(|(f, _)| f.clone())
                .collect();
            if found.is_empty() {
                return wrappers;
            }
            wrappers.extend(found);
        }
    }

    /// Functions called under a deadline and never called here without one (test code aside).
    fn resolve_deadline_fns(&self) -> FxHashSet<String> {
        let calls = &self.items.calls;
        let mut known: FxHashMap<&str, bool> = FxHashMap::default();
        let lexically: Vec<bool> = calls
            .iter()
            .map(|c| {
                c.enclosing.iter().any(|p| {
                    *known
                        .entry(p.as_str())
                        .or_insert_with(|| self.deadline_callee(p))
                })
            })
            .collect();
        let mut sites: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (i, call) in calls.iter().enumerate() {
            let counts = !call.in_test
                && self.items.defined_fns.contains(&call.name)
                && call.caller.as_deref() != Some(call.name.as_str());
            if counts {
                sites.entry(call.name.as_str()).or_default().push(i);
            }
        }
        let mut fns: FxHashSet<String> = FxHashSet::default();
        loop {
            let under = |i: &usize| {
                lexically[*i] || calls[*i].caller.as_ref().is_some_and(|f| fns.contains(f))
            };
            let found: Vec<String> = sites
                .iter()
                .filter(|(name, at)| {
                    !fns.contains(**name)
                        && at.iter().any(under)
                        && at.iter().filter(|i| calls[**i].direct).all(under)
                })
                .map(|(name, _)| name.to_string())
                .collect();
            if found.is_empty() {
                return fns;
            }
            fns.extend(found);
        }
    }

    /// A call that bounds whatever runs in its arguments: a catalogued deadline, a local
    /// wrapper around one, or a function named for it.
    fn deadline_callee(&self, raw: &str) -> bool {
        self.deadline_callee_with(raw, &self.wrapper_fns)
    }

    fn deadline_callee_with(&self, raw: &str, wrappers: &FxHashSet<String>) -> bool {
        self.deadline_callee_among(raw, self.resolve(raw).as_deref(), wrappers)
    }

    fn deadline_callee_resolved(&self, raw: &str, resolved: Option<&str>) -> bool {
        self.deadline_callee_among(raw, resolved, &self.wrapper_fns)
    }

    fn deadline_callee_among(
        &self,
        raw: &str,
        resolved: Option<&str>,
        wrappers: &FxHashSet<String>,
    ) -> bool {
        if let Some(full) = resolved {
            if self.catalog.is_deadline(Lang::Rust, full) {
                return true;
            }
            if self.catalog.is_external(Lang::Rust, full) {
                return false;
            }
        }
        let (local, last) = match split_qualified(Lang::Rust, raw) {
            None => (true, raw),
            Some((qualifier, last)) => (qualifier == "Self", last),
        };
        (local && wrappers.contains(last)) || name_says_deadline(last)
    }

    /// Marks the calls whose objects were only used bounded.
    fn apply_uses(&mut self) {
        let mut per_fact: FxHashMap<usize, Uses> = std::mem::take(&mut self.uses);
        for (field, facts) in &self.field_made {
            let Some(through_field) = self.field_uses.get(field) else {
                continue;
            };
            for fact in facts {
                let uses = per_fact.entry(*fact).or_default();
                uses.bounded |= through_field.bounded;
                uses.unbounded |= through_field.unbounded;
            }
        }
        for (fact, uses) in per_fact {
            if uses.bounded && !uses.unbounded {
                self.facts.calls[fact].under_deadline = true;
            }
        }
    }

    /// A path as written → the full path, through `use` aliases; `None` for local items.
    fn resolve(&self, path: &str) -> Option<String> {
        // Paths are written with `::` only, so the first `:` starts the first separator.
        let (head, rest) = match path.find(':') {
            Some(at) => (&path[..at], path.get(at + 2..)),
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
                        || split_qualified(Lang::Rust, full)
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
            .flatten()
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
            Expr::MethodCall(m) => self.built_type(m),
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

    /// `reqwest::Client::builder()...build()`: a finished builder chain makes the builder's type.
    fn built_type(&self, top: &syn::ExprMethodCall) -> Option<String> {
        let mut methods = vec![top.method.to_string()];
        let mut cur = &*top.receiver;
        let root = loop {
            match cur {
                Expr::MethodCall(m) => {
                    methods.push(m.method.to_string());
                    cur = &m.receiver;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                Expr::Call(c) => break c,
                _ => return None,
            }
        };
        let callee = self.call_callee(root)?;
        let spec = self.catalog.call(Lang::Rust, &callee)?;
        if !spec.finish.iter().any(|f| methods.contains(f)) {
            return None;
        }
        self.catalog
            .constructed_type(Lang::Rust, &callee)
            .map(str::to_string)
    }

    fn bind_pattern(&mut self, pat: &Pat, ty: Option<String>, made: Option<Made>) {
        let name = match pat {
            Pat::Ident(i) => i.ident.to_string(),
            Pat::Type(t) => {
                let declared = type_path(&t.ty).and_then(|p| self.resolve(&p));
                return self.bind_pattern(&t.pat, declared.or(ty), made);
            }
            _ => return,
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.types.insert(name.clone(), ty);
            scope.made_by.insert(name.clone(), made);
            scope.called.insert(name.clone(), Vec::new());
            scope.wall_deadlines.remove(&name);
            scope.wall_elapsed.remove(&name);
        }
    }

    fn made_by(&self, name: &str) -> Option<Made> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.made_by.get(name).copied())
            .flatten()
    }

    /// The catalogued call recorded (at or after `first`) for the root of a `let` initialiser.
    fn made_fact(&self, init: &Expr, first: usize) -> Option<Made> {
        let mut awaited = false;
        let mut cur = init;
        let root = loop {
            match cur {
                Expr::MethodCall(m) => cur = &m.receiver,
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => {
                    awaited = true;
                    cur = &a.base;
                }
                Expr::Paren(p) => cur = &p.expr,
                Expr::Call(c) => break c,
                _ => return None,
            }
        };
        if first == self.facts.calls.len() {
            return None;
        }
        let span = self.span(root.func.span());
        let fact = (first..self.facts.calls.len()).find(|i| self.facts.calls[*i].span == span)?;
        Some(Made { fact, awaited })
    }

    /// Counts a use of a binding's object: a catalogued call on it, bounded or not.
    /// Counts a use of the object a binding (`client`) or a field (`self.client`) holds.
    fn note_use(&mut self, holder: &Expr, bounded: bool) {
        let uses = match holder {
            Expr::Path(p) => {
                let Some(made) = p
                    .path
                    .get_ident()
                    .and_then(|i| self.made_by(&i.to_string()))
                else {
                    return;
                };
                self.uses.entry(made.fact).or_default()
            }
            Expr::Field(f) => {
                let Some(key) = self.self_field(f) else {
                    return;
                };
                self.field_uses.entry(key).or_default()
            }
            _ => return,
        };
        if bounded {
            uses.bounded = true;
        } else {
            uses.unbounded = true;
        }
    }

    /// `self.client` inside `impl Service`: ("Service", "client").
    fn self_field(&self, f: &syn::ExprField) -> Option<(String, String)> {
        let is_self = matches!(&*f.base, Expr::Path(p) if p.path.is_ident("self"));
        let syn::Member::Named(field) = &f.member else {
            return None;
        };
        Some((self.self_ty.clone().filter(|_| is_self)?, field.to_string()))
    }

    /// A struct literal: remembers which catalogued calls fill which fields, and visits it.
    fn struct_literal(&mut self, st: &syn::ExprStruct) {
        let ty = match st.path.segments.last() {
            Some(s) if s.ident == "Self" => self.self_ty.clone(),
            Some(s) if st.path.segments.len() == 1 => Some(s.ident.to_string()),
            _ => None,
        };
        for field in &st.fields {
            let first = self.facts.calls.len();
            self.visit_expr(&field.expr);
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            self.clock_reads(&field.expr, Some(&name.to_string()), false);
            let made = match &field.expr {
                Expr::Path(p) => p
                    .path
                    .get_ident()
                    .and_then(|i| self.made_by(&i.to_string())),
                other => self.made_fact(other, first),
            };
            if let (Some(ty), Some(made)) = (&ty, made) {
                self.field_made
                    .entry((ty.clone(), name.to_string()))
                    .or_default()
                    .push(made.fact);
            }
        }
        if let Some(rest) = &st.rest {
            self.visit_expr(rest);
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
        receiver: Option<(String, Vec<ChainCall>)>,
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
            receiver: receiver.map(|(ty, setters)| Receiver {
                ty,
                attrs: Vec::new(),
                setters,
            }),
            under_deadline: self.ctx.under_deadline,
            in_test: self.in_test(),
            in_async: self.ctx.in_async,
        };
        self.facts.calls.push(fact);
    }

    /// The top of a method chain: unwinds to its root, records one fact, visits the arguments.
    fn chain(&mut self, top: &Expr) {
        self.failure_chain(top);
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
        self.service_chain(root, &methods);
        self.shutdown_chain(root, &methods);
        match root {
            Expr::Call(c) => {
                let callee = self.call_callee(c);
                self.service_call(c, callee.as_deref());
                if let Some(callee) = callee {
                    let fan_out = self.failure_call(c, &callee, &methods);
                    if self.is_fact(&callee) {
                        let chain = chain_of(self, &methods);
                        let span = self.span(c.func.span());
                        let args = self.args(&c.args);
                        self.record_call(callee.clone(), span, args, chain, None);
                    }
                    self.visit_call_args(c);
                    if let Some(started) = fan_out {
                        self.failure_call_done(started);
                    }
                    handled_root = true;
                }
            }
            _ => {
                if let (Some(ty), Some(first)) = (self.expr_type(root), methods.first()) {
                    let callee = format!("{ty}::{}", first.method);
                    if let Some(spec) = self.catalog.call(Lang::Rust, &callee) {
                        let timeout_params = spec.timeout_params();
                        let chain = chain_of(self, &methods[1..]);
                        // The call starts where its receiver does: `self\n.client\n.get_connection()`.
                        let span = Span {
                            end_line: self.span(first.method.span()).end_line,
                            end_col: self.span(first.method.span()).end_col,
                            ..self.span(root.span())
                        };
                        let args = self.args(&first.args);
                        let receiver = (ty.clone(), self.called_on(root));
                        self.record_call(callee, span, args, chain, Some(receiver));
                        let fact = self.facts.calls.last().expect("just recorded");
                        let bounded = fact.under_deadline
                            || timeout_params.iter().any(|p| fact.param(p).is_some());
                        self.note_use(root, bounded);
                    }
                    self.remember_called(root, first);
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

    /// `sock` or `self.sock`: how calls on it are remembered within the function.
    fn holder_key(&self, holder: &Expr) -> Option<String> {
        match holder {
            Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
            Expr::Field(f) => self.self_field(f).map(|(_, field)| format!("self.{field}")),
            _ => None,
        }
    }

    /// The methods called on a holder earlier in the function.
    fn called_on(&self, holder: &Expr) -> Vec<ChainCall> {
        let Some(key) = self.holder_key(holder) else {
            return Vec::new();
        };
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.called.get(&key).cloned())
            .unwrap_or_default()
    }

    fn remember_called(&mut self, holder: &Expr, method: &syn::ExprMethodCall) {
        let Some(key) = self.holder_key(holder) else {
            return;
        };
        let call = ChainCall {
            method: method.method.to_string(),
            args: Vec::new(),
            span: self.span(method.method.span()),
        };
        // Kept where the binding lives (`self.x`: the function), so that calls made in a nested
        // block still count after it.
        let at = self
            .scopes
            .iter()
            .rposition(|s| s.called.contains_key(&key) || s.types.contains_key(&key))
            .unwrap_or(self.fn_scope);
        if let Some(scope) = self.scopes.get_mut(at) {
            scope.called.entry(key).or_default().push(call);
        }
    }

    fn call_callee(&self, c: &syn::ExprCall) -> Option<String> {
        let Expr::Path(p) = &*c.func else { return None };
        self.callee_path(&p.path).resolved.clone()
    }

    fn callee_path(&self, path: &syn::Path) -> Rc<CalleePath> {
        let key = std::ptr::from_ref(path) as usize;
        if let Some(known) = self.callee_paths.borrow().get(&key) {
            return known.clone();
        }
        let raw = path_string(path);
        let resolved = self.resolve(&raw);
        let known = Rc::new(CalleePath { raw, resolved });
        self.callee_paths.borrow_mut().insert(key, known.clone());
        known
    }

    fn is_fact(&self, callee: &str) -> bool {
        self.catalog.is_external(Lang::Rust, callee)
            || self.catalog.constructed_type(Lang::Rust, callee).is_some()
    }

    /// Visits a call's arguments, under a deadline when the call is one. A future or client
    /// made earlier and handed to a deadline (`timeout(d, connecting)`) is bounded by it.
    fn visit_call_args(&mut self, c: &syn::ExprCall) {
        let deadline = match &*c.func {
            Expr::Path(p) => {
                let callee = self.callee_path(&p.path);
                self.deadline_callee_resolved(&callee.raw, callee.resolved.as_deref())
            }
            _ => false,
        };
        if deadline {
            for a in &c.args {
                let handed = peel_ref(a);
                let unawaited = match handed {
                    Expr::Path(p) => p
                        .path
                        .get_ident()
                        .and_then(|i| self.made_by(&i.to_string()))
                        .is_some_and(|m| !m.awaited),
                    _ => false,
                };
                if unawaited {
                    self.note_use(handed, true);
                }
            }
        }
        let ctx = Ctx {
            under_deadline: self.ctx.under_deadline || deadline,
            ..self.ctx.clone()
        };
        self.with_ctx(ctx, |x| {
            for a in &c.args {
                x.visit_expr(a);
            }
        });
    }

    /// Visits a macro's tokens when they are comma-separated expressions, and stays silent
    /// when they are not.
    fn visit_macro_tokens(&mut self, mac: &syn::Macro) {
        self.service_macro(mac);
        self.obs_macro(mac);
        let fan_out = self.failure_macro(mac);
        if let Some(exprs) = self.items.macros.parse(mac) {
            for e in exprs.iter() {
                self.visit_expr(e);
            }
        }
        if let Some(started) = fan_out {
            self.failure_call_done(started);
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
                    if let Some(Some(e)) = self.items.consts.get(&raw) {
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
        let (ty, ctor) = split_qualified(Lang::Rust, raw)?;
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
        self.callee_path(&p.path)
            .resolved
            .as_deref()
            .is_some_and(|q| q == "std::time::SystemTime::now" || q == "SystemTime::now")
    }

    /// A local binding that holds `SystemTime::now()`.
    fn is_wall_binding(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Path(p) if p.path.get_ident()
            .is_some_and(|i| self.binding_type(&i.to_string()).as_deref() == Some(SYSTEM_TIME)))
    }

    /// Wall-clock reads that compute a deadline (`let deadline = SystemTime::now() + d`) or
    /// check one (`SystemTime::now() > deadline`, `start.elapsed()? > timeout`). `target` is
    /// what the value is assigned to; `binding` says it is a local variable.
    fn clock_reads(&mut self, expr: &Expr, target: Option<&str>, binding: bool) {
        let expr = peel_unwrap(expr);
        if let Some(reads) = self.wall_sum(expr) {
            if target.is_some_and(name_says_deadline) {
                self.push_clock(reads, ClockUse::Deadline);
            } else if let (true, Some(name), Some(scope)) =
                (binding, target, self.scopes.last_mut())
            {
                // Known to be a deadline only once it is compared with the wall clock.
                scope.wall_deadlines.insert(name.to_string(), reads);
            }
            return;
        }
        let comparison = matches!(expr, Expr::Binary(b) if matches!(
            b.op,
            syn::BinOp::Lt(_) | syn::BinOp::Le(_) | syn::BinOp::Gt(_) | syn::BinOp::Ge(_)
        ));
        if !comparison {
            if let (true, Some(name)) = (binding, target) {
                let mut reads = Vec::new();
                let mut elapsed = false;
                self.find_clock(expr, 0, &mut reads, &mut elapsed);
                if let (true, Some(scope)) = (elapsed, self.scopes.last_mut()) {
                    scope.wall_elapsed.insert(name.to_string(), reads);
                }
            }
            return;
        }
        let Expr::Binary(b) = expr else { return };
        for (side, other) in [(&*b.left, &*b.right), (&*b.right, &*b.left)] {
            if let Some(measured) = self.wall_elapsed(side) {
                self.push_clock(measured, ClockUse::Compare);
                continue;
            }
            let mut reads = Vec::new();
            let mut elapsed = false;
            self.find_clock(side, 0, &mut reads, &mut elapsed);
            if reads.is_empty() {
                continue;
            }
            let wall_deadline = self.wall_deadline(other);
            // A timestamp compared with another (a certificate's expiry, a file's mtime) is a
            // date check: only elapsed time and deadlines are judged.
            if !(elapsed || wall_deadline.is_some() || names_deadline(other)) {
                continue;
            }
            if let Some(computed) = wall_deadline {
                self.push_clock(computed, ClockUse::Deadline);
            }
            self.push_clock(reads, ClockUse::Compare);
        }
    }

    /// `SystemTime::now() + d`, `now.checked_add(d)`: the wall-clock reads in it.
    fn wall_sum(&self, expr: &Expr) -> Option<Vec<Span>> {
        let mut reads = Vec::new();
        let mut elapsed = false;
        match expr {
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                self.find_clock(&b.left, 0, &mut reads, &mut elapsed);
                self.find_clock(&b.right, 0, &mut reads, &mut elapsed);
            }
            Expr::MethodCall(m) if m.method == "checked_add" => {
                self.find_clock(&m.receiver, 0, &mut reads, &mut elapsed);
            }
            _ => return None,
        }
        (!reads.is_empty() && !elapsed).then_some(reads)
    }

    /// A local computed from the wall clock plus a duration: its computing reads, reported
    /// the first time it is compared (empty afterwards).
    fn wall_deadline(&mut self, expr: &Expr) -> Option<Vec<Span>> {
        let name = local_name(expr)?;
        self.scopes
            .iter_mut()
            .rev()
            .find_map(|s| s.wall_deadlines.get_mut(&name))
            .map(std::mem::take)
    }

    /// A local holding time elapsed on the wall clock: its reads, the first time it is compared.
    fn wall_elapsed(&mut self, expr: &Expr) -> Option<Vec<Span>> {
        let name = local_name(expr)?;
        self.scopes
            .iter_mut()
            .rev()
            .find_map(|s| s.wall_elapsed.remove(&name))
    }

    fn push_clock(&mut self, reads: Vec<Span>, usage: ClockUse) {
        for span in reads {
            self.remember_line(span.line);
            self.facts.clock_reads.push(ClockRead {
                clock: "std::time::SystemTime::now".into(),
                usage,
                span,
                in_test: self.in_test(),
            });
        }
    }

    /// The wall-clock reads in one side of a comparison; `elapsed` is set when the side
    /// measures time since a local `SystemTime::now()` (`start.elapsed()`).
    fn find_clock(&self, expr: &Expr, depth: usize, out: &mut Vec<Span>, elapsed: &mut bool) {
        if depth > 12 {
            return;
        }
        match expr {
            Expr::Call(_) if self.is_system_now(expr) => out.push(self.span(expr.span())),
            Expr::Path(_) if self.is_wall_binding(expr) => out.push(self.span(expr.span())),
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if method == "elapsed" && self.is_wall_binding(&m.receiver) {
                    out.push(self.span(m.method.span()));
                    *elapsed = true;
                    return;
                }
                if method == "duration_since" {
                    let Some(since) = m.args.first() else { return };
                    // `SystemTime::now().duration_since(UNIX_EPOCH)` is a timestamp, not a deadline.
                    if quote::quote!(#since).to_string().contains("UNIX_EPOCH") {
                        return;
                    }
                    let before = out.len();
                    self.find_clock(&m.receiver, depth + 1, out, elapsed);
                    if out.len() > before && self.is_wall_binding(peel_ref(since)) {
                        *elapsed = true;
                    }
                    return;
                }
                self.find_clock(&m.receiver, depth + 1, out, elapsed);
            }
            Expr::Binary(b) => {
                self.find_clock(&b.left, depth + 1, out, elapsed);
                self.find_clock(&b.right, depth + 1, out, elapsed);
            }
            Expr::Paren(p) => self.find_clock(&p.expr, depth + 1, out, elapsed),
            Expr::Try(t) => self.find_clock(&t.expr, depth + 1, out, elapsed),
            _ => {}
        }
    }
}

/// `x?`, `(x)`, `x.unwrap()`, `x.expect(..)`: the value inside.
fn peel_unwrap(expr: &Expr) -> &Expr {
    match expr {
        Expr::Try(t) => peel_unwrap(&t.expr),
        Expr::Paren(p) => peel_unwrap(&p.expr),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "unwrap" | "expect" | "unwrap_or_default"
            ) =>
        {
            peel_unwrap(&m.receiver)
        }
        _ => expr,
    }
}

/// `deadline`, `self.timeout`, `*deadline`, `cfg.timeout()`: a value named as a deadline.
fn names_deadline(expr: &Expr) -> bool {
    match peel_unwrap(expr) {
        Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| name_says_deadline(&s.ident.to_string())),
        Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(n) if name_says_deadline(&n.to_string()))
        }
        Expr::MethodCall(m) => name_says_deadline(&m.method.to_string()),
        Expr::Unary(u) => names_deadline(&u.expr),
        Expr::Reference(r) => names_deadline(&r.expr),
        _ => false,
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
        // Compared in place: every doc comment is an attribute too.
        if path
            .segments
            .last()
            .is_some_and(|s| s.ident == "test" || s.ident == "bench")
        {
            return true;
        }
        if path.is_ident("cfg") {
            // Most `cfg`s name features and platforms: only one that says `test` is parsed.
            let syn::Meta::List(list) = &a.meta else {
                return false;
            };
            return says_test(list.tokens.clone())
                && a.parse_args::<syn::Meta>()
                    .is_ok_and(|m| cfg_implies_test(&m));
        }
        false
    })
}

/// Whether the tokens hold the identifier `test`, at any depth.
fn says_test(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "test",
        proc_macro2::TokenTree::Group(group) => says_test(group.stream()),
        _ => false,
    })
}

/// Whether a `cfg` predicate only holds in test builds: `test`, `all(test, ..)`,
/// `any(test, all(test, unix))`; not `not(test)` or `any(test, feature = "x")`.
fn cfg_implies_test(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(p) => p.is_ident("test"),
        syn::Meta::List(l) => {
            let parts = l.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated);
            let Ok(parts) = parts else { return false };
            if l.path.is_ident("all") {
                parts.iter().any(cfg_implies_test)
            } else if l.path.is_ident("any") {
                !parts.is_empty() && parts.iter().all(cfg_implies_test)
            } else {
                false
            }
        }
        syn::Meta::NameValue(_) => false,
    }
}

impl<'ast> Visit<'ast> for Extractor<'_, '_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.obs_fn(&f.attrs, &f.sig, &f.block);
        self.function(&f.attrs, &f.sig, |x| {
            x.service_fn(&f.attrs, &f.sig, &f.block);
            x.visit_block(&f.block)
        });
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.obs_fn(&f.attrs, &f.sig, &f.block);
        self.function(&f.attrs, &f.sig, |x| {
            x.service_fn(&f.attrs, &f.sig, &f.block);
            x.visit_block(&f.block)
        });
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.obs_visit_match(m);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.obs_visit_if(i);
    }

    fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
        self.obs_lit_str(s);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        self.obs_item_macro(m);
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
            let first_fact = self.facts.calls.len();
            let first_retry = self.facts.retries.len();
            self.visit_expr(&init.expr);
            self.retry_bind(&l.pat, &init.expr, first_retry);
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
            let ty = if self.is_system_now(&init.expr) {
                Some(SYSTEM_TIME.to_string())
            } else {
                self.init_type(&init.expr)
            };
            let made = self.made_fact(&init.expr, first_fact);
            self.bind_pattern(&l.pat, ty, made);
            self.clock_reads(&init.expr, target.as_deref(), true);
        } else {
            self.bind_pattern(&l.pat, None, None);
        }
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        // No check reads a literal but the string check; tables hold millions of them.
        if let Expr::Lit(l) = e {
            return visit::visit_expr_lit(self, l);
        }
        self.retry_expr(e);
        self.shutdown_expr(e);
        self.failure_expr(e);
        match e {
            Expr::MethodCall(_) => {
                self.obs_chain(e);
                self.chain(e)
            }
            Expr::Call(c) => {
                let callee = self.call_callee(c);
                self.service_call(c, callee.as_deref());
                match callee {
                    Some(callee) => {
                        self.obs_call(c);
                        let fan_out = self.failure_call(c, &callee, &[]);
                        if self.is_fact(&callee) {
                            let span = self.span(c.func.span());
                            let args = self.args(&c.args);
                            self.record_call(callee, span, args, Vec::new(), None);
                        }
                        self.visit_call_args(c);
                        if let Some(started) = fan_out {
                            self.failure_call_done(started);
                        }
                    }
                    None => {
                        self.visit_expr(&c.func);
                        self.visit_call_args(c);
                    }
                }
            }
            Expr::Macro(m) => self.visit_macro_tokens(&m.mac),
            Expr::Binary(_) => {
                self.clock_reads(e, None, false);
                visit::visit_expr(self, e);
            }
            Expr::Struct(st) => self.struct_literal(st),
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => {
                self.failure_loop(e, |x| visit::visit_expr(x, e))
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
                let (target, binding) = match &*a.left {
                    Expr::Path(p) => (p.path.get_ident().map(|i| i.to_string()), true),
                    Expr::Field(f) => match &f.member {
                        syn::Member::Named(n) => (Some(n.to_string()), false),
                        _ => (None, false),
                    },
                    _ => (None, false),
                };
                self.clock_reads(&a.right, target.as_deref(), binding);
                self.visit_expr(&a.left);
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.visit_macro_tokens(&m.mac);
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        self.failure_stmt(s);
        visit::visit_stmt(self, s);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.obs_block(b);
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
                        scope.types.insert(i.ident.to_string(), Some(full));
                    }
                }
            }
        }
        self.scopes.push(scope);
        let outer_fn_scope = std::mem::replace(&mut self.fn_scope, self.scopes.len() - 1);
        self.failure_enter_fn(&name);
        self.with_ctx(ctx, body);
        self.failure_exit_fn();
        self.fn_scope = outer_fn_scope;
        self.scopes.pop();
    }
}
