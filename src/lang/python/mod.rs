//! Python front end: tree-sitter-python parse, then facts. Imports and aliases are resolved
//! to qualified names; objects are followed from their construction to their use within a
//! function, a class (`self.x`) or the module.

mod failure;
mod service;
mod shutdown;
mod syntax;

use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

use syntax::{Node, SyntaxTree};

use crate::catalog::Catalog;
use crate::facts::{
    Arg, CallFact, ChainCall, ClockRead, ClockUse, FileFacts, Lang, ParseProblem, Receiver, Span,
    Value,
};
use crate::source::LineIndex;

mod breakers;
mod observability;
mod retries;

/// Beyond this depth the tree is not walked further (the file is reported as too deep).
const MAX_DEPTH: usize = 1500;

/// Field ids of the grammar, looked up once: `child_by_field_name` compares strings every call.
struct Fields {
    alias: u8,
    argument: u8,
    arguments: u8,
    attribute: u8,
    body: u8,
    condition: u8,
    definition: u8,
    expression: u8,
    function: u8,
    key: u8,
    left: u8,
    module_name: u8,
    name: u8,
    object: u8,
    operator: u8,
    parameters: u8,
    right: u8,
    subscript: u8,
    superclasses: u8,
    type_: u8,
    value: u8,
}

static F: std::sync::LazyLock<Fields> = std::sync::LazyLock::new(|| {
    let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let id = |name: &str| {
        lang.field_id_for_name(name)
            .and_then(|f| u8::try_from(f.get()).ok())
            .unwrap_or(0)
    };
    Fields {
        alias: id("alias"),
        argument: id("argument"),
        arguments: id("arguments"),
        attribute: id("attribute"),
        body: id("body"),
        condition: id("condition"),
        definition: id("definition"),
        expression: id("expression"),
        function: id("function"),
        key: id("key"),
        left: id("left"),
        module_name: id("module_name"),
        name: id("name"),
        object: id("object"),
        operator: id("operator"),
        parameters: id("parameters"),
        right: id("right"),
        subscript: id("subscript"),
        superclasses: id("superclasses"),
        type_: id("type"),
        value: id("value"),
    }
});

/// Node kind names by kind id: `Node::kind()` measures and checks its C string on every call,
/// and the walks ask for the kind of every node several times.
static KIND_NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    (0..lang.node_kind_count())
        .map(|id| {
            let id = u16::try_from(id).unwrap_or(u16::MAX);
            lang.node_kind_for_id(id).unwrap_or("")
        })
        .collect()
});

/// The kinds the walks branch on at every node they visit, told apart by kind id rather than
/// by comparing names, several times a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Assignment,
    AugmentedAssignment,
    BinaryOperator,
    Call,
    ClassDefinition,
    ComparisonOperator,
    DecoratedDefinition,
    ExceptClause,
    ExpressionStatement,
    ForStatement,
    FunctionDefinition,
    GlobalStatement,
    ImportFromStatement,
    ImportStatement,
    ParenthesizedExpression,
    String,
    WhileStatement,
    WithStatement,
    Other,
}

static TAGS: std::sync::LazyLock<Vec<Tag>> = std::sync::LazyLock::new(|| {
    KIND_NAMES
        .iter()
        .map(|name| match *name {
            "assignment" => Tag::Assignment,
            "augmented_assignment" => Tag::AugmentedAssignment,
            "binary_operator" => Tag::BinaryOperator,
            "call" => Tag::Call,
            "class_definition" => Tag::ClassDefinition,
            "comparison_operator" => Tag::ComparisonOperator,
            "decorated_definition" => Tag::DecoratedDefinition,
            "except_clause" => Tag::ExceptClause,
            "expression_statement" => Tag::ExpressionStatement,
            "for_statement" => Tag::ForStatement,
            "function_definition" => Tag::FunctionDefinition,
            "global_statement" => Tag::GlobalStatement,
            "import_from_statement" => Tag::ImportFromStatement,
            "import_statement" => Tag::ImportStatement,
            "parenthesized_expression" => Tag::ParenthesizedExpression,
            "string" => Tag::String,
            "while_statement" => Tag::WhileStatement,
            "with_statement" => Tag::WithStatement,
            _ => Tag::Other,
        })
        .collect()
});

/// A node's kind name, looked up once per kind, and its tag.
trait Kind {
    fn kind_name(&self) -> &'static str;
    fn tag(&self) -> Tag;
}

impl Kind for Node<'_> {
    fn kind_name(&self) -> &'static str {
        KIND_NAMES
            .get(usize::from(self.kind_id()))
            .copied()
            .unwrap_or("")
    }

    fn tag(&self) -> Tag {
        TAGS.get(usize::from(self.kind_id()))
            .copied()
            .unwrap_or(Tag::Other)
    }
}

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut p = Parser::new();
        p.set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("tree-sitter-python matches the linked tree-sitter version");
        p
    });
}

pub fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|p| p.borrow_mut().parse(text, None))
}

pub fn extract(text: &str, catalog: &Catalog, file_is_test: bool) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(tree) = parse(text) else {
        facts.problems.push(ParseProblem {
            message: "tree-sitter could not parse the file".into(),
            line: 1,
            col: 1,
        });
        return facts;
    };
    let index = LineIndex::new(text);
    if tree.root_node().has_error() {
        if let Some(node) = first_error(tree.root_node()) {
            let (line, col) = index.line_col(node.start_byte());
            facts.problems.push(ParseProblem {
                message: if node.is_missing() {
                    format!("syntax error: missing `{}`", node.kind())
                } else {
                    "syntax error".into()
                },
                line,
                col,
            });
        }
    }
    let syntax = SyntaxTree::new(&tree);
    drop(tree);
    let root = syntax.root();
    let mut x = Extractor {
        src: text,
        index: &index,
        catalog,
        file_is_test,
        aliases: FxHashMap::default(),
        module_defs: FxHashSet::default(),
        constants: FxHashMap::default(),
        module_objects: FxHashMap::default(),
        class_objects: FxHashMap::default(),
        deadline_fns: FxHashSet::default(),
        call_sites: FxHashMap::default(),
        clock_starts: FxHashSet::default(),
        clock_deadlines: FxHashSet::default(),
        rebound: FxHashSet::default(),
        scopes: Vec::new(),
        facts: &mut facts,
        too_deep: false,
        in_module_decorator: false,
        snippet_lines: FxHashSet::default(),
        retry_state: retries::RetryState::default(),
        failure: failure::State::default(),
        shutdown: shutdown::State::default(),
        obs: observability::ObsState::default(),
    };
    x.collect(root, 0, false);
    x.deadline_fns = x
        .call_sites
        .iter()
        .filter(|(_, (all, under))| all == under)
        .map(|(name, _)| name.clone())
        .collect();
    for name in &x.rebound {
        if let Some(value) = x.constants.get_mut(name) {
            *value = None;
        }
    }
    x.obs_prepare(root);
    x.emit(root, 0, &Ctx::default());
    x.collect_breakers(root);
    x.failure_finish();
    x.shutdown_finish();
    if x.too_deep {
        let problem = ParseProblem {
            message: format!("nested more than {MAX_DEPTH} levels deep: the rest was not read"),
            line: 1,
            col: 1,
        };
        facts.problems.push(problem);
    }
    facts.lines = index.line_count();
    facts
}

