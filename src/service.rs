//! The service model: which web frameworks construct apps, declare routes and start servers
//! (catalog knowledge from `rules/catalog/services.toml`), and, within a unit, which services
//! there are, which routes each one serves and which dependencies the unit holds.
//!
//! A service is an app construction (Python: `FastAPI()`, `Flask(__name__)`, Django's
//! `get_wsgi_application()`, ...; Rust: a file that starts a server, located at the app it
//! builds there). Routes attach to the app they are declared on; routes declared on routers,
//! blueprints or route tables attach to every app of the unit (within one unit that is almost
//! always the single app). Project-level rules ask this module for a unit's services and read
//! their routes and handlers; they never re-read files.
//!
//! A rule about services (no graceful shutdown, no metrics) builds `UnitModel::build(unit,
//! catalog)`, looks at each `Service` (its files are `unit.files`; what the rule needs beyond
//! routes comes from its own per-file facts, found in the service's unit or its `file`), and
//! reports at `service.file` / `service.span`, the app construction.

use rustc_hash::FxHashMap;

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::facts::service::{AppKind, HandlerFact, RouteFact};
use crate::facts::{Lang, Span};
use crate::project::Unit;

/// One web framework: its app and router constructors and the calls that start it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSpec {
    pub lang: Lang,
    pub framework: String,
    #[serde(default)]
    pub apps: Vec<String>,
    #[serde(default)]
    pub routers: Vec<String>,
    #[serde(default)]
    pub servers: Vec<String>,
}

/// How routes are declared in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSpec {
    pub lang: Lang,
    #[serde(default)]
    pub decorators: Vec<String>,
    #[serde(default)]
    pub register: Vec<String>,
    #[serde(default)]
    pub path_calls: Vec<String>,
    #[serde(default)]
    pub path_macros: Vec<String>,
    #[serde(default)]
    pub mounts: Vec<String>,
    #[serde(default)]
    pub handler_wrappers: Vec<String>,
    #[serde(default)]
    pub health_includes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencySpec {
    pub lang: Lang,
    pub kind: String,
    pub calls: Vec<String>,
}

/// Health route names and what a health handler's calls mean.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSpec {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub readiness: Vec<String>,
    #[serde(default)]
    pub liveness: Vec<String>,
    #[serde(default)]
    pub probe_methods: Vec<String>,
    #[serde(default)]
    pub probe_words: Vec<String>,
    #[serde(default)]
    pub probe_calls: Vec<String>,
    #[serde(default)]
    pub response_calls: Vec<String>,
}

/// The merged service knowledge, indexed by qualified name.
#[derive(Debug)]
pub struct ServiceCatalog {
    /// Constructor → (framework, app or router).
    constructors: FxHashMap<(Lang, String), (String, AppKind)>,
    /// Server start → framework.
    servers: FxHashMap<(Lang, String), String>,
    python: RoutingSpec,
    rust: RoutingSpec,
    dependencies: FxHashMap<(Lang, String), String>,
    pub health: HealthSpec,
}

impl RoutingSpec {
    fn empty(lang: Lang) -> RoutingSpec {
        RoutingSpec {
            lang,
            decorators: Vec::new(),
            register: Vec::new(),
            path_calls: Vec::new(),
            path_macros: Vec::new(),
            mounts: Vec::new(),
            handler_wrappers: Vec::new(),
            health_includes: Vec::new(),
        }
    }
}

impl Default for ServiceCatalog {
    fn default() -> Self {
        ServiceCatalog {
            constructors: FxHashMap::default(),
            servers: FxHashMap::default(),
            python: RoutingSpec::empty(Lang::Python),
            rust: RoutingSpec::empty(Lang::Rust),
            dependencies: FxHashMap::default(),
            health: HealthSpec::default(),
        }
    }
}

