//! Printing results as aligned tables, JSON or NDJSON.
//!
//! Colour is used only when stdout (or stderr, for messages) is a terminal and `NO_COLOR` is not
//! set. JSON output never carries colour and keeps field names stable. Tables are cut to the
//! terminal's width (or `COLUMNS`, when stdout is not a terminal and it is set), the widest
//! column first, each cut cell ending in `…`; without a width they are never cut.

use std::io::{IsTerminal, Write};

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::cli::Output;

/// Prints results in the chosen format.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: Output,
    color: bool,
    width: Option<usize>,
}

impl Printer {
    /// A printer for `format`, colouring only where stdout is a terminal and `NO_COLOR` is unset.
    pub fn new(format: Output) -> Self {
        let terminal = std::io::stdout().is_terminal();
        let width = if terminal {
            terminal_size::terminal_size_of(std::io::stdout())
                .map(|(columns, _)| usize::from(columns.0))
        } else {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|columns| columns.parse().ok())
        };
        Printer {
            format,
            color: color_allowed(terminal),
            width,
        }
    }

    /// The chosen format.
    pub fn format(&self) -> Output {
        self.format
    }

    /// Prints records: a table with `columns` (header, JSON field), a JSON array, or one JSON
    /// object a line.
    pub fn records(&self, columns: &[(&str, &str)], records: &[Value]) {
        let mut out = std::io::stdout().lock();
        let result = match self.format {
            Output::Json => writeln!(out, "{}", pretty(&Value::Array(records.to_vec()))),
            Output::Ndjson => records
                .iter()
                .try_for_each(|record| writeln!(out, "{record}")),
            Output::Table => {
                let table = render_table(columns, records, self.color, self.width);
                out.write_all(table.as_bytes())
            }
        };
        ignore_broken_pipe(result);
    }

    /// Prints one record: `field: value` lines, or one JSON object.
    pub fn record(&self, record: &Value) {
        let mut out = std::io::stdout().lock();
        let result = match self.format {
            Output::Json => writeln!(out, "{}", pretty(record)),
            Output::Ndjson => writeln!(out, "{record}"),
            Output::Table => {
                let fields: Vec<(&String, &Value)> =
                    record.as_object().into_iter().flatten().collect();
                let width = fields.iter().map(|(key, _)| key.width()).max().unwrap_or(0);
                fields.iter().try_for_each(|(field, value)| {
                    let key = format!("{field}:{}", " ".repeat(width - field.width()));
                    writeln!(out, "{}  {}", self.bold(&key), table_cell(field, value))
                })
            }
        };
        ignore_broken_pipe(result);
    }

    /// Prints a confirmation: a sentence in table format, `record` as JSON otherwise.
    pub fn done(&self, sentence: &str, record: &Value) {
        match self.format {
            Output::Table => {
                let mut out = std::io::stdout().lock();
                ignore_broken_pipe(writeln!(out, "{sentence}"));
            }
            Output::Json | Output::Ndjson => self.record(record),
        }
    }

    fn bold(&self, text: &str) -> String {
        paint(self.color, "1", text)
    }
}

