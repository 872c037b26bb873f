//! `cargo xtask dist`: the release wasm, its bindings, the loader, pages and CSS in `dist/`.
//!
//! The layout is the one the relay serves (see the contract in ARCHITECTURE.md):
//! `chatward.js` (loader), `pane/`, `console/`, `demo/`, `npm/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::process;
use crate::sizes::{self, Sizes};
use crate::workspace::{CONSOLE_DIR, CONSOLE_PACKAGE, PANE_PACKAGE, WASM_TARGET, Workspace};

/// The cargo profile of the wasm that ships.
const WASM_PROFILE: &str = "wasm-release";

/// A wasm app: which package, where its bindings go and under which name.
struct WasmApp {
    package: &'static str,
    out_dir: &'static str,
    out_name: &'static str,
    /// Whether wasm-bindgen writes TypeScript declarations (for the npm package).
    typescript: bool,
}

const PANE: WasmApp = WasmApp {
    package: PANE_PACKAGE,
    out_dir: "pane",
    out_name: "chatward",
    typescript: false,
};

const CONSOLE: WasmApp = WasmApp {
    package: CONSOLE_PACKAGE,
    out_dir: "console",
    out_name: "chatward_console",
    typescript: false,
};

/// The upload guard, which the pane loads on the first picture (`web/boot.js`): beside the
/// pane's files, so the relay and the npm package's `pane/` serve it with them.
const GUARD: WasmApp = WasmApp {
    package: "chatward-guard",
    out_dir: "pane",
    out_name: "guard",
    typescript: false,
};

/// The privacy engine for JavaScript, shipped inside the npm package (`chatward/engine`).
const ENGINE: WasmApp = WasmApp {
    package: "chatward-engine",
    out_dir: "npm/engine",
    out_name: "chatward_engine",
    typescript: true,
};

/// Source files copied as they are: (from, relative to the repository; to, relative to dist).
const COPIES: &[(&str, &str)] = &[
    ("styles/pane.css", "pane/pane.css"),
    ("web/pane.html", "pane/index.html"),
    // The pane's CSP blocks inline scripts too.
    ("web/boot.js", "pane/boot.js"),
    ("index.html", "demo/index.html"),
    ("crates/chatward-console/index.html", "console/index.html"),
    ("crates/chatward-console/console.css", "console/console.css"),
    // The console's CSP blocks inline scripts, so its start-up is a file of its own.
    ("crates/chatward-console/boot.js", "console/boot.js"),
];

/// Copied ES modules that dist minifies like the bindings (crates/wasm-tools/src/bin/chatward-minify.rs).
const MINIFIED_COPIES: &[&str] = &[
    "pane/boot.js",
    "console/boot.js",
    "pane/pane.css",
    "console/console.css",
];

/// Folders copied whole: the npm package (the loader as an ES module).
const FOLDER_COPIES: &[(&str, &str)] = &[("loader/npm", "npm"), ("web/i18n", "pane/i18n")];

/// Files whose content the relay rewrites when serving (`{{RELAY}}`), so a precompressed
/// copy would be wrong.
const TEMPLATES: &[&str] = &["demo/index.html"];