impl ServiceCatalog {
    /// Adds entries; routing and health lists are extended, so user config adds to them.
    pub fn add(
        &mut self,
        frameworks: Vec<FrameworkSpec>,
        routing: Vec<RoutingSpec>,
        dependencies: Vec<DependencySpec>,
        health: Option<HealthSpec>,
    ) {
        for f in frameworks {
            for app in f.apps {
                self.constructors
                    .insert((f.lang, app), (f.framework.clone(), AppKind::App));
            }
            for router in f.routers {
                self.constructors
                    .insert((f.lang, router), (f.framework.clone(), AppKind::Router));
            }
            for server in f.servers {
                self.servers.insert((f.lang, server), f.framework.clone());
            }
        }
        for r in routing {
            let into = match r.lang {
                Lang::Python => &mut self.python,
                Lang::Rust => &mut self.rust,
            };
            into.decorators.extend(r.decorators);
            into.register.extend(r.register);
            into.path_calls.extend(r.path_calls);
            into.path_macros.extend(r.path_macros);
            into.mounts.extend(r.mounts);
            into.handler_wrappers.extend(r.handler_wrappers);
            into.health_includes.extend(r.health_includes);
        }
        for d in dependencies {
            for call in d.calls {
                self.dependencies.insert((d.lang, call), d.kind.clone());
            }
        }
        if let Some(h) = health {
            let into = &mut self.health;
            into.names.extend(h.names);
            into.readiness.extend(h.readiness);
            into.liveness.extend(h.liveness);
            into.probe_methods.extend(h.probe_methods);
            into.probe_words.extend(h.probe_words);
            into.probe_calls.extend(h.probe_calls);
            into.response_calls.extend(h.response_calls);
        }
    }

    /// The framework and kind of an app or router constructor.
    pub fn constructor(&self, lang: Lang, callee: &str) -> Option<(&str, AppKind)> {
        self.constructors
            .get(&(lang, callee.to_string()))
            .map(|(f, k)| (f.as_str(), *k))
    }

    /// The framework a server-starting call belongs to.
    pub fn server(&self, lang: Lang, callee: &str) -> Option<&str> {
        self.servers
            .get(&(lang, callee.to_string()))
            .map(String::as_str)
    }

    pub fn routing(&self, lang: Lang) -> &RoutingSpec {
        match lang {
            Lang::Python => &self.python,
            Lang::Rust => &self.rust,
        }
    }

    /// The kind of dependency (`database`, `cache`, ...) a constructor call creates.
    pub fn dependency(&self, lang: Lang, callee: &str) -> Option<&str> {
        self.dependencies
            .get(&(lang, callee.to_string()))
            .map(String::as_str)
    }

    /// A call inside a handler that reaches a dependency: a probe method (`db.execute`), or a
    /// local function named for checking one (`check_db`, `ping_redis`).
    pub fn is_probe_name(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        if self.health.probe_methods.contains(&lower) {
            return true;
        }
        let words: Vec<&str> = lower.split('_').filter(|w| !w.is_empty()).collect();
        let checks = words.iter().any(|w| {
            matches!(
                *w,
                "check" | "ping" | "probe" | "verify" | "test" | "is" | "can"
            )
        });
        checks
            && words
                .iter()
                .any(|w| self.health.probe_words.iter().any(|p| p == w))
    }

    /// A crate or package that one of the catalogued frameworks comes from (`actix_web`):
    /// its builders (`web::scope("")`) declare routes in place, nothing from elsewhere.
    pub fn is_framework_crate(&self, lang: Lang, head: &str) -> bool {
        let sep = if lang == Lang::Rust { "::" } else { "." };
        let named = |name: &String| name.split(sep).next() == Some(head);
        self.constructors
            .keys()
            .chain(self.servers.keys())
            .any(|(l, name)| *l == lang && named(name))
    }

    /// A call that queries a dependency by its path: `sqlx::query(..)`, `redis::cmd(..)`.
    pub fn is_probe_callee(&self, callee: &str) -> bool {
        self.health
            .probe_calls
            .iter()
            .any(|p| callee.starts_with(p.as_str()))
    }

    pub fn is_response_call(&self, name: &str) -> bool {
        self.health.response_calls.iter().any(|r| r == name)
    }

