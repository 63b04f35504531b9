//! API knowledge that the rules use, loaded from `rules/catalog/*.toml` (compiled in) and
//! extended from user config: which calls are external, how each one takes its timeout,
//! and what the library does when none is given.

pub mod observability;

use rustc_hash::FxHashMap;

use serde::Deserialize;

use crate::facts::Lang;
use crate::versions::{Pins, Version, VersionReq};

mod retries;
pub use retries::*;
mod breakers;
pub use breakers::BreakerSpec;
mod shutdown;
pub use shutdown::{LifecycleSpec, ServeSpec, ShutdownCatalog, SignalSpec};

/// The catalog files shipped in the binary: every `rules/catalog/*.toml`, listed by `build.rs`.
pub const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

impl Default for OneOrMany {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

/// What a library does when the caller gives no timeout.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum DefaultTimeout {
    /// A finite number of seconds.
    Seconds(f64),
    Named(NamedDefault),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamedDefault {
    /// Waits forever.
    None,
    /// Bounds the connection only; reads wait forever.
    ConnectOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    S,
    Ms,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionedDefault {
    /// `">=8.1"`, `"<3"`, `">=2, <3"`.
    pub range: String,
    pub default: Option<DefaultTimeout>,
    #[serde(default)]
    pub long_default: bool,
    /// Replaces the entry's fix for these versions.
    pub fix: Option<String>,
}

/// An external call and how it is bounded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    pub lang: Lang,
    pub call: OneOrMany,
    /// The PyPI or crates.io package whose pinned version selects the default.
    pub package: Option<String>,
    /// What the call does, for messages: "HTTP request", "database connection".
    pub what: String,
    /// Keyword arguments (Python) or builder methods (Rust) that bound the whole call.
    #[serde(default)]
    pub timeout: OneOrMany,
    /// Parameters that bound only part of it (the connection).
    #[serde(default)]
    pub partial: Vec<String>,
    /// Zero-based positional index of the timeout parameter.
    pub position: Option<usize>,
    #[serde(default)]
    pub unit: Unit,
    /// The behaviour with no timeout; absent means the rule has nothing to say when it is missing.
    pub default: Option<DefaultTimeout>,
    /// The default is finite but far too long (RES103 even when nobody chose it).
    #[serde(default)]
    pub long_default: bool,
    #[serde(default)]
    pub versions: Vec<VersionedDefault>,
    /// What the unpinned default above assumes, for messages: "redis-py < 8.1".
    pub assumes: Option<String>,
    /// Rust builders: only a chain that ends in one of these is judged (a builder passed on
    /// elsewhere may be finished with a timeout there).
    #[serde(default)]
    pub finish: Vec<String>,
    /// A string argument (DSN, URL) containing one of these texts (any case) carries the timeout.
    #[serde(default)]
    pub dsn_key: OneOrMany,
    /// When set, the call is judged only when its URL (first positional or `url=`) starts with
    /// one of these (any case): the drivers whose default the entry describes.
    #[serde(default)]
    pub dsn_drivers: Vec<String>,
    /// Keyword arguments that hand the call an object carrying its own settings
    /// (`connection_pool=`, `http_client=`): the timeout is decided where that object is made.
    #[serde(default)]
    pub configured_by: Vec<String>,
    /// The timeout parameter takes `(connect, read)` tuples.
    #[serde(default)]
    pub tuple: bool,
    /// Passing `None` selects the library default instead of switching the timeout off.
    #[serde(default)]
    pub none_is_default: bool,
    /// Calls under `asyncio.wait_for`/`tokio::time::timeout` are bounded (default true).
    #[serde(default = "yes")]
    pub deadline_bounds: bool,
    /// The call waits on a network peer, so a few milliseconds is too short to be meant
    /// (RES105); false for general deadlines such as `tokio::time::timeout` (default true).
    #[serde(default = "yes")]
    pub network: bool,
    /// Methods on the same object, one of which must come first in the function for the call
    /// to wait on a peer: a UDP `recv` after a `send` awaits a reply, while a server's receive
    /// loop waits for clients by design.
    #[serde(default)]
    pub after: Vec<String>,
    pub fix: String,
}

fn yes() -> bool {
    true
}

/// An object type whose methods are external calls, and how it is created and configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    pub lang: Lang,
    pub name: String,
    #[serde(default)]
    pub constructors: Vec<String>,
    /// Attributes that look like they set a timeout and do nothing: requests' `session.timeout`.
    #[serde(default)]
    pub ignored_attrs: Vec<String>,
    /// Methods or attributes through which a wrapper may add a timeout to every call
    /// (`session.mount(prefix, TimeoutAdapter())`, `session.request = partial(...)`).
    #[serde(default)]
    pub configured_by: Vec<String>,
    /// Values given to `configured_by` that add no timeout (the stock adapter).
    #[serde(default)]
    pub stock: Vec<String>,
    /// Methods that set the object's own timeout: `sock.settimeout(5)`.
    #[serde(default)]
    pub timeout_setters: Vec<String>,
    /// Constructor arguments that make the object local, with no peer to wait for
    /// (`socket.AF_UNIX`): such an object is not followed.
    #[serde(default)]
    pub local_args: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartRole {
    /// Sets every part at once (httpx `Timeout(10)`).
    All,
    /// Bounds the whole operation.
    Total,
    Connect,
    Read,
    /// Counted for nothing (pool, write).
    Other,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    pub name: String,
    pub position: Option<usize>,
    pub role: PartRole,
    pub default: Option<DefaultTimeout>,
}

/// A value object that carries a timeout: `httpx.Timeout`, `aiohttp.ClientTimeout`, botocore `Config`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutObjectSpec {
    pub lang: Lang,
    pub call: OneOrMany,
    #[serde(default)]
    pub unit: Unit,
    pub parts: Vec<PartSpec>,
}

