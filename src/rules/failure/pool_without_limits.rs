//! RES704 pool-without-limits: a connection pool with no bound or no acquire timeout.

use super::calls_with_role;
use crate::api_roles::Role;
use crate::facts::Value;
use crate::rules::{Check, FileCx};

pub struct PoolWithoutLimits;

impl Check for PoolWithoutLimits {
    fn id(&self) -> &'static str {
        "RES704"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for (call, spec) in calls_with_role(cx, Role::Pool) {
            let what = spec.what.as_deref().unwrap_or("connection pool");
            let mut problems = Vec::new();
            for name in &spec.negative_unbounded {
                if let Some(p) = call.param(name) {
                    if matches!(p.value, Value::Number { value } if *value < 0.0) {
                        problems.push((
                            call.span,
                            format!(
                                "`{name}` is negative: the pool opens connections without limit"
                            ),
                        ));
                    }
                }
            }
            for name in &spec.none_unbounded {
                if let Some(p) = call.param(name) {
                    if *p.value == Value::None {
                        problems.push((
                            call.span,
                            format!("`{name}=None`: a request waits forever for a free connection"),
                        ));
                    }
                }
            }
            for name in &spec.unlimited {
                if let Some(p) = call.param(name) {
                    if matches!(p.value, Value::Unlimited | Value::None) {
                        problems.push((p.span, format!("`.{name}(..)` is unlimited: a request waits forever for a free connection")));
                    }
                }
            }
            let finished = spec.finish.is_empty() || spec.finish.iter().any(|m| call.chain_has(m));
            let bounds = spec.bound.to_vec();
            if finished && !bounds.is_empty() && !bounds.iter().any(|m| call.chain_has(m)) {
                problems.push((call.span, format!("no `.{}(..)`: when every connection is busy a request waits forever for one", bounds[0])));
            }
            for (span, problem) in problems {
                let message = format!("`{}` ({what}): {problem}", call.callee);
                found.push((call.in_test, span, message, spec.fix.clone()));
            }
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, help);
        }
    }
}
