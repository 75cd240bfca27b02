//! `list`, `get`, `create`, `update`, `patch` and `delete`.

use futures::TryStreamExt;
use people_sdk::types::{Fname, SortBy, SortOrder};
use people_sdk::{ETag, Person, PersonPatch, Written};
use serde_json::{Value, json};

use crate::cli::{ListArgs, Output, SortDirection, SortField};
use crate::context::Context;
use crate::failure::Failure;

/// The columns of a people table: (header, JSON field).
pub const PEOPLE_COLUMNS: &[(&str, &str)] = &[
    ("LNAME", "lname"),
    ("FNAME", "fname"),
    ("TIMESTAMP", "timestamp"),
];

/// A person as the CLI prints it.
pub fn person_json(person: &Person) -> Value {
    serde_json::to_value(person).unwrap_or(Value::Null)
}

/// `people list`.
pub async fn list(ctx: &Context, args: &ListArgs) -> Result<(), Failure> {
    let mut request = ctx
        .client
        .people()
        .list()
        .per_page(args.per_page)
        .sortby(match args.sortby {
            SortField::Lname => SortBy::Lname,
            SortField::Fname => SortBy::Fname,
            SortField::Timestamp => SortBy::Timestamp,
        })
        .order(match args.order {
            SortDirection::Asc => SortOrder::Asc,
            SortDirection::Desc => SortOrder::Desc,
        });
    if let Some(fname) = &args.fname {
        request = request.fname(fname.clone());
    }
    if let Some(lname) = &args.lname {
        request = request.lname(lname.clone());
    }
    if args.all {
        let mut people = request.stream();
        let mut collected = Vec::new();
        while let Some(person) = people.try_next().await? {
            let record = person_json(&person);
            if ctx.printer.format() == Output::Ndjson {
                ctx.printer.records(PEOPLE_COLUMNS, &[record]);
            } else {
                collected.push(record);
            }
        }
        if ctx.printer.format() != Output::Ndjson {
            ctx.printer.records(PEOPLE_COLUMNS, &collected);
        }
        return Ok(());
    }
    let page = request.page(args.page).send().await?;
    let records: Vec<Value> = page.items().iter().map(person_json).collect();
    if args.with_meta && ctx.printer.format() != Output::Table {
        ctx.printer.record(&json!({
            "data": records,
            "meta": {
                "page": page.current_page(),
                "per_page": args.per_page,
                "total": page.total(),
                "total_pages": page.total_pages(),
            },
        }));
        return Ok(());
    }
    if ctx.printer.format() != Output::Table {
        ctx.printer.records(PEOPLE_COLUMNS, &records);
        return Ok(());
    }
    let everyone = people_count(page.total());
    if records.is_empty() && page.total() > 0 {
        println!(
            "page {} is past the last page, {} ({everyone} in all); try --page {}",
            page.current_page(),
            page.total_pages(),
            page.total_pages()
        );
        return Ok(());
    }
    ctx.printer.records(PEOPLE_COLUMNS, &records);
    println!(
        "page {} of {} ({everyone} in all)",
        page.current_page(),
        page.total_pages(),
    );
    Ok(())
}

/// "1 person", "3 people".
pub fn people_count(count: u64) -> String {
    if count == 1 {
        "1 person".to_owned()
    } else {
        format!("{count} people")
    }
}

/// `people get`.
pub async fn get(ctx: &Context, lname: &str) -> Result<(), Failure> {
    let fetched = ctx.client.person(lname).get().await?;
    let mut record = person_json(fetched.value());
    if let (Some(object), Some(etag)) = (record.as_object_mut(), fetched.etag()) {
        object.insert("etag".to_owned(), json!(etag.as_str()));
    }
    ctx.printer.record(&record);
    Ok(())
}

/// `people create`.
pub async fn create(ctx: &Context, fname: &str, lname: &str) -> Result<(), Failure> {
    let written = ctx.client.people().create(fname, lname).await?;
    done(ctx, &format!("Created {lname}"), lname, &written);
    Ok(())
}

/// `people update`.
pub async fn update(
    ctx: &Context,
    lname: &str,
    fname: &str,
    if_match: Option<&str>,
) -> Result<(), Failure> {
    let mut request = ctx.client.person(lname).update(fname);
    if let Some(etag) = if_match {
        request = request.if_match(ETag::new(etag));
    }
    let written = request.send().await?;
    done(ctx, &format!("Updated {lname}"), lname, &written);
    Ok(())
}

/// `people patch`.
pub async fn patch(
    ctx: &Context,
    lname: &str,
    fname: Option<&str>,
    if_match: Option<&str>,
) -> Result<(), Failure> {
    let fname = fname
        .map(|fname| {
            Fname::try_from(fname).map_err(|err| Failure::Usage(format!("invalid --fname: {err}")))
        })
        .transpose()?;
    let patch = PersonPatch { fname, lname: None };
    let mut request = ctx.client.person(lname).patch(patch);
    if let Some(etag) = if_match {
        request = request.if_match(ETag::new(etag));
    }
    let written = request.send().await?;
    done(ctx, &format!("Patched {lname}"), lname, &written);
    Ok(())
}

/// `people delete`.
pub async fn delete(ctx: &Context, lname: &str, if_match: Option<&str>) -> Result<(), Failure> {
    let mut request = ctx.client.person(lname).delete();
    if let Some(etag) = if_match {
        request = request.if_match(ETag::new(etag));
    }
    request.send().await?;
    ctx.printer.done(
        &format!("Deleted {lname}"),
        &json!({"lname": lname, "deleted": true}),
    );
    Ok(())
}

fn done(ctx: &Context, sentence: &str, lname: &str, written: &Written) {
    let etag = written.etag().map(|etag| etag.as_str().to_owned());
    let sentence = match &etag {
        Some(etag) => format!("{sentence} (ETag {etag})"),
        None => sentence.to_owned(),
    };
    ctx.printer.done(
        &sentence,
        &json!({"lname": lname, "etag": etag, "location": written.location()}),
    );
}
