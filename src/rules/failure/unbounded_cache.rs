//! RES703 unbounded-cache: a cache decorator with no size limit keyed on unbounded input.

use crate::api_roles::Role;
use crate::rules::{Check, FileCx};

pub struct UnboundedCache;

impl Check for UnboundedCache {
    fn id(&self) -> &'static str {
        "RES703"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for c in &cx.facts.failure.caches {
            if !c.unbounded {
                continue;
            }
            // `functools.cache` has no size parameter: judged on what it is keyed by. An explicit
            // `maxsize=None` is judged whenever there is a key at all.
            let sizeless = cx
                .catalog
                .api(cx.lang, &c.decorator, Role::Cache)
                .is_some_and(|s| s.bound.to_vec().is_empty() && s.position.is_none());
            let why = if c.method {
                "on a method it keys every entry on `self`, so it keeps every instance alive and grows with them"
                    .to_string()
            } else if let Some(param) = &c.request_param {
                format!("it is keyed on `{param}`, so it grows with every distinct request")
            } else if !sizeless && c.keyed {
                "it keeps every distinct argument forever".to_string()
            } else {
                continue;
            };
            let shown = if sizeless {
                c.decorator.clone()
            } else {
                format!("{}(maxsize=None)", c.decorator)
            };
            let message = format!("`@{shown}` has no size limit: {why}");
            let help = "use `@functools.lru_cache(maxsize=1024)` on a module-level function, or a TTL cache (`cachetools.TTLCache(maxsize=1024, ttl=300)`)".to_string();
            found.push((c.in_test, c.span, message, help));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, Some(help));
        }
    }
}