    /// The role of a route path as a health probe, if it is one.
    pub fn path_role(&self, path: &str) -> Option<HealthRole> {
        let segments: Vec<String> = path
            .split(['/', '.'])
            .map(|s| {
                s.trim_matches(|c: char| matches!(c, '^' | '$' | '?' | '*'))
                    .to_ascii_lowercase()
            })
            .filter(|s| !s.is_empty())
            .collect();
        let parameterized = segments
            .iter()
            .any(|s| s.starts_with(['{', '<', ':']) || s.contains('('));
        let mut found = false;
        for (i, seg) in segments.iter().enumerate() {
            // `healthz`, `worker-health`, `readyz`: a health route wherever it appears.
            let strong = seg.contains("health")
                || matches!(
                    seg.as_str(),
                    "livez" | "readyz" | "startupz" | "liveness" | "readiness"
                );
            // `ping`, `status`, `ready`: only as the route itself (`/ping`, `/api/v1/status`),
            // not a resource's field (`/jobs/{id}/status`, `/auth/ping`).
            let weak = self.health.names.contains(seg)
                && !parameterized
                && i + 1 == segments.len()
                && segments[..i].iter().all(|s| is_route_prefix(s));
            found |= strong || weak;
        }
        if !found {
            return None;
        }
        Some(self.role_of_words(segments.iter().flat_map(|s| s.split(['-', '_']))))
    }

    /// The role of a handler named like a health check (`healthz`, `readiness_probe`).
    pub fn handler_role(&self, name: &str) -> Option<HealthRole> {
        let lower = name.to_ascii_lowercase();
        let words: Vec<&str> = lower.split('_').collect();
        let named = words.iter().any(|w| {
            w.starts_with("health") || matches!(*w, "livez" | "readyz" | "liveness" | "readiness")
        });
        named.then(|| self.role_of_words(words.into_iter()))
    }

    fn role_of_words<'w>(&self, words: impl Iterator<Item = &'w str>) -> HealthRole {
        let mut role = HealthRole::General;
        for w in words {
            if self.health.readiness.iter().any(|r| r == w) {
                return HealthRole::Readiness;
            }
            if self.health.liveness.iter().any(|l| l == w) {
                role = HealthRole::Liveness;
            }
        }
        role
    }
}

/// Path segments that only group routes: `/api/v1/ping` is the service's own ping.
fn is_route_prefix(segment: &str) -> bool {
    let version = segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    version
        || segment.starts_with('_')
        || matches!(
            segment,
            "api"
                | "internal"
                | "system"
                | "meta"
                | "ops"
                | "monitoring"
                | "probe"
                | "probes"
                | "k8s"
                | "kube"
                | "admin"
                | "management"
        )
}

/// What a health route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthRole {
    /// `/readyz`, `/health/ready`: may the pod take traffic?
    Readiness,
    /// `/livez`: should the pod be restarted?
    Liveness,
    /// `/health`, `/healthz`, `/ping`: one probe for both.
    General,
}

/// A route of a service, with the file (index into the unit's files) that declares it.
#[derive(Debug, Clone, Copy)]
pub struct ServiceRoute<'u> {
    pub file: usize,
    pub route: &'u RouteFact,
}

/// One service of a unit.
#[derive(Debug)]
pub struct Service<'u> {
    pub framework: &'u str,
    /// Where project-level findings about the service are reported: the app construction
    /// (the file index into the unit's files, and the span).
    pub file: usize,
    pub span: Span,
    /// The constructor as written: `FastAPI(`.
    pub constructor: &'u str,
    /// The name the app is bound to (`app`), when it is.
    pub binding: Option<&'u str>,
    pub routes: Vec<ServiceRoute<'u>>,
    /// Routes may come from code outside the unit (`.configure(other_crate::routes)`):
    /// an absent route cannot be told from one not seen.
    pub routes_elsewhere: bool,
    /// Health routes served by a mechanism rather than a route (`include("health_check.urls")`,
    /// a gRPC health reporter).
    pub included_health: bool,
}

