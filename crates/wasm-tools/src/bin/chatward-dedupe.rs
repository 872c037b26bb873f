//! Merges the functions of a wasm module that are byte for byte the same.
//!
//! Rust compiles a generic function once per type it is used with, and many of those
//! copies come out identical: the drop of an `Rc` of one type and of another, the same
//! closure shim for two closures. LLVM does not merge them on wasm, so the pane carried
//! hundreds of duplicates. Each duplicate is deleted and everything that referred to it
//! (calls, the function table, exports) refers to the copy that is kept; the table keeps
//! its slots, so function pointers keep their values. Merging callees can make their
//! callers identical in turn, so this repeats until nothing is left to merge. About 1.2 KB
//! of the pane's brotli size (docs/size.md).
//!
//! Usage: `chatward-dedupe <module.wasm>` (rewritten in place).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use walrus::ir::VisitorMut;
use walrus::{
    ConstExpr, ElementItems, ExportItem, FunctionId, GlobalKind, Module, ModuleConfig, TypeId,
};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: chatward-dedupe <module.wasm>");
        return ExitCode::from(2);
    };
    let result = std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|wasm| dedupe(&wasm))
        .and_then(|(wasm, merged)| {
            std::fs::write(path, wasm).map_err(|e| e.to_string())?;
            Ok(merged)
        });
    match result {
        Ok(merged) => {
            println!("{merged} duplicate functions of {} merged", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("chatward-dedupe: {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// The module with its identical functions merged, and how many were removed.
fn dedupe(wasm: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let mut wasm = wasm.to_vec();
    let mut merged = 0;
    loop {
        let mut module = ModuleConfig::new()
            .generate_producers_section(false)
            .parse(&wasm)
            .map_err(|e| e.to_string())?;
        let duplicates = duplicates(&module, &wasm)?;
        if duplicates.is_empty() {
            return Ok((wasm, merged));
        }
        merged += duplicates.len();
        redirect(&mut module, &duplicates);
        for &duplicate in duplicates.keys() {
            module.funcs.delete(duplicate);
        }
        wasm = module.emit_wasm();
    }
}

/// Each local function whose type and body bytes an earlier one has, mapped to that one.
fn duplicates(module: &Module, wasm: &[u8]) -> Result<HashMap<FunctionId, FunctionId>, String> {
    let code = code_section(wasm)?;
    let mut first: HashMap<(TypeId, &[u8]), FunctionId> = HashMap::new();
    let mut duplicates = HashMap::new();
    let mut locals: Vec<_> = module.funcs.iter_local().collect();
    locals.sort_by_key(|(_, function)| function.original_range.as_ref().map(|r| r.start));
    for (id, function) in locals {
        let range = function
            .original_range
            .clone()
            .ok_or("a parsed function has no place in the code section")?;
        let body = code
            .get(range)
            .ok_or("a function lies outside the code section")?;
        match first.entry((function.ty(), body)) {
            std::collections::hash_map::Entry::Occupied(kept) => {
                duplicates.insert(id, *kept.get());
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(id);
            }
        }
    }
    Ok(duplicates)
}

/// The bytes of the code section after its header, which walrus's function ranges index.
fn code_section(wasm: &[u8]) -> Result<&[u8], String> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionStart { range, .. } =
            payload.map_err(|e| e.to_string())?
        {
            return wasm
                .get(range)
                .ok_or_else(|| "the code section is cut short".to_owned());
        }
    }
    Ok(&[])
}

/// Points every reference to a duplicate at the function kept in its place.
fn redirect(module: &mut Module, duplicates: &HashMap<FunctionId, FunctionId>) {
    struct Redirect<'a>(&'a HashMap<FunctionId, FunctionId>);
    impl VisitorMut for Redirect<'_> {
        fn visit_function_id_mut(&mut self, function: &mut FunctionId) {
            if let Some(&kept) = self.0.get(function) {
                *function = kept;
            }
        }
    }
    let kept = |id: &mut FunctionId| {
        if let Some(&k) = duplicates.get(id) {
            *id = k;
        }
    };
    for (_, function) in module.funcs.iter_local_mut() {
        let entry = function.entry_block();
        walrus::ir::dfs_pre_order_mut(&mut Redirect(duplicates), function, entry);
    }
    for element in module.elements.iter_mut() {
        match &mut element.items {
            ElementItems::Functions(functions) => functions.iter_mut().for_each(kept),
            ElementItems::Expressions(_, expressions) => {
                for expression in expressions {
                    if let ConstExpr::RefFunc(function) = expression {
                        kept(function);
                    }
                }
            }
        }
    }
    let globals: Vec<_> = module.globals.iter().map(|global| global.id()).collect();
    for global in globals {
        if let GlobalKind::Local(ConstExpr::RefFunc(function)) =
            &mut module.globals.get_mut(global).kind
        {
            kept(function);
        }
    }
    for export in module.exports.iter_mut() {
        if let ExportItem::Function(function) = &mut export.item {
            kept(function);
        }
    }
    if let Some(start) = &mut module.start {
        kept(start);
    }
}

