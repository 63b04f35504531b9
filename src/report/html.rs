//! The audit scorecard as one self-contained HTML page: inline CSS, an inline SVG chart of the
//! area scores, the scorecard's tables, and every group of findings filterable by area and
//! severity. A Content-Security-Policy forbids any fetch; every string is HTML-escaped.

use std::io::{self, Write};
use std::path::Path;

use super::scorecard::{self, Cell, Frag, Priority, Scorecard, Table};
use super::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(&scorecard::build(report, None)).as_bytes())
}

/// Writes the page as a file in `folder`, linking to the report files beside it.
pub fn write_in(report: &Report<'_>, folder: &Path, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(&scorecard::build(report, Some(folder))).as_bytes())
}

const STYLE: &str = r#"
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --head: #f6f8fa;
  --bad: #cf222e; --warn: #9a6700; --ok: #1a7f37; --bar: #0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.scores { display: flex; gap: 16px; margin: 12px 0; }
.score { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 180px; }
.score b { display: block; font-size: 28px; }
.score.low b { color: var(--bad); } .score.mid b { color: var(--warn); } .score.high b { color: var(--ok); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--head); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--head);
  padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.sev-error { color: var(--bad); font-weight: 600; } .sev-warning { color: var(--warn); font-weight: 600; }
.sev-note { color: var(--muted); font-weight: 600; }
.filters { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
svg text { font: 11px sans-serif; fill: var(--fg); }
"#;

const SCRIPT: &str = r#"
(function () {
  var area = document.getElementById('filter-area');
  var sev = document.getElementById('filter-severity');
  var rows = document.querySelectorAll('#groups tbody tr');
  var shown = document.getElementById('shown');
  function apply() {
    var n = 0;
    rows.forEach(function (r) {
      var ok = (area.value === '' || r.dataset.area === area.value) &&
               (sev.value === '' || r.dataset.severity === sev.value);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' of ' + rows.length + ' groups shown';
  }
  area.addEventListener('change', apply);
  sev.addEventListener('change', apply);
  apply();
  document.documentElement.dataset.ready = 'yes';
})();
"#;

pub fn render(card: &Scorecard) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>Resilience &amp; Observability Audit: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&card.name)
    ));
    h.push_str(&format!(
        "<h1>Resilience &amp; Observability Audit: {}</h1>\n<div class=\"scores\">\n",
        escape(&card.name)
    ));
    for s in card.scores.both() {
        let class = match s.value {
            Some(v) if v < 5.0 => "low",
            Some(v) if v < 8.0 => "mid",
            Some(_) => "high",
            None => "na",
        };
        h.push_str(&format!(
            "<div class=\"score {class}\" id=\"score-{}\">{} Score<b>{}</b></div>\n",
            s.kind.title().to_lowercase(),
            s.kind.title(),
            escape(&s.display())
        ));
    }
    h.push_str(&format!(
        "</div>\n<p class=\"muted\">{}</p>\n",
        escape(&card.scope)
    ));
    if !card.chart.is_empty() {
        h.push_str("<h2>Area Scores</h2>\n");
        h.push_str(&chart(&card.chart));
    }
    for t in &card.tables {
        h.push_str(&table(t));
    }

    h.push_str("<h2>Recommendations</h2>\n");
    if card.recommendations.is_empty() && card.recommendations_left.is_empty() {
        h.push_str("<p>Nothing to fix: no findings.</p>\n");
    }
    for priority in [Priority::Critical, Priority::High, Priority::Medium] {
        let items: Vec<_> = card
            .recommendations
            .iter()
            .filter(|r| r.priority == priority)
            .collect();
        let left = card.recommendations_left.get(&priority);
        if items.is_empty() && left.is_none() {
            continue;
        }
        h.push_str(&format!(
            "<h3>{} <span class=\"muted\">({})</span></h3>\n<ol>\n",
            priority.title(),
            priority.meaning()
        ));
        for r in items {
            h.push_str(&format!(
                "<li><span class=\"sev-{}\">{} {}</span>: {}</li>\n",
                r.severity.as_str(),
                escape(&r.area),
                escape(&r.rule),
                cell(&r.text)
            ));
        }
        h.push_str("</ol>\n");
        if let Some((groups, findings)) = left {
            h.push_str(&format!(
                "<p class=\"muted\">…and {groups} more ({findings} findings) in the full list.</p>\n"
            ));
        }
    }

    h.push_str(&groups(card));
    h.push_str(&table(&card.coverage));
    h.push_str(&format!(
        "<p class=\"muted\">Score = 10 − the sum of the areas' deductions (at least 1.0); the \
         README gives the formula.</p>\n<p>{}</p>\n",
        cell(&card.full_list)
    ));
    h.push_str(&format!("<script>{SCRIPT}</script>\n</body>\n</html>\n"));
    h
}