impl<'u> Service<'u> {
    /// Health routes with their roles.
    pub fn health_routes<'s>(
        &'s self,
        catalog: &'s ServiceCatalog,
    ) -> impl Iterator<Item = (ServiceRoute<'u>, HealthRole)> + 's {
        self.routes.iter().filter_map(move |r| {
            let role = match &r.route.path {
                Some(p) if !p.is_empty() => catalog.path_role(p),
                _ => None,
            }
            .or_else(|| {
                r.route
                    .handler
                    .as_deref()
                    .and_then(|h| catalog.handler_role(h))
            })?;
            Some((*r, role))
        })
    }
}

/// A dependency the unit holds: a catalogued client call or a client constructor.
#[derive(Debug, Clone)]
pub struct Dependency<'u> {
    pub kind: &'u str,
    pub callee: &'u str,
}

/// Kinds of external call that are dependencies a readiness probe should check (the `what`
/// of a timeout catalog entry); subprocesses, SMTP and raw sockets are not.
const DEPENDENCY_WHATS: [(&str, &str); 9] = [
    ("HTTP", "http"),
    ("Redis", "cache"),
    ("PostgreSQL", "database"),
    ("MySQL", "database"),
    ("MongoDB", "database"),
    ("database", "database"),
    ("gRPC", "grpc"),
    ("AWS", "http"),
    ("OpenAI", "http"),
];

/// The services of a unit and what the unit depends on.
pub struct UnitModel<'u> {
    pub services: Vec<Service<'u>>,
    pub dependencies: Vec<Dependency<'u>>,
}

