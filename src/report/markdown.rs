//! The audit scorecard in GitHub-flavoured Markdown: both scores, a Mermaid chart of the area
//! scores, then the tables of DESIGN.md in order. Everything written into the page is escaped,
//! so a scanned file (its path, its code) cannot break a table or inject markup.

use std::io::{self, Write};
use std::path::Path;

use super::scorecard::{self, Cell, Frag, Priority, Table};
use super::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(&scorecard::build(report, None)).as_bytes())
}

/// Writes the scorecard as a file in `folder`, linking to the report files beside it.
pub fn write_in(report: &Report<'_>, folder: &Path, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(&scorecard::build(report, Some(folder))).as_bytes())
}

/// Appends the scorecard to a file (the GitHub job summary, which other steps append to too).
pub fn append_to(report: &Report<'_>, path: &Path) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    write(report, &mut file)
}

pub fn render(card: &scorecard::Scorecard) -> String {
    let mut md = String::new();
    md.push_str(&format!(
        "# Resilience & Observability Audit: {}\n\n",
        escape(&card.name)
    ));
    for s in card.scores.both() {
        let note = match s.value {
            Some(_) => String::new(),
            None => " (not assessed: no rule feeding it ran)".to_string(),
        };
        md.push_str(&format!(
            "**{} Score: {}**{note}  \n",
            s.kind.title(),
            s.display()
        ));
    }
    md.push_str(&format!("\n{}\n\n", escape(&card.scope)));
    if !card.chart.is_empty() {
        md.push_str(&chart(&card.chart));
    }
    for table in &card.tables {
        md.push_str(&render_table(table));
    }

    md.push_str("## Recommendations\n\n");
    if card.recommendations.is_empty() && card.recommendations_left.is_empty() {
        md.push_str("Nothing to fix: no findings.\n\n");
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
        md.push_str(&format!(
            "**{}** ({})\n\n",
            priority.title(),
            priority.meaning()
        ));
        for (i, r) in items.iter().enumerate() {
            md.push_str(&format!(
                "{}. {}: {}\n",
                i + 1,
                escape(&format!("{} {}", r.area, r.rule)),
                cell(&r.text)
            ));
        }
        if let Some((groups, findings)) = left {
            md.push_str(&format!(
                "\n…and {groups} more ({findings} findings) in the full list.\n"
            ));
        }
        md.push('\n');
    }

    md.push_str(&render_table(&card.coverage));
    md.push_str(
        "Score = 10 − the sum of the areas' deductions (at least 1.0). An area's deduction \
         grows with its findings' severity and count, weighed against the codebase's size for \
         line-level findings, and stops at the area's cap; a missing capability costs the same \
         at any size. The README gives the formula.\n\n",
    );
    md.push_str(&cell(&card.full_list));
    md.push('\n');
    md
}

/// A Mermaid `xychart-beta` bar chart of the area scores, horizontal so that the area names stay
/// readable (GitHub renders it; checked against mermaid 11). The labels are
/// the checklist's own area titles, never text from the scan.
fn chart(areas: &[(String, f64)]) -> String {
    let labels: Vec<String> = areas
        .iter()
        .map(|(t, _)| format!("\"{}\"", t.replace('"', "'")))
        .collect();
    let values: Vec<String> = areas.iter().map(|(_, v)| format!("{v:.1}")).collect();
    format!(
        "```mermaid\nxychart-beta horizontal\n    title \"Area scores (10 = no deduction)\"\n    x-axis [{}]\n    y-axis \"Score\" 0 --> 10\n    bar [{}]\n```\n\n",
        labels.join(", "),
        values.join(", ")
    )
}

fn render_table(t: &Table) -> String {
    let mut md = format!("## {}\n\n", t.title);
    if t.rows.is_empty() {
        md.push_str(&format!("{}\n\n", escape(&t.empty)));
        return md;
    }
    md.push_str(&format!("| {} |\n", t.headers.join(" | ")));
    md.push_str(&format!(
        "|{}\n",
        t.headers.iter().map(|_| "---|").collect::<String>()
    ));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    if let Some(more) = &t.more {
        md.push_str(&format!("\n{}\n", escape(more)));
    }
    md.push('\n');
    md
}

fn cell(c: &Cell) -> String {
    let mut s = String::new();
    for f in c {
        match f {
            Frag::Text(t) => s.push_str(&escape(t)),
            Frag::Code(t) => {
                s.push_str("<code>");
                s.push_str(&escape(t));
                s.push_str("</code>");
            }
            Frag::Strong(t) => {
                s.push_str("**");
                s.push_str(&escape(t));
                s.push_str("**");
            }
            Frag::Break => s.push_str("<br>"),
            Frag::Link { text, href } => {
                s.push_str(&format!("[{}](<{}>)", escape(text), href));
            }
        }
    }
    s
}

/// Escapes text for a Markdown table cell or paragraph: HTML is entity-encoded, Markdown
/// punctuation backslash-escaped (`\|` keeps a pipe inside a cell), line breaks and control
/// characters become spaces, and a zero-width space breaks what GitHub would autolink.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = '\0';
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '/' if prev == ':' || prev == '/' => {
                out.push('\u{200b}');
                out.push(c);
            }
            // `name@host` is what GitHub autolinks as an address.
            '@' if prev.is_alphanumeric() || matches!(prev, '.' | '-' | '_' | '+') => {
                out.push('\u{200b}');
                out.push(c);
            }
            '.' if out.ends_with("www") => {
                out.push('\u{200b}');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_what_would_break_a_table_or_add_markup() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("x\ny`z`"), "x y\\`z\\`");
        assert_eq!(escape("[a](b)"), "\\[a\\](b)");
        assert!(!escape("see https://evil.example").contains("://"));
    }
}
