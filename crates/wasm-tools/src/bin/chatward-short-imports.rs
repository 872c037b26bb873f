//! Gives the imports of a wasm-bindgen module short names, in the wasm and in its bindings.
//!
//! wasm-bindgen names every import after the function and a hash
//! (`__wbg_addEventListener_f2d27251d333a631`) and writes each name twice: in the wasm's
//! import section and as a key of the bindings' import object. The sixteen hex digits do
//! not compress; named `a`, `b`, ... in the order the bindings list them, the pane is about
//! 4 KB of brotli smaller (docs/size.md). Nothing else changes: the bindings' exports, the
//! code and the data stay as they are. As the last step that rewrites the wasm, it also
//! leaves out the custom sections browsers ignore: `target_features` (which the linker
//! writes) and `producers` (which walrus would write back after wasm-bindgen removed it).
//!
//! Usage: `chatward-short-imports <module_bg.wasm> <module.js>` (both rewritten in place,
//! or neither when something does not match).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use walrus::{ImportId, Module, ModuleConfig};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [wasm, js] = args.as_slice() else {
        eprintln!("usage: chatward-short-imports <module_bg.wasm> <module.js>");
        return ExitCode::from(2);
    };
    match shorten(wasm, js) {
        Ok(count) => {
            println!("{count} imports of {} renamed", wasm.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("chatward-short-imports: {error}");
            ExitCode::FAILURE
        }
    }
}

fn shorten(wasm_path: &Path, js_path: &Path) -> Result<usize, String> {
    let mut module = read(wasm_path)?;
    let mut js = fs::read_to_string(js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;

    // The imports the bindings provide (module `./<name>_bg.js`), each with the one place
    // its name is a key of the import object.
    let mut keyed: Vec<(usize, ImportId)> = Vec::new();
    for import in module
        .imports
        .iter()
        .filter(|i| i.module.ends_with("_bg.js"))
    {
        let at = key_position(&js, &import.name).ok_or_else(|| {
            format!(
                "{} is not exactly once a key in {}",
                import.name,
                js_path.display()
            )
        })?;
        keyed.push((at, import.id()));
    }
    keyed.sort_unstable_by_key(|&(at, _)| at);

    // From the end of the bindings backwards, so the positions not yet used stay valid.
    for (n, &(at, id)) in keyed.iter().enumerate().rev() {
        let name = short_name(n);
        let import = module.imports.get_mut(id);
        js.replace_range(at..at + import.name.len(), &name);
        import.name = name;
    }
    module
        .emit_wasm_file(wasm_path)
        .map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    fs::write(js_path, js).map_err(|e| format!("{}: {e}", js_path.display()))?;
    Ok(keyed.len())
}

/// The module at `path`, to be written back without the custom sections browsers ignore.
fn read(path: &Path) -> Result<Module, String> {
    let mut module = ModuleConfig::new()
        .generate_producers_section(false)
        .parse_file(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    module.customs.remove_raw("target_features");
    Ok(module)
}

/// Where `name` is a key of the import object (a line of its own starting with `name:`
/// after the indentation): `None` unless exactly one such place.
fn key_position(js: &str, name: &str) -> Option<usize> {
    let key = format!("{name}:");
    let line_start = |at: usize| js[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let mut places = js.match_indices(&key).map(|(at, _)| at).filter(|&at| {
        js[line_start(at)..at]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
    });
    let at = places.next()?;
    places.next().is_none().then_some(at)
}

/// `a` ... `z`, `A` ... `Z`, then `aa`, `ab`, ...: short, distinct identifiers.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % 52]);
        n /= 52;
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{key_position, read, short_name};

    #[test]
    fn sections_browsers_ignore_are_left_out() {
        let mut module = walrus::Module::default();
        module.producers.add_processed_by("rustc", "1.95");
        module.customs.add(walrus::RawCustomSection {
            name: "target_features".into(),
            data: b"+\x0fmutable-globals".to_vec(),
        });
        let dir = std::env::temp_dir().join(format!("short-imports-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("module.wasm");
        let written = module.emit_wasm();
        let contains = |bytes: &[u8], part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        assert!(contains(&written, b"target_features") && contains(&written, b"producers"));
        std::fs::write(&path, written).unwrap();
        let emitted = read(&path).unwrap().emit_wasm();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!contains(&emitted, b"target_features"));
        assert!(!contains(&emitted, b"producers"));
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic()))
        );
    }

    #[test]
    fn a_key_is_found_only_where_it_is_one() {
        let js = "const imports = {\n    __wbg_a_1: function() {},\n    x: 'see __wbg_a_1: here',\n    __wbg_b_2: function() {},\n    __wbg_b_2: function() {},\n};";
        assert_eq!(
            js[key_position(js, "__wbg_a_1").unwrap()..].find(':'),
            Some(9)
        );
        assert_eq!(key_position(js, "__wbg_b_2"), None, "twice");
        assert_eq!(key_position(js, "__wbg_c_3"), None, "absent");
    }
}
