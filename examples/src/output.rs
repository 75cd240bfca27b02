//! Printing results as aligned tables, JSON or NDJSON.
//!
//! Colour is used only when stdout (or stderr, for messages) is a terminal and `NO_COLOR` is not
//! set. JSON output never carries colour and keeps field names stable.

use std::io::{IsTerminal, Write};

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::cli::Output;

/// Prints results in the chosen format.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: Output,
    color: bool,
}

impl Printer {
    /// A printer for `format`, colouring only where stdout is a terminal and `NO_COLOR` is unset.
    pub fn new(format: Output) -> Self {
        Printer {
            format,
            color: color_allowed(std::io::stdout().is_terminal()),
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
                let table = render_table(columns, records, self.color);
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
                fields.iter().try_for_each(|(key, value)| {
                    let key = format!("{key}:{}", " ".repeat(width - key.width()));
                    writeln!(out, "{}  {}", self.bold(&key), cell(value))
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

/// Renders records as columns aligned by display width (so `李` counts as two cells).
pub fn render_table(columns: &[(&str, &str)], records: &[Value], color: bool) -> String {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|record| {
            columns
                .iter()
                .map(|(_, field)| cell(&record[*field]))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
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
    let line = |cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
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

/// A value as a table shows it. Control characters are written as escapes (`\u{7}`): a name a
/// server holds may carry one, and it must neither reach the terminal nor vanish from the table.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => {
            let mut shown = String::with_capacity(text.len());
            for c in text.chars() {
                if c.is_control() {
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
        let table = render_table(&[("LNAME", "lname"), ("FNAME", "fname")], &records, false);
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
        assert_eq!(cell(&json!(" \u{feff}李")), " \u{feff}李");
    }
}