/// Whether colour may be used on a stream that is (or is not) a terminal.
pub fn color_allowed(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// Wraps `text` in an ANSI style when `color` is on.
pub fn paint(color: bool, style: &str, text: &str) -> String {
    if color {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Renders records as columns aligned by display width (so `李` counts as two cells), cut to
/// `width` display cells when one is given.
pub fn render_table(
    columns: &[(&str, &str)],
    records: &[Value],
    color: bool,
    width: Option<usize>,
) -> String {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|record| {
            columns
                .iter()
                .map(|(_, field)| table_cell(field, &record[*field]))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (header, _))| {
            rows.iter()
                .map(|row| row[i].width())
                .chain([header.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    if let Some(width) = width {
        fit(&mut widths, columns, width);
    }
    let line = |cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let cell = cut(cell, widths[i]);
            text.push_str(&cell);
            if i < last {
                text.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        text.push('\n');
        text
    };
    let header = line(columns.iter().map(|(h, _)| (*h).to_owned()).collect());
    let mut table = paint(color, "1", header.trim_end());
    table.push('\n');
    for row in rows {
        table.push_str(&line(row));
    }
    table
}

/// Narrows the widest columns until a line fits in `width` cells; no column gets narrower than
/// its header or 6 cells, so a very narrow terminal still gets wrapped lines rather than none.
fn fit(widths: &mut [usize], columns: &[(&str, &str)], width: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    loop {
        let total: usize = widths.iter().sum::<usize>() + gaps;
        if total <= width {
            return;
        }
        let floor = |i: usize| columns[i].0.width().max(6);
        let Some((widest, _)) = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > floor(*i))
            .max_by_key(|(_, w)| **w)
        else {
            return;
        };
        let room = widths[widest] - floor(widest);
        widths[widest] -= room.min(total - width);
    }
}

/// `text` cut to `width` display cells, ending in `…` when anything was cut.
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.push('…');
    kept
}

/// A value as a table shows it. Control characters are written as escapes (`\u{7}`): a name a
/// server holds may carry one, and it must neither reach the terminal nor vanish from the table.
/// So are the invisible ones that reorder or hide text (bidirectional overrides and isolates,
/// zero-width spaces and joiners, the byte-order mark): in a table they could make one row look
/// like another.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => {
            let mut shown = String::with_capacity(text.len());
            for c in text.chars() {
                if c.is_control() || is_invisible(c) {
                    shown.extend(c.escape_unicode());
                } else {
                    shown.push(c);
                }
            }
            shown
        }
        other => other.to_string(),
    }
}

/// A field's value as a table shows it: times made readable, everything else as [`cell`].
fn table_cell(field: &str, value: &Value) -> String {
    match (field, value) {
        ("timestamp" | "uploaded_at", Value::String(time)) => readable_time(time),
        _ => cell(value),
    }
}

/// Characters with no width that change how the text around them reads.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
    )
}

/// An RFC 3339 time as a table shows it: `2026-12-02 16:09:17 UTC`, fractions left out. JSON
/// keeps the RFC 3339 text.
pub fn readable_time(text: &str) -> String {
    let (Some(date), Some(time)) = (text.get(..10), text.get(11..19)) else {
        return text.to_owned();
    };
    if text.as_bytes().get(10) != Some(&b'T') {
        return text.to_owned();
    }
    let zone = if text.ends_with('Z') || text.ends_with("+00:00") {
        "UTC".to_owned()
    } else {
        text.get(text.len().saturating_sub(6)..)
            .unwrap_or_default()
            .to_owned()
    };
    format!("{date} {time} {zone}")
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A closed pipe (`people list | head`) is not an error worth a message.
fn ignore_broken_pipe(result: std::io::Result<()>) {
    if let Err(err) = result
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("people: cannot write output: {err}");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tables_align_by_display_width() {
        let records = [
            json!({"lname": "李", "fname": "Wei"}),
            json!({"lname": "Farrell", "fname": "Doug"}),
        ];
        let table = render_table(
            &[("LNAME", "lname"), ("FNAME", "fname")],
            &records,
            false,
            None,
        );
        assert_eq!(
            table, "LNAME    FNAME\n李       Wei\nFarrell  Doug\n",
            "{table}"
        );
    }

    #[test]
    fn no_colour_without_a_terminal() {
        assert!(!color_allowed(false));
        assert_eq!(paint(false, "1", "x"), "x");
        assert_eq!(paint(true, "1", "x"), "\x1b[1mx\x1b[0m");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(cell(&json!("a\u{1b}[31mb")), "a\\u{1b}[31mb");
        assert_eq!(cell(&json!("Bell\u{7}\u{85}")), "Bell\\u{7}\\u{85}");
        assert_eq!(cell(&json!(" 李")), " 李");
    }

    #[test]
    fn invisible_characters_that_reorder_text_are_escaped() {
        assert_eq!(cell(&json!("a\u{202e}b")), "a\\u{202e}b");
        assert_eq!(cell(&json!("x\u{200b}y")), "x\\u{200b}y");
        assert_eq!(cell(&json!("\u{feff}李")), "\\u{feff}李");
    }

    #[test]
    fn tables_are_cut_to_the_width_with_an_ellipsis() {
        let records = [json!({"a": "x".repeat(40), "b": "short"})];
        let table = render_table(&[("A", "a"), ("B", "b")], &records, false, Some(20));
        for line in table.lines() {
            assert!(line.width() <= 20, "{line:?}");
        }
        assert!(table.contains("xxxxxxxxxxx…  short"), "{table}");
    }

    #[test]
    fn times_read_as_people_read_them() {
        assert_eq!(
            readable_time("2026-12-02T16:09:17.123456Z"),
            "2026-12-02 16:09:17 UTC"
        );
        assert_eq!(readable_time("not a time"), "not a time");
    }
}
