//! RES701 unbounded-queue: a queue or channel with no size limit.

use super::{bound_value, calls_with_role};
use crate::api_roles::Role;
use crate::facts::Value;
use crate::rules::{Check, FileCx};

pub struct UnboundedQueue;

impl Check for UnboundedQueue {
    fn id(&self) -> &'static str {
        "RES701"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        let mut found = Vec::new();
        for (call, spec) in calls_with_role(cx, Role::Queue) {
            let names = spec.bound.to_vec();
            let has_bound = !names.is_empty() || spec.position.is_some();
            if has_bound {
                if call.forwards_kwargs || call.forwards_args {
                    continue;
                }
                // A literal 0, `None` or a negative size is no limit; anything else bounds it.
                let unbounded = match bound_value(call, &names, spec.position) {
                    None => true,
                    Some(Value::None) => true,
                    Some(Value::Number { value }) => *value <= 0.0,
                    Some(_) => false,
                };
                if !unbounded {
                    continue;
                }
            }
            let what = spec.what.as_deref().unwrap_or("queue");
            let message = format!(
                "`{}(..)` makes a {what} with no size limit: when consumers fall behind it grows until the process runs out of memory",
                call.callee
            );
            found.push((call.in_test, call.span, message, spec.fix.clone()));
        }
        for (in_test, span, message, help) in found {
            cx.report(self.id(), in_test, span, message, help);
        }
    }
}