impl<'u> UnitModel<'u> {
    pub fn build(unit: &'u Unit<'u>, catalog: &'u Catalog) -> UnitModel<'u> {
        let mut services = python_services(unit);
        services.extend(rust_services(unit));
        UnitModel {
            services,
            dependencies: dependencies(unit, catalog),
        }
    }

    /// The handler a route names: in the route's own file first, else the only function of
    /// that name in the unit.
    pub fn handler(
        unit: &'u Unit<'u>,
        route: ServiceRoute<'u>,
    ) -> Option<(usize, &'u HandlerFact)> {
        let name = route.route.handler.as_deref()?;
        let in_file = |i: usize| {
            unit.files[i]
                .facts
                .service
                .handlers
                .iter()
                .find(|h| h.name == name)
        };
        if let Some(h) = in_file(route.file) {
            return Some((route.file, h));
        }
        let mut found = (0..unit.files.len()).filter_map(|i| in_file(i).map(|h| (i, h)));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

fn dependencies<'u>(unit: &'u Unit<'u>, catalog: &'u Catalog) -> Vec<Dependency<'u>> {
    let mut out = Vec::new();
    for f in &unit.files {
        let lang = f.file.lang;
        for d in f.facts.service.dependencies.iter().filter(|d| !d.in_test) {
            out.push(Dependency {
                kind: &d.kind,
                callee: &d.callee,
            });
        }
        for call in f.facts.calls.iter().filter(|c| !c.in_test) {
            let what = catalog
                .call(lang, &call.callee)
                .map(|s| s.what.as_str())
                .unwrap_or("");
            let ty = catalog.constructed_type(lang, &call.callee).unwrap_or("");
            let kind = DEPENDENCY_WHATS
                .iter()
                .find(|(w, _)| what.contains(w))
                .map(|(_, k)| *k)
                .or_else(|| {
                    let lower = ty.to_ascii_lowercase();
                    ["http", "client", "session", "grpc"]
                        .iter()
                        .any(|w| lower.contains(w))
                        .then_some("http")
                });
            if let Some(kind) = kind {
                out.push(Dependency {
                    kind,
                    callee: &call.callee,
                });
            }
        }
    }
    out
}

fn python_services<'u>(unit: &'u Unit<'u>) -> Vec<Service<'u>> {
    let links = Links { unit };
    // `wsgi.py` and `asgi.py` serve the same Django project: judged once, at the WSGI app.
    let django = unit
        .files
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.facts.service.apps.iter().map(move |a| (i, a)))
        // A project's `application = get_wsgi_application()` is module-level; Django's own
        // helpers call it inside functions.
        .filter(|(_, a)| a.framework == "django" && !a.in_test && a.factory.is_none())
        .min_by_key(|(i, a)| (!a.constructor.contains("wsgi"), *i, a.span))
        .map(|(i, a)| (i, a.span));
    let mut services: Vec<Service<'u>> = Vec::new();
    for (i, f) in unit.files.iter().enumerate() {
        if f.file.lang != Lang::Python {
            continue;
        }
        for app in &f.facts.service.apps {
            if app.in_test || app.kind != AppKind::App {
                continue;
            }
            // Mounted into another app (itself, or what its factory returns): part of that
            // one's service.
            // A factory's name is specific enough to be matched where it is imported.
            let mounted = app
                .binding
                .as_deref()
                .is_some_and(|b| links.parent_of(i, b, Reach::Module).is_some())
                || app
                    .factory
                    .as_deref()
                    .is_some_and(|f| links.parent_of(i, f, Reach::Factory).is_some());
            if mounted {
                continue;
            }
            if let Some(b) = app.binding.as_deref() {
                // `app = web.Application(..)` in both branches of an `if`: one app.
                if services.iter().any(|s| s.file == i && s.binding == Some(b)) {
                    continue;
                }
            }
            if app.framework == "django" && django != Some((i, app.span)) {
                continue;
            }
            services.push(Service {
                framework: &app.framework,
                file: i,
                span: app.span,
                constructor: &app.constructor,
                binding: app.binding.as_deref(),
                routes: Vec::new(),
                routes_elsewhere: false,
                included_health: false,
            });
        }
    }
    // Each owner (file, name) is resolved to its app once, not once per service and route.
    let mut owners: FxHashMap<(usize, &str), Option<(usize, &str)>> = FxHashMap::default();
    if !services.is_empty() {
        for (i, f) in unit.files.iter().enumerate() {
            for route in &f.facts.service.routes {
                if let Some(o) = route.owner.as_deref() {
                    owners
                        .entry((i, o))
                        .or_insert_with(|| links.app_of(i, o, 0));
                }
            }
        }
    }
    for svc in &mut services {
        for (i, f) in unit.files.iter().enumerate() {
            if f.file.lang != Lang::Python {
                continue;
            }
            for route in f.facts.service.routes.iter().filter(|r| !r.in_test) {
                if let Some(fw) = route.framework.as_deref() {
                    if !serves_routes_of(svc.framework, fw) {
                        continue;
                    }
                }
                let owner_app = route
                    .owner
                    .as_deref()
                    .and_then(|o| owners.get(&(i, o)).copied());
                let belongs = match owner_app {
                    // Declared on an app, or on a router included into one: that app's route.
                    Some(Some((file, binding))) => file == svc.file && svc.binding == Some(binding),
                    // A route table, or a router whose app cannot be told: served by the
                    // project's apps.
                    Some(None) | None => true,
                };
                if belongs {
                    svc.routes.push(ServiceRoute { file: i, route });
                }
            }
            if !f.facts.service.health_includes.is_empty() {
                svc.included_health = true;
            }
        }
    }
    services
}

/// Whether an app of `app_framework` serves routes declared for `route_framework`
/// (a FastAPI app serves Starlette routes).
fn serves_routes_of(app_framework: &str, route_framework: &str) -> bool {
    app_framework == route_framework
        || (app_framework == "fastapi" && route_framework == "starlette")
}

/// How far a name is looked for among the unit's mounts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Its own file, or its module-qualified name (`health.router`): an app's name (`app`) is
    /// too common to be matched any further.
    Module,
    /// Also a bare name in another file that imports it (a router).
    Imported,
    /// Also a method of that name (`manager.get_fastapi_app()`): an app factory.
    Factory,
}

/// How the apps and routers of a Python unit are attached to one another.
struct Links<'u> {
    unit: &'u Unit<'u>,
}

