//! With the `ui` feature: takes Swagger UI's files, less its source maps, out of the
//! `swagger-ui-dist` crate and writes them with a list of them (`swagger_ui_files.rs`) into
//! `OUT_DIR`, for `src/ui.rs` to embed.
//!
//! The crate hands its files out only as axum routes, and every route it makes, the 2.1 MiB of
//! source maps included, would be linked into any binary that calls it. Asked here, at build
//! time, it leaves in the binary only the files the docs page loads.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    #[cfg(feature = "ui")]
    swagger_ui::write_files();
}

#[cfg(feature = "ui")]
mod swagger_ui {
    use std::fmt::Write as _;
    use std::future::{Future, poll_fn};
    use std::path::{Path, PathBuf};
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use axum::body::Body;
    use axum::extract::Request;
    use swagger_ui_dist::{ApiDefinition, OpenApiSource};
    use tower::Service;

    /// The files Swagger UI's page loads, and its OAuth 2.0 redirect page. Not the `.map` files:
    /// browsers fetch those only for their developer tools.
    const FILES: [&str; 4] = [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "oauth2-redirect.html",
        "oauth2-redirect.js",
    ];

    /// Where the crate's router is asked for them; any prefix will do.
    const PREFIX: &str = "/ui";

    pub(super) fn write_files() {
        let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
        let dir = out.join("swagger-ui");
        std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
        let mut router = swagger_ui_dist::generate_routes(ApiDefinition {
            uri_prefix: PREFIX,
            api_definition: OpenApiSource::Uri("/openapi.json"),
            title: None,
        });
        let mut list = String::from("[\n");
        for name in FILES {
            let request = Request::get(format!("{PREFIX}/{name}"))
                .body(Body::empty())
                .expect("a static path is a valid URI");
            let mut service = router.as_service::<Body>();
            now(poll_fn(|cx| service.poll_ready(cx))).expect("the router is infallible");
            let response = now(service.call(request)).expect("the router is infallible");
            assert!(
                response.status().is_success(),
                "swagger-ui-dist has no {name}: {}",
                response.status()
            );
            let bytes = now(axum::body::to_bytes(response.into_body(), usize::MAX))
                .expect("an embedded file reads");
            let path = dir.join(name);
            std::fs::write(&path, &bytes).expect("OUT_DIR is writable");
            writeln!(
                list,
                "    ({name:?}, include_bytes!({:?})),",
                display(&path)
            )
            .expect("writing to a String");
        }
        list.push_str("]\n");
        std::fs::write(out.join("swagger_ui_files.rs"), list).expect("OUT_DIR is writable");
    }

    fn display(path: &Path) -> String {
        path.to_str().expect("OUT_DIR is UTF-8").to_owned()
    }

    /// The crate's handlers answer from memory, so their futures finish when first polled; no
    /// async runtime is needed to drive them.
    fn now<F: Future>(future: F) -> F::Output {
        match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("swagger-ui-dist's router did not answer at once"),
        }
    }
}