/// A call that puts a deadline on what runs inside it: `asyncio.wait_for`, `tokio::time::timeout`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineSpec {
    pub lang: Lang,
    pub call: OneOrMany,
    /// The keyword that gives the delay; a literal `None` there sets no deadline
    /// (`asyncio.wait_for(aw, timeout=None)`).
    pub delay: Option<String>,
    /// Zero-based positional index of the delay.
    pub position: Option<usize>,
}

/// One catalog file; every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogFile {
    pub calls: Vec<CallSpec>,
    pub types: Vec<TypeSpec>,
    pub timeout_objects: Vec<TimeoutObjectSpec>,
    pub deadlines: Vec<DeadlineSpec>,
    pub frameworks: Vec<crate::service::FrameworkSpec>,
    pub routing: Vec<crate::service::RoutingSpec>,
    pub dependencies: Vec<crate::service::DependencySpec>,
    pub health: Option<crate::service::HealthSpec>,
    pub retry_libraries: Vec<RetryLibrarySpec>,
    pub retry_policies: Vec<RetryPolicySpec>,
    pub retry_strategies: Vec<RetryStrategySpec>,
    pub retry_errors: Vec<RetryErrorSpec>,
    pub retry_clients: Vec<RetryClientSpec>,
    pub sleeps: Vec<SleepSpec>,
    pub breakers: Vec<BreakerSpec>,
    /// Calls with a role for the partial-failure and bulkhead rules (queue, pool, blocking...).
    pub apis: Vec<crate::api_roles::ApiSpec>,
    pub serves: Vec<ServeSpec>,
    pub signals: Vec<SignalSpec>,
    pub lifecycle: Option<LifecycleSpec>,
    pub observability: Vec<observability::ObsSpec>,
    pub observability_types: Vec<observability::ObsTypeSpec>,
}

/// Entries by language and name, looked up with a `&str`: the front ends look names up for
/// every call, and a `(Lang, String)` key would allocate for each lookup.
#[derive(Debug)]
pub(crate) struct ByLang<V> {
    python: FxHashMap<String, V>,
    rust: FxHashMap<String, V>,
}

