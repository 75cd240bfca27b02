//! `-v`: one line on stderr for each HTTP exchange, the token request included; `-vv` adds
//! the headers of each attempt below it (`> ` sent, `< ` received), secrets and names redacted
//! by the SDK.
//!
//! The lines come from the SDK's own spans (`people_sdk.call`, `people_sdk.token`), so they show
//! what the SDK did, retries counted: method, URL, status (or the kind of failure), attempts and
//! time. The SDK records route templates (`/people/{lname}`) and never a name; the command knows
//! the names it was given, and fills them in for the person at the terminal. No header, token or
//! secret is ever part of a line.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Subscriber, span};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// What a line needs besides the spans: the base URL and the values of the route's fields.
#[derive(Debug, Default)]
pub struct Where {
    /// The API's base URL, e.g. `http://127.0.0.1:8080/api/v1/`.
    pub base_url: String,
    /// `{name}` placeholders of the route templates and the values the command gave them.
    pub fields: Vec<(&'static str, String)>,
}

/// The layer that prints the exchanges; share its [`Where`] to fill it in once connected.
#[derive(Debug, Clone, Default)]
pub struct Exchanges {
    place: Arc<Mutex<Where>>,
}

impl Exchanges {
    /// Where the exchanges go, to be filled in once the base URL is known.
    pub fn place(&self) -> Arc<Mutex<Where>> {
        self.place.clone()
    }

    fn line(&self, exchange: &Exchange) -> String {
        let url = match self.place.lock() {
            Ok(place) => {
                let mut route = exchange.route.clone();
                for (name, value) in &place.fields {
                    route = route.replace(&format!("{{{name}}}"), value);
                }
                format!("{}{route}", place.base_url.trim_end_matches('/'))
            }
            Err(_) => exchange.route.clone(),
        };
        let outcome = match (exchange.status, &exchange.error) {
            (Some(status), _) => status.to_string(),
            (None, Some(error)) => format!("failed ({error})"),
            (None, None) => "no answer".to_owned(),
        };
        let attempts = if exchange.attempts > 1 {
            format!(", {} attempts", exchange.attempts)
        } else {
            String::new()
        };
        let millis = exchange.started.elapsed().as_secs_f64() * 1000.0;
        let mut line = format!(
            "* {} {url} -> {outcome} ({millis:.0} ms{attempts})",
            exchange.method
        );
        for header in &exchange.headers {
            line.push_str("\n  ");
            line.push_str(header);
        }
        line
    }
}

/// One exchange as its span records it.
#[derive(Debug)]
struct Exchange {
    started: Instant,
    method: String,
    route: String,
    status: Option<u64>,
    error: Option<String>,
    attempts: u64,
    /// `> name: value` and `< name: value` lines, in the order the attempts made them.
    headers: Vec<String>,
}

/// The fields of one of the SDK's header events.
#[derive(Default)]
struct Headers {
    direction: String,
    headers: String,
}

impl Visit for Headers {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        // Display values (`%`) arrive here; their Debug form is their Display form.
        let text = format!("{value:?}");
        match field.name() {
            "direction" => self.direction = text.trim_matches('"').to_owned(),
            "headers" => self.headers = text,
            _ => {}
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "direction" => self.direction = value.to_owned(),
            "headers" => self.headers = value.to_owned(),
            _ => {}
        }
    }
}

impl Visit for Exchange {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "http.request.method" => self.method = text,
            "http.route" => self.route = text.trim_matches('"').to_owned(),
            "error.type" => self.error = Some(text),
            _ => {}
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "http.request.method" => self.method = value.to_owned(),
            "http.route" => self.route = value.to_owned(),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "http.response.status_code" => self.status = Some(value),
            "attempt" => self.attempts = value,
            _ => {}
        }
    }
}

/// The SDK's spans that stand for one exchange each.
fn is_exchange(name: &str) -> bool {
    matches!(name, "people_sdk.call" | "people_sdk.token")
}

impl<S> Layer<S> for Exchanges
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if !is_exchange(attrs.metadata().name()) {
            return;
        }
        let mut exchange = Exchange {
            started: Instant::now(),
            method: String::new(),
            route: String::new(),
            status: None,
            error: None,
            attempts: 1,
            headers: Vec::new(),
        };
        attrs.record(&mut exchange);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(exchange);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(exchange) = span.extensions_mut().get_mut::<Exchange>()
        {
            values.record(exchange);
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "people_sdk::headers" {
            return;
        }
        let mut fields = Headers::default();
        event.record(&mut fields);
        let mark = if fields.direction == "request" {
            ">"
        } else {
            "<"
        };
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(exchange) = span.extensions_mut().get_mut::<Exchange>() {
                exchange.headers.extend(
                    fields
                        .headers
                        .lines()
                        .map(|header| format!("{mark} {header}")),
                );
                return;
            }
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        if let Some(exchange) = span.extensions_mut().remove::<Exchange>() {
            eprintln!("{}", self.line(&exchange));
        }
    }
}
