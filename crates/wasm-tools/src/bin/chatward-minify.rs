//! Minifies, in place, the JavaScript bindings wasm-bindgen writes and the apps' start-up
//! modules, with oxc: the module's exports keep their names (the pages and the npm package
//! import them), everything inside is compressed and renamed (the pane's bindings lose
//! about 1.8 KB of brotli, docs/size.md). Stylesheets (`.css`) lose their comments and
//! spaces with rustdoc's minifier (0.2 KB of the pane's).
//!
//! Usage: `chatward-minify <file.js|file.css>...` (a file that does not parse is left as it
//! is and the command fails).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions, CommentOptions};
use oxc_compat::EngineTargets;
use oxc_mangler::MangleOptions;
use oxc_minifier::{CompressOptions, Minifier, MinifierOptions};
use oxc_parser::Parser;
use oxc_span::SourceType;

fn main() -> ExitCode {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("usage: chatward-minify <module.js>...");
        return ExitCode::from(2);
    }
    for file in &files {
        if let Err(error) = minify_file(file) {
            eprintln!("chatward-minify: {}: {error}", file.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn minify_file(path: &Path) -> Result<(), String> {
    let source = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let minified = if path.extension().is_some_and(|e| e == "css") {
        minify_css(&source)?
    } else {
        minify(&source)?
    };
    fs::write(path, minified).map_err(|e| e.to_string())
}

/// A stylesheet without its comments and the spaces it does not need.
fn minify_css(source: &str) -> Result<String, String> {
    minifier::css::minify(source)
        .map(|minified| minified.to_string())
        .map_err(|error| format!("does not parse: {error}"))
}

/// The newest JavaScript the minified files may use: what the browsers that run the pane's
/// wasm and ES modules (2020 and later) understand.
const TARGET: &str = "es2020";

/// `source`, an ES module, minified: compressed, local names shortened, exports kept.
fn minify(source: &str) -> Result<String, String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::mjs()).parse();
    if let Some(error) = parsed.diagnostics.first() {
        return Err(format!("does not parse: {error}"));
    }
    let mut program = parsed.program;
    // Never write syntax newer than ES2020 (the minifier does not lower what is already
    // there, it only avoids introducing newer forms such as `??=`).
    let target = EngineTargets::from_target(TARGET)?;
    let options = MinifierOptions {
        mangle: Some(MangleOptions::default()),
        mangle_properties: None,
        compress: Some(CompressOptions {
            target,
            ..CompressOptions::smallest()
        }),
    };
    let minified = Minifier::new(options).minify(&allocator, &mut program);
    let printed = Codegen::new()
        .with_options(CodegenOptions {
            minify: true,
            comments: CommentOptions::disabled(),
            ..CodegenOptions::default()
        })
        .with_scoping(minified.scoping)
        .build(&program);
    Ok(printed.code)
}

#[cfg(test)]
mod tests {
    use super::{minify, minify_css};

    #[test]
    fn stylesheets_lose_comments_and_spaces_but_not_meaning() {
        let css = "/* the pane */\n.cw-pane[data-theme=\"dark\"] {\n  --cw-bg: #17191c;\n}\n\
                   @media (prefers-color-scheme: dark) {\n  :root { color-scheme: dark; }\n}\n\
                   .cw-frame { height: min(600px, calc(100vh - 108px)); clip: rect(0 0 0 0); }\n";
        let minified = minify_css(css).unwrap();
        assert!(
            minified.len() < css.len() && !minified.contains('\n'),
            "{minified}"
        );
        assert!(!minified.contains("the pane"), "{minified}");
        assert!(
            minified.contains(".cw-pane[data-theme=\"dark\"]{"),
            "{minified}"
        );
        assert!(
            minified.contains("@media (prefers-color-scheme:dark)"),
            "{minified}"
        );
        // The spaces CSS needs stay: around a subtraction, between a shorthand's values.
        assert!(minified.contains("calc(100vh - 108px)"), "{minified}");
        assert!(minified.contains("rect(0 0 0 0)"), "{minified}");
    }

    const MODULE: &str = "
        let wasmInstanceExports;
        function getStringFromWasm(pointer, length) {
            return `${pointer}:${length}`;
        }
        export function start(options) {
            return getStringFromWasm(options.module_or_path, wasmInstanceExports);
        }
        async function __wbg_init(module_or_path) {
            wasmInstanceExports = module_or_path;
        }
        export { __wbg_init as default };
    ";

    #[test]
    fn exports_and_properties_keep_their_names_and_locals_are_shortened() {
        let minified = minify(MODULE).unwrap();
        assert!(minified.len() < MODULE.len() / 2, "{minified}");
        assert!(minified.contains("export function start("), "{minified}");
        assert!(minified.contains("as default"), "{minified}");
        assert!(minified.contains(".module_or_path"), "{minified}");
        assert!(!minified.contains("getStringFromWasm"), "{minified}");
        assert!(!minified.contains("wasmInstanceExports"), "{minified}");
    }

    #[test]
    fn nothing_newer_than_es2020_is_introduced() {
        let minified =
            minify("export function f(o) { if (o.x == null) { o.x = 1; } return o; }").unwrap();
        assert!(!minified.contains("??="), "{minified}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        assert!(minify("export function (").is_err());
    }
}