impl<V> Default for ByLang<V> {
    fn default() -> Self {
        ByLang {
            python: FxHashMap::default(),
            rust: FxHashMap::default(),
        }
    }
}

impl<V> ByLang<V> {
    fn side(&self, lang: Lang) -> &FxHashMap<String, V> {
        match lang {
            Lang::Python => &self.python,
            Lang::Rust => &self.rust,
        }
    }

    pub(crate) fn side_mut(&mut self, lang: Lang) -> &mut FxHashMap<String, V> {
        match lang {
            Lang::Python => &mut self.python,
            Lang::Rust => &mut self.rust,
        }
    }

    pub(crate) fn get(&self, lang: Lang, name: &str) -> Option<&V> {
        self.side(lang).get(name)
    }

    pub(crate) fn insert(&mut self, lang: Lang, name: String, value: V) {
        self.side_mut(lang).insert(name, value);
    }
}

/// The type of a `<type>.*` (Python) or `<type>::*` (Rust) name: all of its methods.
pub(crate) fn wildcard_type(lang: Lang, name: &str) -> Option<&str> {
    let suffix = if lang == Lang::Rust { "::*" } else { ".*" };
    name.strip_suffix(suffix)
}

/// `a::b::c` (Rust) or `a.b.c` (Python) → (`a::b`, `c`). Searched for one byte: names are
/// split for every call, and a substring search costs more than the name.
pub(crate) fn split_qualified(lang: Lang, name: &str) -> Option<(&str, &str)> {
    match lang {
        Lang::Python => name.rsplit_once('.'),
        Lang::Rust => {
            let at = name.rfind(':')?;
            let before = at.checked_sub(1).filter(|&b| name.as_bytes()[b] == b':')?;
            Some((&name[..before], &name[at + 1..]))
        }
    }
}

/// The merged catalog, indexed by qualified name.
#[derive(Debug, Default)]
pub struct Catalog {
    calls: ByLang<usize>,
    /// `<type>.*` / `<type>::*` entries by their type: every method of it.
    call_wildcards: ByLang<usize>,
    pub call_specs: Vec<CallSpec>,
    types: ByLang<TypeSpec>,
    constructors: ByLang<String>,
    /// Constructors given as globs (`*_pb2_grpc.*Stub`), tried when no exact one matches.
    constructor_globs: Vec<(Lang, String, String)>,
    timeout_objects: ByLang<TimeoutObjectSpec>,
    deadlines: ByLang<DeadlineSpec>,
    /// Web frameworks, routes and dependencies (`rules/catalog/services.toml`).
    pub services: crate::service::ServiceCatalog,
    pub retries: RetryCatalog,
    /// Circuit-breaker libraries; later entries for the same library replace earlier ones.
    breakers: Vec<BreakerSpec>,
    breaker_gates: breakers::BreakerGates,
    /// Servers, signals and client lifecycles (`rules/catalog/shutdown.toml`).
    pub shutdown: ShutdownCatalog,
    pub(crate) apis: crate::api_roles::ApiIndex,
    observability: observability::ObsCatalog,
    /// A stable digest of everything loaded, for the facts cache key.
    pub digest: u64,
}

impl Catalog {
    /// The built-in catalog; the shipped files are checked by tests, so a failure here is a bug.
    pub fn builtin() -> Catalog {
        let mut catalog = Catalog::default();
        for (name, text) in BUILTIN {
            let file: CatalogFile = toml::from_str(text)
                .unwrap_or_else(|e| panic!("built-in catalog {name} is invalid: {e}"));
            catalog.add(file, text);
        }
        catalog
    }