impl<'u> Links<'u> {
    /// The module name of a file: `health` for `app/routers/health.py` or `health/__init__.py`.
    fn module(&self, file: usize) -> &'u str {
        let rel = self.unit.files[file].file.rel.as_str();
        let rel = rel.strip_suffix("/__init__.py").unwrap_or(rel);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        name.strip_suffix(".py").unwrap_or(name)
    }

    /// The binding (file, name) that `name` of `file` is mounted into:
    /// `app.include_router(router)` in the same file, or `app.include_router(health.router)` /
    /// `app.register_blueprint(bp)` in another file that imports it.
    fn parent_of(&self, file: usize, name: &str, reach: Reach) -> Option<(usize, &'u str)> {
        let qualified = format!("{}.{name}", self.module(file));
        let mounts = |g: usize| {
            self.unit.files[g]
                .facts
                .service
                .mounts
                .iter()
                .filter_map(move |m| Some((g, m.child.as_str(), m.parent.as_deref()?)))
        };
        let others = || {
            (0..self.unit.files.len())
                .filter(move |g| *g != file && self.unit.files[*g].file.lang == Lang::Python)
                .flat_map(mounts)
        };
        // The same file first, then a module-qualified name, then a bare imported name.
        if let Some((g, _, parent)) = mounts(file).find(|(_, child, _)| *child == name) {
            return Some((g, parent));
        }
        let dotted = format!(".{qualified}");
        if let Some((g, _, parent)) =
            others().find(|(_, child, _)| *child == qualified || child.ends_with(&dotted))
        {
            return Some((g, parent));
        }
        if reach == Reach::Module {
            return None;
        }
        let method = format!(".{name}");
        others()
            .find(|(g, child, _)| {
                // `app.mount("/auth", auth_manager.get_fastapi_app())`: a factory method.
                let named = *child == name || (reach == Reach::Factory && child.ends_with(&method));
                named
                    && !self.unit.files[*g]
                        .facts
                        .service
                        .apps
                        .iter()
                        .any(|a| a.binding.as_deref() == Some(name))
            })
            .map(|(g, _, parent)| (g, parent))
    }

    /// The app that serves what is declared on `name` in `file`, through mounts.
    fn app_of(&self, file: usize, name: &str, depth: usize) -> Option<(usize, &'u str)> {
        if depth > 4 {
            return None;
        }
        let facts = &self.unit.files[file].facts.service;
        let app = facts
            .apps
            .iter()
            .find(|a| a.binding.as_deref() == Some(name));
        let binding = app.and_then(|a| a.binding.as_deref());
        let is_app = app.is_some_and(|a| a.kind == AppKind::App);
        let reach = if is_app {
            Reach::Module
        } else {
            Reach::Imported
        };
        let parent = self.parent_of(file, name, reach).or_else(|| {
            let factory = app.and_then(|a| a.factory.as_deref())?;
            self.parent_of(file, factory, Reach::Factory)
        });
        match (binding, parent) {
            (_, Some((g, p))) => self.app_of(g, p, depth + 1),
            (Some(b), None) => facts
                .apps
                .iter()
                .any(|a| a.kind == AppKind::App && a.binding.as_deref() == Some(b))
                .then_some((file, b)),
            (None, None) => None,
        }
    }
}

fn rust_services<'u>(unit: &'u Unit<'u>) -> Vec<Service<'u>> {
    let mut services = Vec::new();
    let mut routes = Vec::new();
    let mut routes_elsewhere = false;
    let mut included_health = false;
    for (i, f) in unit.files.iter().enumerate() {
        if f.file.lang != Lang::Rust {
            continue;
        }
        let sf = &f.facts.service;
        routes.extend(
            sf.routes
                .iter()
                .filter(|r| !r.in_test)
                .map(|route| ServiceRoute { file: i, route }),
        );
        included_health |= !sf.health_includes.is_empty();
        routes_elsewhere |= sf.mounts.iter().any(|m| is_foreign_path(&m.child, unit));
        let Some(start) = sf.servers.iter().find(|s| !s.in_test) else {
            continue;
        };
        let app = sf
            .apps
            .iter()
            .filter(|a| !a.in_test && a.kind == AppKind::App)
            .min_by_key(|a| a.span);
        let (span, constructor, framework) = match app {
            Some(a) => (a.span, a.constructor.as_str(), a.framework.as_str()),
            None => (start.span, start.callee.as_str(), start.framework.as_str()),
        };
        services.push(Service {
            framework,
            file: i,
            span,
            constructor,
            binding: None,
            routes: Vec::new(),
            routes_elsewhere: false,
            included_health: false,
        });
    }
    for s in &mut services {
        s.routes = routes.clone();
        s.routes_elsewhere = routes_elsewhere;
        s.included_health = included_health;
    }
    services
}

