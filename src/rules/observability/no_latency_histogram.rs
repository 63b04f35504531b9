//! OBS202 no-latency-histogram: a service with metrics but no latency histogram or summary.

use super::no_metrics::request_metrics_example;
use super::{is_apm_agent, unit_use, unit_uses};
use crate::facts::observability::Capability;
use crate::rules::health::report_at_service;
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct NoLatencyHistogram;

impl ProjectCheck for NoLatencyHistogram {
    fn id(&self) -> &'static str {
        "OBS202"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        // No metrics at all is OBS201's finding.
        let Some(metric) = unit_use(unit, Capability::Metrics) else {
            return;
        };
        if unit_use(unit, Capability::LatencyMetrics).is_some()
            || unit_uses(unit, Capability::Tracing).any(|u| is_apm_agent(&u.via))
        {
            return;
        }
        let model = UnitModel::build(unit, cx.catalog);
        for service in &model.services {
            let message = format!(
                "this {} service (`{}`) has metrics (`{}`) but no latency histogram or summary anywhere in the project: counters and gauges cannot show how long requests or outgoing calls take, nor their p99",
                service.framework, service.constructor, metric.via
            );
            let help = format!(
                "record request durations in a histogram: {}; time outgoing calls the same way",
                request_metrics_example(service.framework)
            );
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
