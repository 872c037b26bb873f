//! The widget's built files (`dist/`): the precompressed `.br`/`.gz` siblings that
//! `cargo xtask dist` writes, served as they are, with caching the browser can revalidate.
//!
//! Compressing a 650 KB wasm on every request costs the relay CPU and the customer time
//! (hundreds of milliseconds in a debug build), so the best-quality copies made once at build
//! time are sent instead; files without a sibling are compressed on the fly. The file names
//! carry no content hash, so nothing may be cached as immutable: `no-cache` with the ETag
//! and Last-Modified that `ServeDir` sends lets a returning browser revalidate each file with
//! a small 304 and never mix a new page with an old wasm.

use std::path::Path;

use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use tower_http::compression::Compression;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

/// How browsers may cache the widget's files: keep them, but ask the relay (a 304 at best)
/// before each use.
pub const CACHE_POLICY: &str = "no-cache";

/// The service answering every path no route claims: the files under `dir`.
pub type Assets = SetResponseHeader<Compression<ServeDir>, HeaderValue>;

/// Serves `dir`: precompressed siblings when the browser accepts them, on-the-fly
/// compression otherwise, `index.html` for folders, and [`CACHE_POLICY`] on every answer.
/// `.wasm` is `application/wasm` by the MIME table, also when its `.br` is what is sent, so
/// browsers compile it while it streams in.
pub fn service(dir: &Path) -> Assets {
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .precompressed_br()
        .precompressed_gzip();
    // Compression skips answers that already carry a Content-Encoding (the precompressed ones).
    SetResponseHeader::if_not_present(
        Compression::new(files),
        CACHE_CONTROL,
        HeaderValue::from_static(CACHE_POLICY),
    )
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::header::{
        ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    };
    use axum::http::{Request, Response, StatusCode};
    use tower::ServiceExt as _;

    use super::*;

    /// A dist folder with a wasm and its siblings (their bytes tell which one was sent) and
    /// a stylesheet without siblings.
    fn dist() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let pane = dir.path().join("pane");
        std::fs::create_dir_all(&pane).unwrap();
        std::fs::write(pane.join("chatward_bg.wasm"), b"\0asm\x01\0\0\0plain").unwrap();
        std::fs::write(pane.join("chatward_bg.wasm.br"), b"brotli copy").unwrap();
        std::fs::write(pane.join("chatward_bg.wasm.gz"), b"gzip copy").unwrap();
        std::fs::write(
            pane.join("index.html"),
            "<!doctype html><title>pane</title>",
        )
        .unwrap();
        std::fs::write(pane.join("index.html.br"), b"brotli page").unwrap();
        std::fs::write(pane.join("pane.css"), "body{margin:0}".repeat(100)).unwrap();
        dir
    }

    async fn get(dir: &Path, path: &str, headers: &[(&str, &str)]) -> Response<Body> {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        service(dir)
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
            .map(Body::new)
    }

    async fn body(response: Response<Body>) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    fn header(response: &Response<Body>, name: impl axum::http::header::AsHeaderName) -> &str {
        response
            .headers()
            .get(name)
            .map_or("", |value| value.to_str().unwrap())
    }

    #[tokio::test]
    async fn brotli_copy_is_sent_as_wasm_with_revalidation() {
        let dir = dist();
        let response = get(
            dir.path(),
            "/pane/chatward_bg.wasm",
            &[("accept-encoding", "gzip, deflate, br, zstd")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, CONTENT_ENCODING), "br");
        assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
        assert_eq!(header(&response, CACHE_CONTROL), CACHE_POLICY);
        assert!(
            !header(&response, ETAG).is_empty(),
            "an ETag to revalidate with"
        );
        assert_eq!(body(response).await, b"brotli copy");
    }

    #[tokio::test]
    async fn gzip_copy_and_plain_file_by_accept_encoding() {
        let dir = dist();
        let gzip = get(
            dir.path(),
            "/pane/chatward_bg.wasm",
            &[("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(header(&gzip, CONTENT_ENCODING), "gzip");
        assert_eq!(body(gzip).await, b"gzip copy");
        let plain = get(dir.path(), "/pane/chatward_bg.wasm", &[]).await;
        assert_eq!(header(&plain, CONTENT_ENCODING), "");
        assert_eq!(body(plain).await, b"\0asm\x01\0\0\0plain");
    }

    #[tokio::test]
    async fn folder_gets_its_precompressed_index() {
        let dir = dist();
        let response = get(dir.path(), "/pane/", &[("accept-encoding", "br")]).await;
        assert_eq!(header(&response, CONTENT_ENCODING), "br");
        assert!(header(&response, CONTENT_TYPE).starts_with("text/html"));
        assert_eq!(body(response).await, b"brotli page");
    }

    #[tokio::test]
    async fn file_without_siblings_is_compressed_on_the_fly() {
        let dir = dist();
        let response = get(dir.path(), "/pane/pane.css", &[("accept-encoding", "gzip")]).await;
        assert_eq!(header(&response, CONTENT_ENCODING), "gzip");
        assert_eq!(header(&response, CACHE_CONTROL), CACHE_POLICY);
    }

    #[tokio::test]
    async fn unchanged_file_revalidates_with_304() {
        let dir = dist();
        let first = get(
            dir.path(),
            "/pane/chatward_bg.wasm",
            &[(ACCEPT_ENCODING.as_str(), "br")],
        )
        .await;
        let etag = header(&first, ETAG).to_owned();
        let again = get(
            dir.path(),
            "/pane/chatward_bg.wasm",
            &[
                (ACCEPT_ENCODING.as_str(), "br"),
                (IF_NONE_MATCH.as_str(), &etag),
            ],
        )
        .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
}