#[cfg(test)]
mod tests {
    use super::dedupe;
    use walrus::{ExportItem, FunctionBuilder, Module, ModuleConfig, ValType};

    /// A module exporting `seven_a` and `seven_b` (the same body), `calls_a` and `calls_b`
    /// (each calling one of them), `seven_i64` (the same instructions' shape, another type)
    /// and the table slots of both sevens.
    fn module() -> Vec<u8> {
        let mut module = Module::with_config(ModuleConfig::new());
        let seven = |module: &mut Module, name: &str| {
            let mut f = FunctionBuilder::new(&mut module.types, &[], &[ValType::I32]);
            f.func_body().i32_const(7);
            let id = f.finish(vec![], &mut module.funcs);
            module.exports.add(name, id);
            id
        };
        let a = seven(&mut module, "seven_a");
        let b = seven(&mut module, "seven_b");
        for (name, callee) in [("calls_a", a), ("calls_b", b)] {
            let mut f = FunctionBuilder::new(&mut module.types, &[], &[ValType::I32]);
            f.func_body()
                .call(callee)
                .i32_const(1)
                .binop(walrus::ir::BinaryOp::I32Add);
            let id = f.finish(vec![], &mut module.funcs);
            module.exports.add(name, id);
        }
        let mut f = FunctionBuilder::new(&mut module.types, &[], &[ValType::I64]);
        f.func_body().i64_const(7);
        let other = f.finish(vec![], &mut module.funcs);
        module.exports.add("seven_i64", other);
        let table = module
            .tables
            .add_local(false, 2, None, walrus::RefType::FUNCREF);
        module.elements.add(
            walrus::ElementKind::Active {
                table,
                offset: walrus::ConstExpr::Value(walrus::ir::Value::I32(0)),
            },
            walrus::ElementItems::Functions(vec![a, b]),
        );
        module.emit_wasm()
    }

    fn exported(module: &Module, name: &str) -> walrus::FunctionId {
        match module
            .exports
            .iter()
            .find(|e| e.name == name)
            .map(|e| &e.item)
        {
            Some(ExportItem::Function(id)) => *id,
            _ => panic!("{name} is not an exported function"),
        }
    }

    #[test]
    fn identical_functions_and_then_their_callers_are_merged() {
        let (wasm, merged) = dedupe(&module()).expect("the module is read and written");
        assert_eq!(
            merged, 2,
            "seven_b, then calls_b once its callee is seven_a"
        );
        wasmparser::Validator::new()
            .validate_all(&wasm)
            .expect("the result is a valid module");
        let module = Module::from_buffer(&wasm).expect("the result parses");
        assert_eq!(module.funcs.iter_local().count(), 3);
        assert_eq!(exported(&module, "seven_a"), exported(&module, "seven_b"));
        assert_eq!(exported(&module, "calls_a"), exported(&module, "calls_b"));
        assert_ne!(exported(&module, "seven_a"), exported(&module, "seven_i64"));
        // The table keeps both slots, now the same function.
        let element = module
            .elements
            .iter()
            .next()
            .expect("the table's element segment");
        let walrus::ElementItems::Functions(slots) = &element.items else {
            panic!("the segment lists functions");
        };
        assert_eq!(slots, &vec![exported(&module, "seven_a"); 2]);
    }

    #[test]
    fn a_module_without_duplicates_is_left_as_it_is() {
        let (once, _) = dedupe(&module()).expect("first pass");
        let (twice, merged) = dedupe(&once).expect("second pass");
        assert_eq!(merged, 0);
        assert_eq!(once, twice);
    }
}