    /// Adds entries; later entries for the same name replace earlier ones, so user config wins.
    pub fn add(&mut self, file: CatalogFile, source_text: &str) {
        self.digest = xxhash_rust::xxh3::xxh3_64_with_seed(source_text.as_bytes(), self.digest);
        for spec in file.calls {
            let index = self.call_specs.len();
            for name in spec.call.to_vec() {
                match wildcard_type(spec.lang, &name) {
                    Some(ty) => self.call_wildcards.insert(spec.lang, ty.to_string(), index),
                    None => self.calls.insert(spec.lang, name, index),
                }
            }
            self.call_specs.push(spec);
        }
        for ty in file.types {
            for ctor in &ty.constructors {
                if ctor.contains('*') {
                    self.constructor_globs
                        .push((ty.lang, ctor.clone(), ty.name.clone()));
                } else {
                    self.constructors
                        .insert(ty.lang, ctor.clone(), ty.name.clone());
                }
            }
            self.types.insert(ty.lang, ty.name.clone(), ty);
        }
        for obj in file.timeout_objects {
            for name in obj.call.to_vec() {
                self.timeout_objects.insert(obj.lang, name, obj.clone());
            }
        }
        self.observability
            .add(file.observability, file.observability_types);
        for d in file.deadlines {
            for name in d.call.to_vec() {
                self.deadlines.insert(d.lang, name, d.clone());
            }
        }
        self.services.add(
            file.frameworks,
            file.routing,
            file.dependencies,
            file.health,
        );
        self.retries.add(
            file.retry_libraries,
            file.retry_policies,
            file.retry_strategies,
            file.retry_errors,
            file.retry_clients,
            file.sleeps,
        );
        self.shutdown.add(file.serves, file.signals, file.lifecycle);
        for b in file.breakers {
            self.breakers
                .retain(|old| old.lang != b.lang || old.library != b.library);
            self.breakers.push(b);
        }
        // Built again from all libraries when next needed.
        self.breaker_gates = breakers::BreakerGates::default();
        self.apis.add(file.apis);
    }

    /// The spec of a call: an exact entry, or `<type>.*` for any method of a catalogued type.
    pub fn call(&self, lang: Lang, callee: &str) -> Option<&CallSpec> {
        let exact = self.calls.get(lang, callee);
        let index = match exact {
            Some(i) => *i,
            None => {
                let (ty, _) = split_qualified(lang, callee)?;
                *self.call_wildcards.get(lang, ty)?
            }
        };
        Some(&self.call_specs[index])
    }

    pub fn is_external(&self, lang: Lang, callee: &str) -> bool {
        self.call(lang, callee).is_some()
    }

    /// The type that a constructor call returns, if the catalog knows it.
    pub fn constructed_type(&self, lang: Lang, callee: &str) -> Option<&str> {
        if let Some(ty) = self.constructors.get(lang, callee) {
            return Some(ty);
        }
        if let Some((_, _, ty)) = self
            .constructor_globs
            .iter()
            .find(|(l, glob, _)| *l == lang && glob_match(glob, callee))
        {
            return Some(ty);
        }
        // Rust: `redis::Client::open(..)` returns a `redis::Client` when the type is known.
        if lang == Lang::Rust {
            let (ty, _) = split_qualified(lang, callee)?;
            return self.types.get(lang, ty).map(|t| t.name.as_str());
        }
        None
    }

    pub fn type_spec(&self, lang: Lang, name: &str) -> Option<&TypeSpec> {
        self.types.get(lang, name)
    }

    pub fn knows_type(&self, lang: Lang, name: &str) -> bool {
        self.types.get(lang, name).is_some()
    }

    pub fn timeout_object(&self, lang: Lang, callee: &str) -> Option<&TimeoutObjectSpec> {
        self.timeout_objects.get(lang, callee)
    }

    pub fn is_deadline(&self, lang: Lang, callee: &str) -> bool {
        self.deadlines.get(lang, callee).is_some()
    }

    pub fn deadline(&self, lang: Lang, callee: &str) -> Option<&DeadlineSpec> {
        self.deadlines.get(lang, callee)
    }
}