/// The children the two walks visit: named ones (punctuation and keywords hold no facts, and
/// are most of a tree's leaves) with children of their own. Leaves (names, numbers) hold no
/// facts by themselves; past the depth limit they are still visited, so that the walk notices
/// it.
fn for_each_walked_child<'t>(node: Node<'t>, child_depth: usize, mut visit: impl FnMut(Node<'t>)) {
    for child in node.named_children() {
        if child_depth > MAX_DEPTH || child.has_children() {
            visit(child);
        }
    }
}

fn first_error(root: tree_sitter::Node<'_>) -> Option<tree_sitter::Node<'_>> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            return Some(n);
        }
        if n.has_error() {
            let mut cursor = n.walk();
            let children: Vec<tree_sitter::Node> = n.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
    }
    None
}

/// A call's callee and arguments, and the callee's qualified name through imports.
struct CallParts<'t> {
    function: Option<Node<'t>>,
    arguments: Option<Node<'t>>,
    qualname: Option<String>,
}

/// An object followed from its construction.
#[derive(Clone, Debug)]
struct Object {
    ty: String,
    attrs: Vec<Arg>,
    setters: Vec<ChainCall>,
}

#[derive(Default, Clone)]
struct Ctx {
    in_async: bool,
    in_test: bool,
    under_deadline: bool,
    /// The enclosing class's node id, for `self.x`.
    class: Option<usize>,
}

struct Scope {
    objects: FxHashMap<String, Object>,
    /// Names bound in this function that are not followed objects (they shadow imports).
    shadowed: FxHashSet<String>,
}

struct Extractor<'a, 'f> {
    src: &'a str,
    index: &'a LineIndex<'a>,
    catalog: &'a Catalog,
    file_is_test: bool,
    /// Local name → qualified name, from imports anywhere in the file.
    aliases: FxHashMap<String, String>,
    /// Names the module defines itself (functions, classes): not the imported ones.
    module_defs: FxHashSet<String>,
    /// Module-level names assigned exactly once to a literal: `TIMEOUT = 30`.
    constants: FxHashMap<String, Option<Value>>,
    module_objects: FxHashMap<String, Object>,
    /// Class node id → `self.<attr>` objects, with the raw nodes until resolution.
    class_objects: FxHashMap<usize, FxHashMap<String, Object>>,
    /// Functions that this file calls only under a deadline (`asyncio.wait_for(self._connect(), 5)`).
    deadline_fns: FxHashSet<String>,
    /// Function name → (call sites, call sites under a deadline), for `deadline_fns`.
    call_sites: FxHashMap<String, (usize, usize)>,
    /// Module names changed after their assignment (`X[k] = ..`, `X.update(..)`, `global X`).
    rebound: FxHashSet<String>,
    /// Names assigned a plain wall-clock read in this file, as written: `start = time.time()`.
    clock_starts: FxHashSet<String>,
    /// Names assigned a wall-clock deadline in this file: `deadline = time.time() + 30`,
    /// `self.ends = self.started + timedelta(..)`.
    clock_deadlines: FxHashSet<String>,
    scopes: Vec<Scope>,
    facts: &'f mut FileFacts,
    too_deep: bool,
    /// Inside a decorated definition at module level (pass 1).
    in_module_decorator: bool,
    snippet_lines: FxHashSet<u32>,
    retry_state: retries::RetryState,
    failure: failure::State,
    shutdown: shutdown::State,
    obs: observability::ObsState,
}