/// Every group of findings with filters by area and severity.
fn groups(card: &Scorecard) -> String {
    let mut h = String::from("<h2>Findings by Group</h2>\n");
    if card.groups.is_empty() {
        h.push_str("<p>No findings.</p>\n");
        // The filter script still needs its elements.
    }
    let mut areas: Vec<&str> = card.groups.iter().map(|g| g.area.as_str()).collect();
    areas.sort_unstable();
    areas.dedup();
    h.push_str("<div class=\"filters\"><label>Area <select id=\"filter-area\"><option value=\"\">all</option>");
    for a in &areas {
        h.push_str(&format!("<option value=\"{0}\">{0}</option>", escape(a)));
    }
    h.push_str("</select></label><label>Severity <select id=\"filter-severity\"><option value=\"\">all</option><option value=\"error\">error</option><option value=\"warning\">warning</option><option value=\"note\">note</option></select></label><span id=\"shown\" class=\"muted\"></span></div>\n");
    h.push_str("<table id=\"groups\"><thead><tr><th>Severity</th><th>Area</th><th>Rule</th><th>Findings</th><th>Where</th><th>What</th><th>Fix</th></tr></thead><tbody>\n");
    for g in &card.groups {
        h.push_str(&format!(
            "<tr data-area=\"{}\" data-severity=\"{}\"><td class=\"sev-{1}\">{1}</td><td>{0}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&g.area),
            g.severity.as_str(),
            escape(&g.rule),
            g.count,
            cell(&g.location),
            cell(&g.message),
            cell(&g.fix),
        ));
    }
    h.push_str("</tbody></table>\n");
    h
}

/// A horizontal bar chart of the area scores, as inline SVG.
fn chart(areas: &[(String, f64)]) -> String {
    const ROW: usize = 24;
    const LABEL: usize = 170;
    const WIDTH: usize = 400;
    let height = areas.len() * ROW + 24;
    let mut svg = format!(
        "<svg id=\"area-chart\" role=\"img\" aria-label=\"Area scores\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        LABEL + WIDTH + 50,
        LABEL + WIDTH + 50
    );
    for (i, (title, value)) in areas.iter().enumerate() {
        let y = i * ROW + 4;
        let w = (value.clamp(0.0, 10.0) / 10.0 * WIDTH as f64).round() as usize;
        let colour = if *value < 5.0 {
            "#cf222e"
        } else if *value < 8.0 {
            "#bf8700"
        } else {
            "#1a7f37"
        };
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{colour}\"><title>{} {value:.1}</title></rect><text x=\"{}\" y=\"{}\">{value:.1}</text>\n",
            LABEL - 6,
            y + 15,
            escape(title),
            ROW - 6,
            escape(title),
            LABEL + w + 4,
            y + 15,
        ));
    }
    let axis_y = areas.len() * ROW + 8;
    svg.push_str(&format!(
        "<line x1=\"{LABEL}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#d1d9e0\"/><text x=\"{LABEL}\" y=\"{}\">0</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">10</text>\n</svg>\n",
        LABEL + WIDTH,
        axis_y + 14,
        LABEL + WIDTH,
        axis_y + 14
    ));
    svg
}

fn table(t: &Table) -> String {
    let mut h = format!("<h2>{}</h2>\n", escape(t.title));
    if t.rows.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(&t.empty)));
        return h;
    }
    h.push_str("<table><thead><tr>");
    for head in t.headers {
        h.push_str(&format!("<th>{}</th>", escape(head)));
    }
    h.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            h.push_str(&format!("<td>{}</td>", cell(c)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    if let Some(more) = &t.more {
        h.push_str(&format!("<p class=\"muted\">{}</p>\n", escape(more)));
    }
    h
}

fn cell(c: &Cell) -> String {
    let mut s = String::new();
    for f in c {
        match f {
            Frag::Text(t) => s.push_str(&escape(t)),
            Frag::Code(t) => s.push_str(&format!("<code>{}</code>", escape(t))),
            Frag::Strong(t) => s.push_str(&format!("<strong>{}</strong>", escape(t))),
            Frag::Break => s.push_str("<br>"),
            Frag::Link { text, href } => s.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                escape(href),
                escape(text)
            )),
        }
    }
    s
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<img src=x onerror=\"a()\">&'"),
            "&lt;img src=x onerror=&quot;a()&quot;&gt;&amp;&#39;"
        );
    }
}
