//! What one file says about the service it belongs to: web apps and routers it constructs,
//! routes it declares, servers it starts, dependencies it holds, and what the functions that
//! may serve a health route do. Project-level rules group these into services per unit
//! (`crate::service`); other areas add their own per-file facts beside these.

use serde::{Deserialize, Serialize};

use super::Span;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceFacts {
    pub apps: Vec<AppFact>,
    pub routes: Vec<RouteFact>,
    /// A router or sub-app attached to another: `app.include_router(r)`, `.nest("/api", r)`.
    pub mounts: Vec<MountFact>,
    pub servers: Vec<ServerStart>,
    /// Clients and pools of databases, caches and upstream services that the catalog of
    /// external calls does not already record as calls.
    pub dependencies: Vec<DependencyFact>,
    pub handlers: Vec<HandlerFact>,
    /// Health endpoints served by a library rather than a route of this code:
    /// `include("health_check.urls")`, a gRPC health reporter.
    pub health_includes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    /// Served on its own: `FastAPI()`, `Flask(__name__)`, axum `Router::new()`.
    App,
    /// Only serves once attached to an app: `APIRouter()`, `Blueprint(..)`.
    Router,
}

/// A web app or router constructed here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppFact {
    /// `fastapi`, `flask`, `django`, `axum`, `actix-web`, ...
    pub framework: String,
    pub kind: AppKind,
    /// The name it is bound to (`app`, `self.app`, `bp`), when it is bound.
    pub binding: Option<String>,
    /// The function that constructs it (`create_app`), so that an app a factory returns can be
    /// told apart when the factory's result is mounted into another app.
    pub factory: Option<String>,
    /// The constructor as written, for messages: `FastAPI(`.
    pub constructor: String,
    pub span: Span,
    pub in_test: bool,
}

/// A route declared here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteFact {
    /// The literal parts of the path (`/healthz`, `healthz/` for Django); `None` when it is
    /// computed.
    pub path: Option<String>,
    /// The app or router it is declared on (`app` in `@app.get(..)`); `None` for routes that
    /// belong to whichever app includes them (Django `urlpatterns`, Rust route tables).
    pub owner: Option<String>,
    /// The handler's function name, when it is a plain name.
    pub handler: Option<String>,
    /// The framework the route is declared for, when the declaration tells (Django `path`,
    /// a route on an app or router constructed in the same file).
    pub framework: Option<String>,
    pub span: Span,
    pub in_test: bool,
}

/// `parent.include_router(child)`: `child`'s routes are served by `parent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MountFact {
    pub parent: Option<String>,
    pub child: String,
    pub span: Span,
}

/// A call that starts serving: `uvicorn.run(app)`, `axum::serve(..)`, `HttpServer::new(..)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerStart {
    pub framework: String,
    pub callee: String,
    pub span: Span,
    pub in_test: bool,
}

/// A database, cache or upstream client the code creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencyFact {
    /// `database`, `cache`, `http`, `grpc`, `queue`.
    pub kind: String,
    pub callee: String,
    pub span: Span,
    pub in_test: bool,
}

/// What a function that may serve a health route does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlerFact {
    pub name: String,
    /// The `def` / `async def` / `fn` line.
    pub span: Span,
    /// Calls into a database, cache or upstream (or to a function named for checking one).
    pub probes: Vec<String>,
    /// Does anything besides building a response: awaits or calls something that is neither
    /// a probe nor a response constructor.
    pub other_work: bool,
    /// Has a way to answer with a non-2xx status: a 4xx/5xx status, a raise, an error
    /// returned with `?`, or a probe whose failure escapes the handler.
    pub can_fail: bool,
    pub in_test: bool,
}

impl HandlerFact {
    /// Answers from constants: checks nothing at all.
    pub fn checks_nothing(&self) -> bool {
        self.probes.is_empty() && !self.other_work
    }
}