/// A route source named by a path into another crate (`lemmy_api::routes::config`); a path
/// through the crate's own library (`rustypaste::server::configure_routes` from its binary,
/// with `src/server.rs` in the unit) is not.
fn is_foreign_path(path: &str, unit: &Unit<'_>) -> bool {
    let mut segments = path.split("::");
    let head = segments.next().unwrap_or("");
    if matches!(head, "crate" | "self" | "super" | "Self") || !path.contains("::") {
        return false;
    }
    let Some(module) = segments.next().filter(|_| segments.next().is_some()) else {
        return true;
    };
    let own = |rel: &str| {
        rel.ends_with(&format!("src/{module}.rs")) || rel.ends_with(&format!("src/{module}/mod.rs"))
    };
    !unit.files.iter().any(|f| own(&f.file.rel))
}

/// `status.HTTP_503_SERVICE_UNAVAILABLE`, `HTTPServiceUnavailable`, `SERVICE_UNAVAILABLE`.
pub fn is_error_status_name(name: &str) -> bool {
    const NAMES: [&str; 8] = [
        "HTTP_4",
        "HTTP_5",
        "SERVICE_UNAVAILABLE",
        "INTERNAL_SERVER_ERROR",
        "ServiceUnavailable",
        "InternalServerError",
        "BAD_GATEWAY",
        "HttpResponseServerError",
    ];
    NAMES.iter().any(|n| name.contains(n)) || name == "abort"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::builtin()
    }

    #[test]
    fn health_paths_are_told_by_their_segments() {
        let c = catalog();
        let role = |p: &str| c.services.path_role(p);
        assert_eq!(role("/healthz"), Some(HealthRole::General));
        assert_eq!(role("/api/v1/health"), Some(HealthRole::General));
        assert_eq!(role("/worker-health"), Some(HealthRole::General));
        assert_eq!(role("^livez/"), Some(HealthRole::Liveness));
        assert_eq!(role("/health/ready"), Some(HealthRole::Readiness));
        assert_eq!(role("/readyz"), Some(HealthRole::Readiness));
        assert_eq!(role("/ping"), Some(HealthRole::General));
        assert_eq!(role("/api/v2/status"), Some(HealthRole::General));
        // A resource's field or an authenticated ping is no probe.
        assert_eq!(role("/jobs/{id}/status"), None);
        assert_eq!(role("/auth/ping"), None);
        assert_eq!(role("/statuses"), None);
        assert_eq!(role("/orders"), None);
    }

    #[test]
    fn handlers_named_for_health_have_a_role() {
        let c = catalog();
        assert_eq!(
            c.services.handler_role("readiness_probe"),
            Some(HealthRole::Readiness)
        );
        assert_eq!(
            c.services.handler_role("healthcheck"),
            Some(HealthRole::General)
        );
        assert_eq!(c.services.handler_role("get_status"), None);
    }

    #[test]
    fn probes_are_dependency_calls_or_checks_named_for_one() {
        let c = catalog();
        assert!(c.services.is_probe_name("execute"));
        assert!(c.services.is_probe_name("check_db"));
        assert!(c.services.is_probe_name("ping_redis"));
        assert!(!c.services.is_probe_name("check_version"));
        assert!(!c.services.is_probe_name("jsonify"));
        assert!(c.services.is_probe_callee("sqlx::query_scalar"));
    }

    #[test]
    fn framework_crates_are_known() {
        let c = catalog();
        assert!(c.services.is_framework_crate(Lang::Rust, "actix_web"));
        assert!(!c.services.is_framework_crate(Lang::Rust, "lemmy_api"));
    }
}
