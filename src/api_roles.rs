//! Calls with a role for the partial-failure and bulkhead rules, from `rules/catalog/
//! bulkheads.toml` and `errors.toml` (`[[apis]]` entries) and from user config: which
//! constructors make unbounded queues, which calls block, how pools are bounded, which calls
//! fan out or spawn, which limit concurrency, which cache, and which do I/O whose result matters.

use serde::Deserialize;

use crate::catalog::{split_qualified, wildcard_type, ByLang, Catalog, OneOrMany};
use crate::facts::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A queue or channel constructor (RES701); `bound` names its size parameter, absent when
    /// it has none.
    Queue,
    /// A connection pool or its builder (RES704).
    Pool,
    /// A call that blocks the thread (RES705).
    Blocking,
    /// Awaits several futures at once (RES401, RES702).
    Join,
    /// Starts one task (RES702).
    Spawn,
    /// Limits concurrency: a semaphore, a capacity limiter.
    Limiter,
    /// A caching decorator (RES703); `bound` names its size parameter.
    Cache,
    /// Does I/O whose `Result` should not be dropped or unwrapped (RES402, RES403), for calls
    /// that are not awaited (awaited external calls always count).
    IoResult,
    /// Takes the next message from a broker or work queue: a `while True:` loop around it is
    /// a worker loop that must stop on SIGTERM (RES601).
    Receive,
    /// Waits for in-flight work during shutdown (RES602): bounded only by a deadline around
    /// it, or by its own argument at `position` (where `None` waits forever).
    Drain,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    pub lang: Lang,
    pub role: Role,
    /// Qualified names after import resolution; `<type>.*` / `<type>::*` for every method.
    #[serde(default)]
    pub call: OneOrMany,
    /// Method names that have the role on any receiver (`loop.create_task`, `tg.create_task`).
    #[serde(default)]
    pub method: OneOrMany,
    /// What it is, for messages: "asyncio queue", "SQLAlchemy connection pool".
    pub what: Option<String>,
    /// Keyword arguments or builder methods that bound it (`maxsize`, `wait_timeout`).
    #[serde(default)]
    pub bound: OneOrMany,
    /// Zero-based positional index of the bound.
    pub position: Option<usize>,
    /// Parameters whose negative value removes the bound (SQLAlchemy `max_overflow=-1`).
    #[serde(default)]
    pub negative_unbounded: Vec<String>,
    /// Parameters whose `None` waits forever (SQLAlchemy `pool_timeout=None`).
    #[serde(default)]
    pub none_unbounded: Vec<String>,
    /// Builder methods whose `Duration::MAX` / `None` waits forever.
    #[serde(default)]
    pub unlimited: Vec<String>,
    /// Rust builders: only a chain ending in one of these is judged.
    #[serde(default)]
    pub finish: Vec<String>,
    /// Joins: one failure fails them all unless this keyword is `True` (`return_exceptions`).
    pub keeps_errors: Option<String>,
    /// Joins: one failure fails them all (`try_join_all`).
    #[serde(default)]
    pub fails_fast: bool,
    pub fix: Option<String>,
}

/// The `[[apis]]` entries indexed by name and by method.
#[derive(Debug, Default)]
pub struct ApiIndex {
    specs: Vec<ApiSpec>,
    by_call: ByLang<Vec<usize>>,
    /// `<type>.*` / `<type>::*` entries by their type.
    by_type: ByLang<Vec<usize>>,
    by_method: ByLang<Vec<usize>>,
}

impl ApiIndex {
    /// Adds entries; a later entry for the same name and role replaces an earlier one.
    pub fn add(&mut self, specs: Vec<ApiSpec>) {
        for spec in specs {
            let index = self.specs.len();
            let (wildcards, calls): (Vec<String>, Vec<String>) = spec
                .call
                .to_vec()
                .into_iter()
                .partition(|c| wildcard_type(spec.lang, c).is_some());
            let types = wildcards
                .iter()
                .filter_map(|c| wildcard_type(spec.lang, c))
                .map(str::to_string)
                .collect();
            for (names, map) in [
                (calls, &mut self.by_call),
                (types, &mut self.by_type),
                (spec.method.to_vec(), &mut self.by_method),
            ] {
                for name in names {
                    let entry = map.side_mut(spec.lang).entry(name).or_default();
                    entry.retain(|i| self.specs[*i].role != spec.role);
                    entry.push(index);
                }
            }
            self.specs.push(spec);
        }
    }

    fn find(
        &self,
        map: &ByLang<Vec<usize>>,
        lang: Lang,
        name: &str,
        role: Role,
    ) -> Option<&ApiSpec> {
        map.get(lang, name)?
            .iter()
            .map(|i| &self.specs[*i])
            .find(|s| s.role == role)
    }
}

impl Catalog {
    /// The entry giving `callee` the role: an exact name, or `<type>.*` for a method.
    pub fn api(&self, lang: Lang, callee: &str, role: Role) -> Option<&ApiSpec> {
        let apis = &self.apis;
        if let Some(spec) = apis.find(&apis.by_call, lang, callee, role) {
            return Some(spec);
        }
        let (ty, _) = split_qualified(lang, callee)?;
        apis.find(&apis.by_type, lang, ty, role)
    }

    /// The entry giving a method of any receiver the role: `create_task` on a loop or group.
    pub fn api_method(&self, lang: Lang, method: &str, role: Role) -> Option<&ApiSpec> {
        self.apis.find(&self.apis.by_method, lang, method, role)
    }

    /// An external call that talks to a peer: a catalogued call that is not a general deadline
    /// (`tokio::time::timeout`) nor a setter of a timeout (`set_read_timeout`).
    pub fn is_external_io(&self, lang: Lang, callee: &str) -> bool {
        self.call(lang, callee)
            .is_some_and(|spec| spec.network && !spec.what.ends_with("timeout"))
    }

    /// Whether the callee has any of the bulkhead roles that are recorded as call facts.
    pub fn is_bulkhead_call(&self, lang: Lang, callee: &str) -> bool {
        [Role::Queue, Role::Pool, Role::Blocking]
            .into_iter()
            .any(|role| self.api(lang, callee, role).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_resolve_by_name_wildcard_and_method() {
        let c = Catalog::builtin();
        assert!(c.api(Lang::Python, "asyncio.Queue", Role::Queue).is_some());
        assert!(c
            .api(Lang::Python, "requests.Session.get", Role::Blocking)
            .is_some());
        assert!(c
            .api(Lang::Python, "asyncio.Queue", Role::Blocking)
            .is_none());
        assert!(c
            .api_method(Lang::Python, "create_task", Role::Spawn)
            .is_some());
        assert!(c
            .api(
                Lang::Rust,
                "tokio::sync::mpsc::unbounded_channel",
                Role::Queue
            )
            .is_some());
    }
}