impl<'a, 'f> Extractor<'a, 'f> {
    fn text(&self, node: Node<'_>) -> &'a str {
        // Node bounds fall on character boundaries of the text tree-sitter was given.
        self.src.get(node.byte_range()).unwrap_or("")
    }

    /// The line a node starts on: `span(..).line` without the columns and the end.
    fn line(&self, node: Node<'_>) -> u32 {
        self.index.line_of(node.start_byte())
    }

    fn span(&self, node: Node<'_>) -> Span {
        let (line, col) = self.index.line_col(node.start_byte());
        let (end_line, end_col) = self.index.line_col(node.end_byte());
        Span {
            line,
            col,
            end_line,
            end_col,
        }
    }

    /// Whether a string node can hold code: an f-string (or t-string) and its interpolations.
    /// The parts of any other string are text, and most strings are not f-strings.
    fn may_interpolate(&self, string: Node<'_>) -> bool {
        let text = self.text(string).as_bytes();
        let prefix = &text[..text
            .iter()
            .position(|b| matches!(b, b'"' | b'\''))
            .unwrap_or(0)];
        prefix
            .iter()
            .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
    }

    fn remember_line(&mut self, line: u32) {
        if self.snippet_lines.insert(line) {
            let text = crate::source::snippet_of(self.index.line_text(line));
            self.facts.snippets.push((line, text));
        }
    }

    // ------------------------------------------------------------------ pass 1: module facts

    /// `under` says whether the node runs under a deadline (inside `asyncio.wait_for(..)`'s
    /// arguments or an `async with asyncio.timeout(..)` body).
    fn at_module_level(&self, depth: usize) -> bool {
        depth == 1 || (depth == 2 && self.in_module_decorator)
    }

    fn collect(&mut self, node: Node<'_>, depth: usize, under: bool) {
        if depth > MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        let mut under_children = under;
        match node.tag() {
            Tag::ImportStatement => self.collect_import(node),
            Tag::ImportFromStatement => self.collect_from_import(node),
            Tag::FunctionDefinition | Tag::ClassDefinition => {
                if self.at_module_level(depth) {
                    if let Some(name) = node.child_by_field_id(F.name) {
                        self.module_defs.insert(self.text(name).to_string());
                    }
                }
                // A body runs when it is called, not where it is defined.
                under_children = false;
            }
            Tag::ExpressionStatement if self.at_module_level(depth) => {
                self.collect_module_assignment(node)
            }
            Tag::Assignment | Tag::AugmentedAssignment => self.collect_rebinding(node),
            Tag::GlobalStatement => {
                let names: Vec<String> = node
                    .named_children()
                    .map(|n| self.text(n).to_string())
                    .collect();
                self.rebound.extend(names);
            }
            Tag::Call => return self.collect_call(node, depth, under),
            Tag::WithStatement => return self.collect_with(node, depth, under),
            Tag::String if !self.may_interpolate(node) => return,
            _ => {}
        }
        // Module level is the module's children and the definitions of its decorated ones.
        let saved = self.in_module_decorator;
        self.in_module_decorator = depth == 1 && node.tag() == Tag::DecoratedDefinition;
        for_each_walked_child(node, depth + 1, |child| {
            self.collect(child, depth + 1, under_children)
        });
        self.in_module_decorator = saved;
    }

    /// Counts the call site of a function name; a deadline's arguments run under it.
    fn collect_call(&mut self, call: Node<'_>, depth: usize, under: bool) {
        let function = call.child_by_field_id(F.function);
        if let Some(f) = function {
            // `KWARGS.update(..)`: a module dict changed in place is no constant.
            if f.kind_name() == "attribute" {
                let object = f.child_by_field_id(F.object).and_then(root_name);
                let method = f.child_by_field_id(F.attribute).map(|m| self.text(m));
                if let (Some(object), Some(method)) = (object, method) {
                    if MUTATING_METHODS.contains(&method) {
                        self.rebound.insert(self.text(object).to_string());
                    }
                }
            }
            let name = match f.kind_name() {
                "attribute" => f.child_by_field_id(F.attribute),
                "identifier" => Some(f),
                _ => None,
            };
            if let Some(name) = name {
                // Most names are called more than once: count in place, copy a name once.
                let name = self.text(name);
                match self.call_sites.get_mut(name) {
                    Some(sites) => {
                        sites.0 += 1;
                        sites.1 += usize::from(under);
                    }
                    None => {
                        self.call_sites
                            .insert(name.to_string(), (1, usize::from(under)));
                    }
                }
            }
            self.collect(f, depth + 1, under);
        }
        let args = call.child_by_field_id(F.arguments);
        let qualname = function.and_then(|f| self.qualname_raw(f));
        let sets_deadline = self.sets_deadline(qualname.as_deref(), args);
        if let Some(args) = args {
            self.collect(args, depth + 1, under || sets_deadline);
        }
    }

    fn collect_with(&mut self, node: Node<'_>, depth: usize, under: bool) {
        let mut body_under = under;
        let children: Vec<Node> = node.children().collect();
        for child in children {
            if child.kind_name() == "with_clause" {
                body_under |= self.with_sets_deadline(child);
                self.collect(child, depth + 1, under);
            } else {
                self.collect(child, depth + 1, body_under);
            }
        }
    }

    /// `X[k] = ..`, `X.attr = ..`, `X += ..`: a module name changed after it was assigned.
    fn collect_rebinding(&mut self, assign: Node<'_>) {
        let Some(left) = assign.child_by_field_id(F.left) else {
            return;
        };
        let target = match left.kind_name() {
            "subscript" | "attribute" => root_name(left),
            "identifier" if assign.kind_name() == "augmented_assignment" => Some(left),
            _ => None,
        };
        if let Some(t) = target {
            self.rebound.insert(self.text(t).to_string());
        }
    }

    /// The parts of a call every check reads, found once.
    fn call_parts<'t>(&self, call: Node<'t>) -> CallParts<'t> {
        let function = call.child_by_field_id(F.function);
        CallParts {
            function,
            arguments: call.child_by_field_id(F.arguments),
            qualname: function.and_then(|f| self.qualname_raw(f)),
        }
    }

    /// A call to a deadline wrapper whose delay is not a literal `None`, from the callee's
    /// qualified name and the call's arguments.
    fn sets_deadline(&self, callee: Option<&str>, args: Option<Node<'_>>) -> bool {
        let Some(spec) = callee.and_then(|c| self.catalog.deadline(Lang::Python, c)) else {
            return false;
        };
        let Some(args) = args else {
            return true;
        };
        let (args, _, _) = self.arguments(args);
        let delay = args
            .iter()
            .find(|a| a.name.is_some() && a.name == spec.delay)
            .or_else(|| args.iter().filter(|a| a.name.is_none()).nth(spec.position?));
        !delay.is_some_and(|a| a.value == Value::None)
    }

    /// `with asyncio.timeout(5):`, `async with anyio.fail_after(5) as scope:`.
    fn with_sets_deadline(&self, clause: Node<'_>) -> bool {
        let items: Vec<Node> = clause.named_children().collect();
        items.into_iter().any(|item| {
            let value = item.child_by_field_id(F.value);
            let expr = match value {
                Some(v) if v.kind_name() == "as_pattern" => v.named_child(0),
                other => other,
            };
            expr.is_some_and(|e| e.kind_name() == "call" && self.call_sets_deadline(e))
        })
    }

    fn call_sets_deadline(&self, call: Node<'_>) -> bool {
        let parts = self.call_parts(call);
        self.sets_deadline(parts.qualname.as_deref(), parts.arguments)
    }

    fn collect_import(&mut self, node: Node<'_>) {
        for name in node.children_by_field_id(F.name) {
            match name.kind_name() {
                "dotted_name" => {
                    // `import a.b` binds `a`, and `a.b.c` resolves through it.
                    let full = self.text(name);
                    let head = full.split('.').next().unwrap_or(full).trim();
                    self.aliases.insert(head.to_string(), head.to_string());
                }
                "aliased_import" => {
                    if let (Some(n), Some(a)) = (
                        name.child_by_field_id(F.name),
                        name.child_by_field_id(F.alias),
                    ) {
                        self.aliases
                            .insert(self.text(a).to_string(), dotted(self.text(n)));
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_from_import(&mut self, node: Node<'_>) {
        let Some(module) = node.child_by_field_id(F.module_name) else {
            return;
        };
        if module.kind_name() == "relative_import" {
            return;
        }
        let module = dotted(self.text(module));
        for name in node.children_by_field_id(F.name) {
            match name.kind_name() {
                "dotted_name" => {
                    let n = dotted(self.text(name));
                    self.aliases.insert(n.clone(), format!("{module}.{n}"));
                }
                "aliased_import" => {
                    if let (Some(n), Some(a)) = (
                        name.child_by_field_id(F.name),
                        name.child_by_field_id(F.alias),
                    ) {
                        let n = dotted(self.text(n));
                        self.aliases
                            .insert(self.text(a).to_string(), format!("{module}.{n}"));
                    }
                }
                _ => {}
            }
        }
    }

    /// `TIMEOUT = 30` at module level becomes a constant; `SESSION = requests.Session()` an object.
    fn collect_module_assignment(&mut self, stmt: Node<'_>) {
        let Some(assign) = stmt
            .named_child(0)
            .filter(|n| n.kind_name() == "assignment")
        else {
            return;
        };
        let (Some(left), Some(right)) = (
            assign.child_by_field_id(F.left),
            assign.child_by_field_id(F.right),
        ) else {
            return;
        };
        if left.kind_name() != "identifier" {
            return;
        }
        let name = self.text(left).to_string();
        let value = literal(self, right, 0);
        // Assigned twice: not a constant.
        match self.constants.get(&name) {
            Some(_) => {
                self.constants.insert(name.clone(), None);
            }
            None => {
                self.constants.insert(name.clone(), value);
            }
        }
        // Module objects are resolved lazily in pass 2, once every import is known.
        self.module_defs.insert(name);
    }

    // ------------------------------------------------------------------ name resolution

    /// The qualified name of a dotted expression, through import aliases; `None` for locals.
    fn qualname_raw(&self, node: Node<'_>) -> Option<String> {
        match node.kind_name() {
            "identifier" => {
                let name = self.text(node);
                if self.scopes.iter().any(|s| s.shadowed.contains(name)) {
                    return None;
                }
                // A module-level def or assignment of the same name shadows the import.
                if self.module_defs.contains(name) {
                    return None;
                }
                self.aliases.get(name).cloned()
            }
            "attribute" => {
                let object = node.child_by_field_id(F.object)?;
                let attr = node.child_by_field_id(F.attribute)?;
                let mut name = self.qualname_raw(object)?;
                name.push('.');
                name.push_str(self.text(attr));
                Some(name)
            }
            _ => None,
        }
    }

    /// The object an expression refers to: a local, `self.x`, a module global, or a
    /// constructor call right there (`requests.Session().get`).
    fn object_of(&self, node: Node<'_>, ctx: &Ctx) -> Option<Object> {
        match node.kind_name() {
            "identifier" => {
                let name = self.text(node);
                for scope in self.scopes.iter().rev() {
                    if let Some(o) = scope.objects.get(name) {
                        return Some(o.clone());
                    }
                    if scope.shadowed.contains(name) {
                        return None;
                    }
                }
                self.module_objects.get(name).cloned()
            }
            "attribute" => {
                let object = node.child_by_field_id(F.object)?;
                let attr = node.child_by_field_id(F.attribute)?;
                if object.kind_name() == "identifier" && matches!(self.text(object), "self" | "cls")
                {
                    let class = ctx.class?;
                    return self
                        .class_objects
                        .get(&class)?
                        .get(self.text(attr))
                        .cloned();
                }
                None
            }
            "call" => Some(Object {
                ty: self.constructed(node)?,
                attrs: Vec::new(),
                setters: Vec::new(),
            }),
            "parenthesized_expression" => self.object_of(node.named_child(0)?, ctx),
            _ => None,
        }
    }

    /// The catalogued type a constructor call makes, unless an argument makes the object local
    /// (`socket.socket(socket.AF_UNIX)`: no network peer to wait for).
    fn constructed(&self, call: Node<'_>) -> Option<String> {
        let callee = self.qualname_raw(call.child_by_field_id(F.function)?)?;
        let ty = self.catalog.constructed_type(Lang::Python, &callee)?;
        if let Some(spec) = self.catalog.type_spec(Lang::Python, ty) {
            if let Some(args) = call.child_by_field_id(F.arguments) {
                let local = args.named_children().any(|arg| {
                    let value = if arg.kind_name() == "keyword_argument" {
                        arg.child_by_field_id(F.value)
                    } else {
                        Some(arg)
                    };
                    value
                        .and_then(|v| self.qualname_raw(v))
                        .is_some_and(|q| spec.local_args.contains(&q))
                });
                if local {
                    return None;
                }
            }
        }
        Some(ty.to_string())
    }

    /// Where an object expression is stored, so configuration can be recorded on it.
    fn object_slot<'s>(&'s mut self, node: Node<'_>, ctx: &Ctx) -> Option<&'s mut Object> {
        match node.kind_name() {
            "identifier" => {
                let name = self.text(node).to_string();
                let depth = self
                    .scopes
                    .iter()
                    .rposition(|s| s.objects.contains_key(&name));
                match depth {
                    Some(d) => self.scopes[d].objects.get_mut(&name),
                    None => self.module_objects.get_mut(&name),
                }
            }
            "attribute" => {
                let object = node.child_by_field_id(F.object)?;
                let attr = node.child_by_field_id(F.attribute)?;
                if object.kind_name() == "identifier" && matches!(self.text(object), "self" | "cls")
                {
                    let attr = self.text(attr).to_string();
                    return self.class_objects.get_mut(&ctx.class?)?.get_mut(&attr);
                }
                None
            }
            _ => None,
        }
    }

    /// Binds `target` to the object constructed by `value`, if the catalog knows its type.
    fn bind(&mut self, target: Node<'_>, value: Node<'_>, ctx: &Ctx, at_module: bool) {
        let constructed = match value.kind_name() {
            "call" => self.constructed(value),
            "await" => value
                .named_child(0)
                .filter(|n| n.kind_name() == "call")
                .and_then(|c| self.constructed(c)),
            _ => None,
        };
        let object = constructed.map(|ty| Object {
            ty,
            attrs: Vec::new(),
            setters: Vec::new(),
        });
        match target.kind_name() {
            "identifier" => {
                let name = self.text(target).to_string();
                if at_module {
                    if let Some(o) = object {
                        self.module_objects.insert(name, o);
                    }
                    return;
                }
                if let Some(scope) = self.scopes.last_mut() {
                    match object {
                        Some(o) => {
                            scope.shadowed.remove(&name);
                            scope.objects.insert(name, o);
                        }
                        None => {
                            scope.objects.remove(&name);
                            scope.shadowed.insert(name);
                        }
                    }
                }
            }
            "attribute" => {
                let (Some(obj), Some(attr)) = (
                    target.child_by_field_id(F.object),
                    target.child_by_field_id(F.attribute),
                ) else {
                    return;
                };
                if obj.kind_name() == "identifier" && self.text(obj) == "self" {
                    if let (Some(class), Some(o)) = (ctx.class, object) {
                        let attr = self.text(attr).to_string();
                        self.class_objects.entry(class).or_default().insert(attr, o);
                        return;
                    }
                }
                // `session.timeout = 10`: an attribute set on a followed object.
                let attr_name = self.text(attr).to_string();
                let arg = Arg {
                    name: Some(attr_name),
                    value: literal(self, value, 0).unwrap_or(Value::Other),
                    span: self.span(target),
                };
                if let Some(slot) = self.object_slot(obj, ctx) {
                    slot.attrs.push(arg);
                }
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------ pass 2: facts

    fn emit(&mut self, node: Node<'_>, depth: usize, ctx: &Ctx) {
        if depth > MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.retry_node(node, ctx);
        self.failure_node(node, ctx);
        match node.tag() {
            Tag::FunctionDefinition => return self.emit_function(node, depth, ctx),
            Tag::ClassDefinition => return self.emit_class(node, depth, ctx),
            Tag::Assignment => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_id(F.left),
                    node.child_by_field_id(F.right),
                ) {
                    // Pass the value first: it is evaluated before the name is bound.
                    self.emit(right, depth + 1, ctx);
                    let at_module = self.scopes.is_empty();
                    self.note_clock_capture(left, right);
                    if at_module
                        && left.kind_name() == "identifier"
                        && self.text(left) == "DATABASES"
                    {
                        self.emit_django_databases(left, right, ctx);
                    }
                    self.bind(left, right, ctx, at_module);
                    self.obs_assignment(left, right);
                    if left.kind_name() != "identifier" {
                        self.emit(left, depth + 1, ctx);
                    }
                    return;
                }
            }
            Tag::WithStatement => return self.emit_with(node, depth, ctx),
            Tag::Call => return self.emit_call(node, depth, ctx),
            Tag::BinaryOperator | Tag::ComparisonOperator => self.clock_reads(node, ctx),
            Tag::String => {
                self.obs_string(node, ctx);
                if !self.may_interpolate(node) {
                    return;
                }
            }
            Tag::ImportStatement | Tag::ImportFromStatement => self.obs_import(node, ctx),
            _ => {}
        }
        self.emit_children(node, depth, ctx);
    }

    fn emit_children(&mut self, node: Node<'_>, depth: usize, ctx: &Ctx) {
        for_each_walked_child(node, depth + 1, |child| self.emit(child, depth + 1, ctx));
    }

    fn emit_function(&mut self, node: Node<'_>, depth: usize, ctx: &Ctx) {
        self.service_function(node, ctx);
        let name = node
            .child_by_field_id(F.name)
            .map(|n| self.text(n))
            .unwrap_or("");
        let is_async = node.child(0).is_some_and(|c| c.kind_name() == "async");
        let ctx = Ctx {
            in_async: is_async,
            under_deadline: ctx.under_deadline || self.deadline_fns.contains(name),
            ..ctx.clone()
        };
        let mut scope = Scope {
            objects: FxHashMap::default(),
            shadowed: FxHashSet::default(),
        };
        if let Some(params) = node.child_by_field_id(F.parameters) {
            for p in params.named_children() {
                let (name_node, annotation) = match p.kind_name() {
                    "identifier" => (Some(p), None),
                    "typed_parameter" => (p.named_child(0), p.child_by_field_id(F.type_)),
                    "default_parameter" => (p.child_by_field_id(F.name), None),
                    "typed_default_parameter" => {
                        (p.child_by_field_id(F.name), p.child_by_field_id(F.type_))
                    }
                    _ => (None, None),
                };
                let Some(name_node) = name_node.filter(|n| n.kind_name() == "identifier") else {
                    continue;
                };
                let pname = self.text(name_node).to_string();
                let annotated = annotation
                    .and_then(|t| t.named_child(0).or(Some(t)))
                    .and_then(|t| self.qualname_raw(t))
                    .filter(|q| self.catalog.knows_type(Lang::Python, q));
                match annotated {
                    Some(ty) => {
                        scope.objects.insert(
                            pname,
                            Object {
                                ty,
                                attrs: Vec::new(),
                                setters: Vec::new(),
                            },
                        );
                    }
                    None => {
                        scope.shadowed.insert(pname);
                    }
                }
            }
        }
        self.scopes.push(scope);
        if let Some(body) = node.child_by_field_id(F.body) {
            self.emit(body, depth + 1, &ctx);
        }
        self.scopes.pop();
    }

    fn emit_class(&mut self, node: Node<'_>, depth: usize, ctx: &Ctx) {
        let ctx = Ctx {
            class: Some(node.id()),
            ..ctx.clone()
        };
        let Some(body) = node.child_by_field_id(F.body) else {
            return;
        };
        // `self.x = ...` is usually set in `__init__`; visit it first so other methods see it.
        let members: Vec<Node> = body.named_children().collect();
        let is_init = |n: &Node| {
            let def = if n.kind_name() == "decorated_definition" {
                n.child_by_field_id(F.definition)
            } else {
                Some(*n)
            };
            def.and_then(|d| d.child_by_field_id(F.name))
                .is_some_and(|nm| self.text(nm) == "__init__")
        };
        let (init, rest): (Vec<Node>, Vec<Node>) = members.into_iter().partition(is_init);
        for member in init.into_iter().chain(rest) {
            self.emit(member, depth + 1, &ctx);
        }
    }

    fn emit_with(&mut self, node: Node<'_>, depth: usize, ctx: &Ctx) {
        let mut inner = ctx.clone();
        let clause = node.children().find(|c| c.kind_name() == "with_clause");
        if let Some(clause) = clause {
            let items: Vec<Node> = clause.named_children().collect();
            for item in items {
                let Some(value) = item.child_by_field_id(F.value) else {
                    continue;
                };
                let (expr, alias) = if value.kind_name() == "as_pattern" {
                    let alias = value
                        .child_by_field_id(F.alias)
                        .and_then(|a| a.named_child(0).or(Some(a)));
                    (value.named_child(0), alias)
                } else {
                    (Some(value), None)
                };
                let Some(expr) = expr else { continue };
                self.shutdown_with_item(expr);
                self.emit(expr, depth + 1, ctx);
                if expr.kind_name() == "call" && self.call_sets_deadline(expr) {
                    inner.under_deadline = true;
                }
                if let Some(alias) = alias {
                    self.bind(alias, expr, ctx, self.scopes.is_empty());
                }
            }
        }
        if let Some(body) = node.child_by_field_id(F.body) {
            self.emit(body, depth + 1, &inner);
        }
    }

    fn emit_call(&mut self, node: Node<'_>, depth: usize, ctx: &Ctx) {
        let parts = self.call_parts(node);
        self.retry_call(node, &parts, ctx);
        self.failure_call_site(node, &parts);
        self.obs_call(node, &parts, ctx);
        let function = parts.function;
        let args_node = parts.arguments;
        let sets_deadline = self.sets_deadline(parts.qualname.as_deref(), args_node);
        let mut callee = parts.qualname;
        let mut receiver = None;
        if let Some(f) = function.filter(|f| f.kind_name() == "attribute") {
            let object = f.child_by_field_id(F.object);
            let method = f
                .child_by_field_id(F.attribute)
                .map(|m| self.text(m).to_string());
            if let (Some(object), Some(method)) = (object, method) {
                if let Some(obj) = self.object_of(object, ctx) {
                    let configures =
                        self.catalog
                            .type_spec(Lang::Python, &obj.ty)
                            .is_some_and(|t| {
                                t.configured_by.contains(&method)
                                    || t.timeout_setters.contains(&method)
                            });
                    if configures {
                        self.record_setter(object, &method, args_node, ctx);
                    }
                    callee = Some(format!("{}.{method}", obj.ty));
                    receiver = Some(obj);
                }
            }
        }
        let mut inner = ctx.clone();
        if sets_deadline {
            inner.under_deadline = true;
        }
        self.service_call(node, callee.as_deref(), ctx);
        self.shutdown_call(node, function, args_node, callee.as_deref(), ctx);
        let fan_out = self.failure_call(node, callee.as_deref(), ctx);
        if let Some(callee) = callee {
            let is_fact = self.catalog.is_external(Lang::Python, &callee)
                || self
                    .catalog
                    .constructed_type(Lang::Python, &callee)
                    .is_some();
            if is_fact {
                let (args, forwards_args, forwards_kwargs) = match args_node {
                    Some(a) => self.arguments(a),
                    None => (Vec::new(), false, false),
                };
                let span = self.span(function.unwrap_or(node));
                self.remember_line(span.line);
                let fact = CallFact {
                    callee,
                    span: Span {
                        end_line: self.span(node).end_line,
                        end_col: self.span(node).end_col,
                        ..span
                    },
                    args,
                    forwards_kwargs,
                    forwards_args,
                    chain: Vec::new(),
                    receiver: receiver.map(|o| Receiver {
                        ty: o.ty,
                        attrs: o.attrs,
                        setters: o.setters,
                    }),
                    under_deadline: ctx.under_deadline,
                    in_test: ctx.in_test || self.file_is_test,
                    in_async: ctx.in_async,
                };
                self.facts.calls.push(fact);
            }
        }
        if let Some(f) = function {
            self.emit(f, depth + 1, ctx);
        }
        if let Some(a) = args_node {
            self.emit(a, depth + 1, &inner);
        }
        if let Some(started) = fan_out {
            self.failure_call_done(started);
        }
    }

    /// Django's `DATABASES = {"default": {"ENGINE": ..., "OPTIONS": {...}}}`: each database is a
    /// connection made by the ENGINE with OPTIONS as its keyword arguments, reported at ENGINE.
    fn emit_django_databases(&mut self, name: Node<'_>, value: Node<'_>, ctx: &Ctx) {
        // Changed after the literal (`DATABASES["default"]["OPTIONS"] = ...`): not what runs.
        if value.kind_name() != "dictionary" || self.rebound.contains(self.text(name)) {
            return;
        }
        let databases: Vec<Node> = value
            .named_children()
            .filter(|p| p.kind_name() == "pair")
            .filter_map(|p| p.child_by_field_id(F.value))
            .filter(|v| v.kind_name() == "dictionary")
            .collect();
        for db in databases {
            let pairs: Vec<Node> = db.named_children().collect();
            // `{**dj_database_url.config(), "ENGINE": ..}` may bring its own OPTIONS.
            if pairs.iter().any(|p| p.kind_name() == "dictionary_splat") {
                continue;
            }
            let entry = |key: &str| {
                pairs.iter().copied().find(|p| {
                    p.kind_name() == "pair"
                        && p.child_by_field_id(F.key)
                            .and_then(|k| literal(self, k, 0))
                            .is_some_and(|k| {
                                k == Value::Str {
                                    value: key.to_string(),
                                }
                            })
                })
            };
            let Some(engine) = entry("ENGINE") else {
                continue;
            };
            let Some(Value::Str { value: callee }) = engine
                .child_by_field_id(F.value)
                .and_then(|v| literal(self, v, 0))
            else {
                continue;
            };
            if !self.catalog.is_external(Lang::Python, &callee) {
                continue;
            }
            let options = entry("OPTIONS").and_then(|p| p.child_by_field_id(F.value));
            let (args, forwards_kwargs) = match options.map(|o| (o, literal(self, o, 0))) {
                None => (Vec::new(), false),
                Some((o, Some(Value::Dict { entries }))) => {
                    let span = self.span(o);
                    let args = entries
                        .into_iter()
                        .map(|(name, value)| Arg {
                            name: Some(name),
                            value,
                            span,
                        })
                        .collect();
                    (args, false)
                }
                // `"OPTIONS": env_options()`: cannot be read.
                Some(_) => (Vec::new(), true),
            };
            let span = self.span(engine);
            self.remember_line(span.line);
            self.facts.calls.push(CallFact {
                callee,
                span,
                args,
                forwards_kwargs,
                forwards_args: false,
                chain: Vec::new(),
                receiver: None,
                under_deadline: false,
                in_test: ctx.in_test || self.file_is_test,
                in_async: false,
            });
        }
    }

    /// `sock.settimeout(5)`, `session.mount("https://", adapter)`: configuration on an object.
    fn record_setter(&mut self, object: Node<'_>, method: &str, args: Option<Node<'_>>, ctx: &Ctx) {
        let setter_args = args.map(|a| self.arguments(a).0).unwrap_or_default();
        let span = self.span(object);
        let setter = ChainCall {
            method: method.to_string(),
            args: setter_args,
            span,
        };
        if let Some(slot) = self.object_slot(object, ctx) {
            slot.setters.push(setter);
        }
    }

    fn arguments(&self, node: Node<'_>) -> (Vec<Arg>, bool, bool) {
        let mut args = Vec::new();
        let (mut star, mut star_star) = (false, false);
        for child in node.named_children() {
            match child.kind_name() {
                "keyword_argument" => {
                    let name = child
                        .child_by_field_id(F.name)
                        .map(|n| self.text(n).to_string());
                    let value = child
                        .child_by_field_id(F.value)
                        .and_then(|v| literal(self, v, 0))
                        .unwrap_or(Value::Other);
                    args.push(Arg {
                        name,
                        value,
                        span: self.span(child),
                    });
                }
                "list_splat" => star = true,
                "dictionary_splat" => {
                    // `**DEFAULTS` where `DEFAULTS = {"timeout": 5}` is a module constant: read it.
                    let spread = child.named_child(0).and_then(|d| literal(self, d, 0));
                    match spread {
                        Some(Value::Dict { entries }) => {
                            args.extend(entries.into_iter().map(|(name, value)| Arg {
                                name: Some(name),
                                value,
                                span: self.span(child),
                            }))
                        }
                        _ => star_star = true,
                    }
                }
                "comment" => {}
                _ => args.push(Arg {
                    name: None,
                    value: literal(self, child, 0).unwrap_or(Value::Other),
                    span: self.span(child),
                }),
            }
        }
        (args, star, star_star)
    }

    // ------------------------------------------------------------------ wall clock (RES104)

    /// A wall-clock read inside arithmetic or a comparison that computes or checks a deadline.
    fn clock_reads(&mut self, node: Node<'_>, ctx: &Ctx) {
        // Only the outermost arithmetic or comparison decides.
        let mut parent = node.parent();
        while let Some(p) = parent.filter(|p| p.tag() == Tag::ParenthesizedExpression) {
            parent = p.parent();
        }
        if parent.is_some_and(|p| matches!(p.tag(), Tag::BinaryOperator | Tag::ComparisonOperator))
        {
            return;
        }
        let comparison = node.kind_name() == "comparison_operator";
        let mut reads = Vec::new();
        self.find_clock_calls(node, 0, &mut reads);
        if reads.is_empty() {
            return;
        }
        let text = self.text(node);
        // Comparing against file times or stored timestamps is wall-clock by nature.
        const WALL_BY_NATURE: [&str; 6] = ["mtime", "ctime", "atime", "timestamp", "st_", "getm"];
        if WALL_BY_NATURE.iter().any(|w| text.contains(w)) {
            return;
        }
        let target = assignment_target(node).map(|t| self.text(t));
        let words = name_parts(text).chain(target.into_iter().flat_map(name_parts));
        let (mut deadline_named, mut expiry_named) = (false, false);
        for part in words {
            deadline_named |= is_deadline_word(&part);
            expiry_named |= is_expiry_word(&part);
        }
        // A stored expiry (a token's, a cache entry's) is a wall-clock time on purpose.
        if expiry_named {
            return;
        }
        for (clock, call) in reads {
            let usage = if comparison {
                // `clock() - start > limit` where `start` was read from the same clock.
                let elapsed = self
                    .subtrahend(call)
                    .is_some_and(|s| self.clock_starts.contains(s));
                // `now() < deadline` where `deadline` was computed from the clock in this file.
                let against_capture = node
                    .named_children()
                    .any(|operand| self.clock_deadlines.contains(self.text(operand)));
                // datetime values are mostly compared with stored timestamps (database rows,
                // certificates): a deadline-like name alone is not enough for them.
                let precise = clock == "time.time" || clock == "time.time_ns";
                if !(elapsed || against_capture || (precise && deadline_named)) {
                    continue;
                }
                ClockUse::Compare
            } else {
                let is_add = node
                    .child_by_field_id(F.operator)
                    .is_some_and(|o| self.text(o) == "+");
                if !is_add || target.is_none() || !deadline_named {
                    continue;
                }
                ClockUse::Deadline
            };
            let span = self.span(call);
            self.remember_line(span.line);
            self.facts.clock_reads.push(ClockRead {
                clock,
                usage,
                span,
                in_test: ctx.in_test || self.file_is_test,
            });
        }
    }

    /// Remembers `start = time.time()` and `deadline = <clock or start> + d` for RES104.
    fn note_clock_capture(&mut self, left: Node<'_>, right: Node<'_>) {
        let name = self.text(left).to_string();
        if self.is_wall_clock_read(right) {
            self.clock_starts.insert(name);
            return;
        }
        let is_add = right.kind_name() == "binary_operator"
            && right
                .child_by_field_id(F.operator)
                .is_some_and(|o| self.text(o) == "+");
        if !is_add {
            return;
        }
        let from_clock = right.named_children().any(|operand| {
            self.is_wall_clock_read(operand) || self.clock_starts.contains(self.text(operand))
        });
        let mut deadline_named = false;
        let mut expiry_named = false;
        for part in name_parts(&name) {
            deadline_named |= is_deadline_word(&part);
            expiry_named |= is_expiry_word(&part);
        }
        if from_clock && deadline_named && !expiry_named {
            self.clock_deadlines.insert(name);
        }
    }

    /// `start = time.time()`: a plain read of the wall clock.
    fn is_wall_clock_read(&self, node: Node<'_>) -> bool {
        node.kind_name() == "call"
            && node
                .child_by_field_id(F.function)
                .and_then(|f| self.qualname_raw(f))
                .is_some_and(|c| WALL_CLOCKS.contains(&c.as_str()))
    }

    /// `start` in `time.time() - start`: what is taken from a clock read.
    fn subtrahend(&self, call: Node<'_>) -> Option<&'a str> {
        let mut node = call;
        while let Some(p) = node
            .parent()
            .filter(|p| p.kind_name() == "parenthesized_expression")
        {
            node = p;
        }
        let parent = node
            .parent()
            .filter(|p| p.kind_name() == "binary_operator")?;
        let is_minus = parent
            .child_by_field_id(F.operator)
            .is_some_and(|o| self.text(o) == "-");
        let left = parent.child_by_field_id(F.left)?;
        (is_minus && left.id() == node.id())
            .then(|| parent.child_by_field_id(F.right))?
            .map(|r| self.text(r))
    }

    fn find_clock_calls<'t>(
        &self,
        node: Node<'t>,
        depth: usize,
        out: &mut Vec<(String, Node<'t>)>,
    ) {
        if depth > 16 {
            return;
        }
        match node.kind_name() {
            "call" => {
                let callee = node
                    .child_by_field_id(F.function)
                    .and_then(|f| self.qualname_raw(f));
                if let Some(c) = callee {
                    if WALL_CLOCKS.contains(&c.as_str()) {
                        out.push((c, node));
                    }
                }
                return;
            }
            "binary_operator"
            | "comparison_operator"
            | "parenthesized_expression"
            | "unary_operator" => {}
            _ => return,
        }
        for child in node.named_children() {
            self.find_clock_calls(child, depth + 1, out);
        }
    }
}

/// Methods that change a dict or list in place.
const MUTATING_METHODS: [&str; 7] = [
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "append",
    "extend",
];

/// Name parts that mark a deadline (besides anything containing `deadline` or `timeout`).
const DEADLINE_WORDS: [&str; 4] = ["until", "end", "stop", "cutoff"];

fn is_deadline_word(part: &str) -> bool {
    part.contains("deadline") || part.contains("timeout") || DEADLINE_WORDS.contains(&part)
}

fn is_expiry_word(part: &str) -> bool {
    part.starts_with("expir") || part == "exp" || part == "ttl"
}

/// The lowercase `_`-separated parts of every name in an expression's text.
fn name_parts(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .flat_map(|word| word.split('_'))
        .filter(|part| !part.is_empty())
        .map(str::to_ascii_lowercase)
}

const WALL_CLOCKS: [&str; 5] = [
    "time.time",
    "time.time_ns",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
];

/// The name a subscript or attribute chain starts from: `DATABASES` in `DATABASES["default"]["NAME"]`.
fn root_name(node: Node<'_>) -> Option<Node<'_>> {
    match node.kind_name() {
        "identifier" => Some(node),
        "subscript" => root_name(node.child_by_field_id(F.value)?),
        "attribute" => root_name(node.child_by_field_id(F.object)?),
        _ => None,
    }
}

fn assignment_target(node: Node<'_>) -> Option<Node<'_>> {
    let parent = node.parent()?;
    match parent.kind_name() {
        "assignment" | "augmented_assignment" => parent.child_by_field_id(F.left),
        _ => None,
    }
}

fn dotted(text: &str) -> String {
    if !text.chars().any(char::is_whitespace) {
        return text.to_string();
    }
    text.split('.').map(str::trim).collect::<Vec<_>>().join(".")
}

/// The value of an expression as far as a reader can tell without running it.
fn literal(x: &Extractor<'_, '_>, node: Node<'_>, depth: usize) -> Option<Value> {
    if depth > 8 {
        return Some(Value::Other);
    }
    let value = match node.kind_name() {
        "none" => Value::None,
        "true" => Value::Bool { value: true },
        "false" => Value::Bool { value: false },
        "integer" | "float" => match number(x.text(node)) {
            Some(v) => Value::Number { value: v },
            None => Value::Other,
        },
        "unary_operator" => {
            let operand = node.child_by_field_id(F.argument)?;
            let op = node.child_by_field_id(F.operator).map(|o| x.text(o));
            match (op, literal(x, operand, depth + 1)) {
                (Some("-"), Some(Value::Number { value })) => Value::Number { value: -value },
                _ => Value::Other,
            }
        }
        "binary_operator" => {
            let l = literal(x, node.child_by_field_id(F.left)?, depth + 1);
            let r = literal(x, node.child_by_field_id(F.right)?, depth + 1);
            let op = node.child_by_field_id(F.operator).map(|o| x.text(o));
            let number = |v: Option<Value>| match v {
                Some(Value::Number { value }) => Some((value, false)),
                Some(Value::ShownSeconds { value }) => Some((value, true)),
                _ => None,
            };
            match (number(l), number(r), op) {
                (Some((a, a_shown)), Some((b, b_shown)), Some(op)) => {
                    let value = match op {
                        "+" => a + b,
                        "-" => a - b,
                        "*" => a * b,
                        "/" if b != 0.0 => a / b,
                        "**" => a.powf(b),
                        _ => return Some(Value::Other),
                    };
                    // `15 * 60` counts minutes in seconds; `5 * 60 * 1000` is milliseconds again.
                    let shown = match op {
                        "*" => {
                            let factor_is = |n: f64| a == n || b == n;
                            (a_shown || b_shown || factor_is(60.0) || factor_is(3600.0))
                                && !factor_is(1000.0)
                        }
                        "+" | "-" => a_shown || b_shown,
                        _ => false,
                    };
                    if shown {
                        Value::ShownSeconds { value }
                    } else {
                        Value::Number { value }
                    }
                }
                _ => Value::Other,
            }
        }
        "string" | "concatenated_string" => Value::Str {
            value: string_content(x, node),
        },
        "tuple" => {
            let items = node
                .named_children()
                .filter(|c| c.kind_name() != "comment")
                .map(|c| literal(x, c, depth + 1).unwrap_or(Value::Other))
                .collect();
            Value::Tuple { items }
        }
        "parenthesized_expression" => return literal(x, node.named_child(0)?, depth + 1),
        "dictionary" => {
            let mut entries = Vec::new();
            for pair in node.named_children() {
                if pair.kind_name() == "dictionary_splat" {
                    return Some(Value::Other);
                }
                if pair.kind_name() != "pair" {
                    continue;
                }
                let key = pair
                    .child_by_field_id(F.key)
                    .and_then(|k| literal(x, k, depth + 1));
                let value = pair
                    .child_by_field_id(F.value)
                    .and_then(|v| literal(x, v, depth + 1))
                    .unwrap_or(Value::Other);
                if let Some(Value::Str { value: k }) = key {
                    entries.push((k, value));
                }
            }
            Value::Dict { entries }
        }
        "call" => {
            let function = node.child_by_field_id(F.function)?;
            let callee = x.qualname_raw(function);
            let args = node.child_by_field_id(F.arguments);
            match (callee, args) {
                (Some(c), Some(a)) => {
                    if c == "float" || x.text(function) == "float" {
                        let arg = a.named_child(0).map(|n| x.text(n).to_ascii_lowercase());
                        if arg.is_some_and(|s| s.contains("inf")) {
                            return Some(Value::Unlimited);
                        }
                    }
                    let (args, _, star_star) = x.arguments(a);
                    if star_star {
                        Value::Other
                    } else {
                        Value::Call { callee: c, args }
                    }
                }
                _ => {
                    let name = x.text(function);
                    let arg = args
                        .and_then(|a| a.named_child(0))
                        .map(|n| x.text(n).to_ascii_lowercase());
                    if name == "float" && arg.is_some_and(|s| s.contains("inf")) {
                        Value::Unlimited
                    } else {
                        Value::Other
                    }
                }
            }
        }
        "attribute" => match x.qualname_raw(node).as_deref() {
            Some("math.inf") => Value::Unlimited,
            _ => Value::Other,
        },
        "identifier" => {
            let name = x.text(node);
            let local = x
                .scopes
                .iter()
                .any(|s| s.shadowed.contains(name) || s.objects.contains_key(name));
            match x.constants.get(name) {
                Some(Some(v)) if !local => v.clone(),
                _ => Value::Other,
            }
        }
        _ => Value::Other,
    };
    Some(value)
}

fn string_content(x: &Extractor<'_, '_>, node: Node<'_>) -> String {
    let mut out = String::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "string_content" {
            out.push_str(x.text(n));
            continue;
        }
        let first = stack.len();
        stack.extend(n.named_children());
        stack[first..].reverse();
    }
    out
}

fn number(text: &str) -> Option<f64> {
    let t = text.replace('_', "").to_ascii_lowercase();
    let t = t.trim_end_matches(['j', 'l']);
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(|v| v as f64);
    }
    if let Some(bin) = t.strip_prefix("0b") {
        return i64::from_str_radix(bin, 2).ok().map(|v| v as f64);
    }
    t.parse().ok()
}
