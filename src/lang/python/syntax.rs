//! A parsed file's syntax tree copied into one array by a single cursor walk, which the checks
//! read instead of tree-sitter's nodes. Reading a child, a field or a parent from tree-sitter
//! scans the subtrees under a node (a parent is found by walking down from the root); here each
//! is an index into the array, and the array is read in the order the walks visit it.

use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;

/// No node: the root's parent, the last child's next sibling.
const NONE: u32 = u32::MAX;

/// Which kinds have fields, by kind id, from the grammar's list of node types: the children of
/// any other kind fill none, and the cursor is not asked (its answer walks up the subtrees).
static HAS_FIELDS: LazyLock<Vec<bool>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    struct NodeType {
        #[serde(rename = "type")]
        kind: String,
        named: bool,
        #[serde(default)]
        fields: serde_json::Map<String, serde_json::Value>,
    }
    let types: Vec<NodeType> = serde_json::from_str(tree_sitter_python::NODE_TYPES)
        .expect("tree-sitter-python's node types are JSON");
    let with_fields: Vec<(&str, bool)> = types
        .iter()
        .filter(|t| !t.fields.is_empty())
        .map(|t| (t.kind.as_str(), t.named))
        .collect();
    let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    // Several ids can share a name (aliases): each is looked up.
    (0..lang.node_kind_count())
        .map(|id| {
            let id = u16::try_from(id).unwrap_or(u16::MAX);
            let kind = (
                lang.node_kind_for_id(id).unwrap_or(""),
                lang.node_kind_is_named(id),
            );
            with_fields.contains(&kind)
        })
        .collect()
});

/// A node in pre-order: its first child, when it has children, is the next entry.
#[derive(Clone, Copy)]
struct Entry {
    kind: u16,
    /// The field the node fills in its parent, 0 for none.
    field: u8,
    named: bool,
    start: u32,
    end: u32,
    parent: u32,
    next_sibling: u32,
}

/// Every node of a tree-sitter tree, named and anonymous, extras (comments) included.
pub(super) struct SyntaxTree {
    entries: Vec<Entry>,
}

thread_local! {
    /// The array of the thread's last tree, kept for its next: a file's array is as large as
    /// the file, and allocating it anew for each file costs more than filling it.
    static SPARE: std::cell::Cell<Vec<Entry>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Drop for SyntaxTree {
    fn drop(&mut self) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.clear();
        SPARE.set(entries);
    }
}

impl SyntaxTree {
    pub(super) fn new(tree: &tree_sitter::Tree) -> SyntaxTree {
        let mut entries = SPARE.take();
        // Python has about one node for every five bytes: room for a few more.
        entries.reserve(tree.root_node().end_byte() / 4 + 1);
        let has_fields: &[bool] = &HAS_FIELDS;
        let mut cursor = tree.walk();
        entries.push(entry(&cursor, false, NONE));
        // The entry the cursor is on.
        let mut current = 0;
        'walk: loop {
            if cursor.goto_first_child() {
                let parent = current;
                current = push_child(&mut entries, &cursor, has_fields, parent);
                continue;
            }
            loop {
                let parent = entries[current].parent;
                if cursor.goto_next_sibling() {
                    let sibling = push_child(&mut entries, &cursor, has_fields, parent as usize);
                    entries[current].next_sibling = sibling as u32;
                    current = sibling;
                    continue 'walk;
                }
                if parent == NONE || !cursor.goto_parent() {
                    break 'walk;
                }
                current = parent as usize;
            }
        }
        SyntaxTree { entries }
    }

    pub(super) fn root(&self) -> Node<'_> {
        Node {
            tree: self,
            index: 0,
        }
    }
}

fn entry(cursor: &tree_sitter::TreeCursor<'_>, may_have_field: bool, parent: u32) -> Entry {
    let node = cursor.node();
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    // The grammar has a few dozen fields; `Fields` reads none past a byte.
    let field = if may_have_field {
        cursor
            .field_id()
            .map_or(0, |f| u8::try_from(f.get()).unwrap_or(0))
    } else {
        0
    };
    Entry {
        kind: node.kind_id(),
        field,
        named: node.is_named(),
        start: to_u32(node.start_byte()),
        end: to_u32(node.end_byte()),
        parent,
        next_sibling: NONE,
    }
}

/// Appends the node under the cursor, a child of `parent`; `has_fields` is `HAS_FIELDS`.
fn push_child(
    entries: &mut Vec<Entry>,
    cursor: &tree_sitter::TreeCursor<'_>,
    has_fields: &[bool],
    parent: usize,
) -> usize {
    let index = entries.len();
    let may_have_field = has_fields
        .get(usize::from(entries[parent].kind))
        .copied()
        .unwrap_or(false);
    entries.push(entry(cursor, may_have_field, parent as u32));
    index
}

/// A node of a `SyntaxTree`, read like tree-sitter's `Node`.
#[derive(Clone, Copy)]
pub(super) struct Node<'t> {
    tree: &'t SyntaxTree,
    index: u32,
}