/// Builds everything into `dist/` and prints the size table. Returns the dist folder.
pub fn run(ws: &Workspace) -> anyhow::Result<PathBuf> {
    let started = Instant::now();
    let mut apps: Vec<&WasmApp> = if ws.has_console() {
        vec![&PANE, &CONSOLE]
    } else {
        println!("note: {CONSOLE_DIR} does not exist yet; building the pane only");
        vec![&PANE]
    };
    apps.extend([&GUARD, &ENGINE]);

    let mut build = ws.cargo();
    build.args([
        "build",
        "--lib",
        "--target",
        WASM_TARGET,
        "--profile",
        WASM_PROFILE,
    ]);
    for app in &apps {
        build.args(["--package", app.package]);
    }
    process::run(&mut build)?;
    ws.build_tools()?;

    let dist = ws.dist_dir();
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("removing old {}", dist.display()))?;
    }
    fs::create_dir_all(&dist)?;

    let bindgen = ws.tool("chatward-bindgen");
    let mut minified: Vec<PathBuf> = Vec::new();
    for app in &apps {
        let wasm = ws
            .target_dir
            .join(WASM_TARGET)
            .join(WASM_PROFILE)
            .join(format!("{}.wasm", app.package.replace('-', "_")));
        if !wasm.is_file() {
            bail!(
                "{} was not built: does {} have `crate-type = [\"cdylib\", \"rlib\"]`?",
                wasm.display(),
                app.package
            );
        }
        process::run(
            std::process::Command::new(&bindgen)
                .arg(&wasm)
                .arg("--out-dir")
                .arg(dist.join(app.out_dir))
                .args(["--out-name", app.out_name])
                .args(["--target", "web"])
                .args((!app.typescript).then_some("--no-typescript"))
                .args(["--remove-name-section", "--remove-producers-section"]),
        )?;
        // Identical functions merged (about 1.2 KB of brotli off the pane;
        // crates/wasm-tools/src/bin/chatward-dedupe.rs), short import names instead of
        // wasm-bindgen's hashed ones (about 4 KB; chatward-short-imports.rs), then the
        // bindings minified.
        let out = dist.join(app.out_dir);
        let module = out.join(format!("{}_bg.wasm", app.out_name));
        let bindings = out.join(format!("{}.js", app.out_name));
        process::run(std::process::Command::new(ws.tool("chatward-dedupe")).arg(&module))?;
        process::run(
            std::process::Command::new(ws.tool("chatward-short-imports"))
                .arg(&module)
                .arg(&bindings),
        )?;
        minified.push(bindings);
    }

    write_loaders(ws, &dist)?;
    for (from, to) in COPIES {
        copy_if_present(ws, from, &dist.join(to))?;
    }
    // The apps' start-up modules and stylesheets too; the loader is a classic script and
    // stays as written.
    minified.extend(
        MINIFIED_COPIES
            .iter()
            .map(|name| dist.join(name))
            .filter(|path| path.is_file()),
    );
    process::run(std::process::Command::new(ws.tool("chatward-minify")).args(&minified))?;
    for (from, to) in FOLDER_COPIES {
        let source = ws.path(from);
        if source.is_dir() {
            copy_folder(&source, &dist.join(to))?;
        } else {
            println!("note: {from}/ does not exist yet; dist/{to}/ is not built");
        }
    }
    let tarball = pack_npm(&dist)?;

    let mut rows: Vec<(String, Sizes)> = Vec::new();
    for file in files_under(&dist)? {
        let name = relative_name(&dist, &file);
        // A template is rewritten when served; a tarball is already compressed.
        let sizes = if TEMPLATES.contains(&name.as_str()) || Some(&file) == tarball.as_ref() {
            sizes::measure(&file)?
        } else {
            sizes::precompress(&file)?
        };
        rows.push((name, sizes));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    println!("\n{}", sizes::table(&rows));
    println!(
        "dist: wrote {} in {:.1} s (with .gz and .br siblings)",
        dist.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(dist)
}

/// The loader's core (`loader/widget.js`) wrapped twice: as the classic script of the
/// script-tag embed (`chatward.js`, an IIFE so nothing leaks into the shop page's globals)
/// and as the npm package's ES module (`npm/index.js`).
fn write_loaders(ws: &Workspace, dist: &Path) -> anyhow::Result<()> {
    let read =
        |name: &str| fs::read_to_string(ws.path(name)).with_context(|| format!("reading {name}"));
    let (core, embed, module) = (
        read("loader/widget.js")?,
        read("loader/embed.js")?,
        read("loader/module.js")?,
    );
    let banner = "/*! Chatward loader (MIT OR Apache-2.0) */\n";
    let classic = format!("{banner}(function () {{\n\"use strict\";\n{core}\n{embed}}})();\n");
    let esm = format!("{banner}{core}\n{module}");
    fs::write(dist.join("chatward.js"), classic)?;
    fs::create_dir_all(dist.join("npm"))?;
    fs::write(dist.join("npm/index.js"), esm)?;
    Ok(())
}

/// Completes the npm package (`npm/pane/` for self-hosting) and packs it into
/// `dist/chatward-<version>.tgz` with `npm pack`. Returns the tarball, or None when npm is
/// missing or the package folder does not exist.
fn pack_npm(dist: &Path) -> anyhow::Result<Option<PathBuf>> {
    let package = dist.join("npm");
    if !package.join("package.json").is_file() {
        return Ok(None);
    }
    if dist.join("pane").is_dir() {
        copy_folder(&dist.join("pane"), &package.join("pane"))?;
    }
    let version = env!("CARGO_PKG_VERSION");
    let manifest = fs::read_to_string(package.join("package.json"))?;
    if !manifest.contains(&format!("\"version\": \"{version}\"")) {
        bail!("loader/npm/package.json must have the workspace version \"{version}\"");
    }
    if !process::succeeds(std::process::Command::new("npm").arg("--version")) {
        println!("note: npm is not available; the npm tarball is not built");
        return Ok(None);
    }
    process::run(
        std::process::Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(dist)
            .current_dir(&package),
    )?;
    let tarball = dist.join(format!("chatward-{version}.tgz"));
    if !tarball.is_file() {
        bail!("npm pack did not write {}", tarball.display());
    }
    println!(
        "npm: packed {} ({} bytes)",
        relative_name(dist, &tarball),
        fs::metadata(&tarball)?.len()
    );
    Ok(Some(tarball))
}

fn copy_if_present(ws: &Workspace, from: &str, to: &Path) -> anyhow::Result<()> {
    let source = ws.path(from);
    if !source.is_file() {
        println!("note: {from} does not exist yet; skipped");
        return Ok(());
    }
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(&source, to).with_context(|| format!("copying {from}"))?;
    Ok(())
}

fn copy_folder(from: &Path, to: &Path) -> anyhow::Result<()> {
    for file in files_under(from)? {
        let target = to.join(file.strip_prefix(from)?);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(&file, &target).with_context(|| format!("copying {}", file.display()))?;
    }
    Ok(())
}

/// Every file below `dir`, skipping `node_modules` folders and precompressed siblings.
fn files_under(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in
            fs::read_dir(&folder).with_context(|| format!("listing {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "node_modules") {
                    pending.push(path);
                }
            } else if !path
                .extension()
                .is_some_and(|extension| extension == "gz" || extension == "br")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `dir/pane/chatward.js` -> `pane/chatward.js`, with `/` on every platform.
fn relative_name(dir: &Path, file: &Path) -> String {
    file.strip_prefix(dir)
        .unwrap_or(file)
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