/// The default that applies to a call given the project's pinned versions.
pub struct EffectiveDefault<'a> {
    pub default: Option<DefaultTimeout>,
    pub long_default: bool,
    pub fix: &'a str,
    /// Set when no version is pinned and the unsafe default was assumed: what was assumed.
    pub assumed: Option<&'a str>,
    pub version: Option<Version>,
}

impl CallSpec {
    pub fn timeout_params(&self) -> Vec<String> {
        self.timeout.to_vec()
    }

    pub fn effective_default(&self, pins: &Pins) -> EffectiveDefault<'_> {
        let base = EffectiveDefault {
            default: self.default,
            long_default: self.long_default,
            fix: &self.fix,
            assumed: None,
            version: None,
        };
        if self.versions.is_empty() {
            return base;
        }
        let Some(package) = &self.package else {
            return base;
        };
        let Some(version) = pins.get(package) else {
            return EffectiveDefault {
                assumed: self.assumes.as_deref(),
                ..base
            };
        };
        for v in &self.versions {
            if VersionReq::parse(&v.range).is_some_and(|req| req.matches(&version)) {
                return EffectiveDefault {
                    default: v.default,
                    long_default: v.long_default,
                    fix: v.fix.as_deref().unwrap_or(&self.fix),
                    assumed: None,
                    version: Some(version),
                };
            }
        }
        EffectiveDefault {
            version: Some(version),
            ..base
        }
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(glob: &str, text: &str) -> bool {
    let mut pieces = glob.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i + 1 == pieces.len() {
            return rest.ends_with(piece);
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads_and_resolves_methods_of_types() {
        let c = Catalog::builtin();
        assert!(c.call(Lang::Python, "requests.get").is_some());
        assert_eq!(
            c.constructed_type(Lang::Python, "api_pb2_grpc.GreeterStub"),
            Some("grpc.Stub")
        );
        assert!(c.call(Lang::Python, "grpc.Stub.SayHello").is_some());
        assert_eq!(
            c.constructed_type(Lang::Rust, "redis::Client::open"),
            Some("redis::Client")
        );
        assert!(c
            .constructed_type(Lang::Python, "api_pb2.Greeter")
            .is_none());
    }

    #[test]
    fn qualified_names_split_at_their_last_separator() {
        assert_eq!(
            split_qualified(Lang::Rust, "tokio::net::TcpStream::connect"),
            Some(("tokio::net::TcpStream", "connect"))
        );
        assert_eq!(
            split_qualified(Lang::Rust, "Self::open"),
            Some(("Self", "open"))
        );
        assert_eq!(split_qualified(Lang::Rust, "connect"), None);
        assert_eq!(
            split_qualified(Lang::Python, "requests.Session.get"),
            Some(("requests.Session", "get"))
        );
        assert_eq!(split_qualified(Lang::Python, "get"), None);
    }

    #[test]
    fn the_breaker_gate_reads_packages_as_written_and_words_in_any_case() {
        let c = Catalog::builtin();
        assert!(c.may_hold_breakers(Lang::Python, "import pybreaker\n"));
        assert!(!c.may_hold_breakers(Lang::Python, "import PYBREAKER\n"));
        let hand_written = "class Guard:\n    OPEN = 1\n    FAILURE_THRESHOLD = 5\n";
        assert!(c.may_hold_breakers(Lang::Python, hand_written));
        // The words must be said in one name: a comment's prose is not a breaker.
        let prose = "# failed to open the file\nx = 1\n";
        assert!(!c.may_hold_breakers(Lang::Python, prose));
        assert!(!c.may_hold_breakers(Lang::Rust, "fn main() { let open = 1; }"));
    }

    #[test]
    fn globs_match_whole_names() {
        assert!(glob_match("*_pb2_grpc.*Stub", "a.b_pb2_grpc.FooStub"));
        assert!(!glob_match("*_pb2_grpc.*Stub", "a.b_pb2_grpc.FooStubs"));
        assert!(glob_match("x", "x"));
    }
}