impl<'t> Node<'t> {
    fn entry(&self) -> &'t Entry {
        &self.tree.entries[self.index as usize]
    }

    fn at(&self, index: u32) -> Option<Node<'t>> {
        (index != NONE).then_some(Node {
            tree: self.tree,
            index,
        })
    }

    /// Unique within the tree.
    pub(super) fn id(&self) -> usize {
        self.index as usize
    }

    pub(super) fn kind_id(&self) -> u16 {
        self.entry().kind
    }

    pub(super) fn is_named(&self) -> bool {
        self.entry().named
    }

    pub(super) fn start_byte(&self) -> usize {
        self.entry().start as usize
    }

    pub(super) fn end_byte(&self) -> usize {
        self.entry().end as usize
    }

    pub(super) fn byte_range(&self) -> Range<usize> {
        self.start_byte()..self.end_byte()
    }

    pub(super) fn parent(&self) -> Option<Node<'t>> {
        self.at(self.entry().parent)
    }

    pub(super) fn has_children(&self) -> bool {
        let first = self.index as usize + 1;
        self.tree
            .entries
            .get(first)
            .is_some_and(|e| e.parent == self.index)
    }

    /// The children in order, anonymous ones (punctuation, keywords) included.
    pub(super) fn children(&self) -> Children<'t> {
        Children {
            tree: self.tree,
            next: if self.has_children() {
                self.index + 1
            } else {
                NONE
            },
        }
    }

    pub(super) fn named_children(&self) -> impl Iterator<Item = Node<'t>> + use<'t> {
        self.children().filter(Node::is_named)
    }

    pub(super) fn child(&self, i: usize) -> Option<Node<'t>> {
        self.children().nth(i)
    }

    pub(super) fn named_child(&self, i: usize) -> Option<Node<'t>> {
        self.named_children().nth(i)
    }

    pub(super) fn named_child_count(&self) -> usize {
        self.named_children().count()
    }

    /// The first child in the field.
    pub(super) fn child_by_field_id(&self, field: u8) -> Option<Node<'t>> {
        if field == 0 {
            return None;
        }
        self.children_by_field_id(field).next()
    }

    pub(super) fn children_by_field_id(
        &self,
        field: u8,
    ) -> impl Iterator<Item = Node<'t>> + use<'t> {
        self.children().filter(move |c| c.entry().field == field)
    }
}

pub(super) struct Children<'t> {
    tree: &'t SyntaxTree,
    next: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        let node = Node {
            tree: self.tree,
            index: self.next,
        };
        if self.next == NONE {
            return None;
        }
        self.next = node.entry().next_sibling;
        Some(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the copy against tree-sitter's own reading of every node: kind, range, children
    /// in order, parent and each field.
    /// A `match` statement's block is in two fields, `body` and `alternative` (which its case
    /// clauses fill); the cursor names the first, and no check reads `alternative`.
    const SECOND_FIELD: &str = "alternative";

    fn assert_same(ts: tree_sitter::Node<'_>, node: Node<'_>, field_count: u8) {
        assert_eq!(ts.kind_id(), node.kind_id());
        assert_eq!(ts.is_named(), node.is_named());
        assert_eq!(ts.byte_range(), node.byte_range());
        assert_eq!(
            ts.parent().map(|p| p.byte_range()),
            node.parent().map(|p| p.byte_range())
        );
        let lang = ts.language();
        for field in 1..=field_count {
            if lang.field_name_for_id(u16::from(field)) == Some(SECOND_FIELD) {
                continue;
            }
            assert_eq!(
                ts.child_by_field_id(u16::from(field))
                    .map(|c| (c.kind_id(), c.byte_range())),
                node.child_by_field_id(field)
                    .map(|c| (c.kind_id(), c.byte_range())),
                "field {field} of {} at {:?}",
                ts.kind(),
                ts.byte_range()
            );
        }
        let mut cursor = ts.walk();
        let ts_children: Vec<_> = ts.children(&mut cursor).collect();
        let children: Vec<_> = node.children().collect();
        assert_eq!(ts_children.len(), children.len());
        assert_eq!(ts.named_child_count(), node.named_child_count());
        for (ts_child, child) in ts_children.into_iter().zip(children) {
            assert_same(ts_child, child, field_count);
        }
    }

    #[test]
    fn the_copy_reads_every_node_as_tree_sitter_does() {
        let source = "import requests as rq  # client\n\
            @retry(stop=stop_after_attempt(3))\n\
            async def fetch(url, *, timeout=5):\n\
            \x20   '''Doc.'''\n\
            \x20   async with session.get(url, timeout=timeout) as r:\n\
            \x20       return f\"{r.status} {await r.text()!r:>10}\"\n\
            class C(Base, metaclass=M):\n\
            \x20   x: int = -1 + 2 * 3\n\
            \x20   def m(self): return [y for y in self.z if not y] or {k: v for k, v in d}\n\
            try:\n    pass\nexcept (A, B) as e:\n    raise\n\
            def broken(:\n    pass\n";
        assert_copied(source);
    }

    #[test]
    fn the_copy_of_every_python_fixture_reads_as_tree_sitter_does() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/python");
        let mut files = 0;
        for entry in ignore::Walk::new(fixtures) {
            let entry = entry.expect("fixtures are readable");
            if entry.path().extension().is_some_and(|e| e == "py") {
                let bytes = std::fs::read(entry.path()).expect("fixture is readable");
                assert_copied(&String::from_utf8_lossy(&bytes));
                files += 1;
            }
        }
        assert!(files > 50, "only {files} Python fixtures found");
    }

    fn assert_copied(source: &str) {
        let tree = super::super::parse(source).expect("parses");
        let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let field_count = u8::try_from(lang.field_count()).expect("under 256 fields");
        let syntax = SyntaxTree::new(&tree);
        assert_same(tree.root_node(), syntax.root(), field_count);
    }
}
