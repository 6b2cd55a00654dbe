//! Helpers shared by the integration tests.
#![allow(dead_code)]

use apigwv2::testing::LocalApiGateway;
use apigwv2::{Client, Error, Stage};

/// `n` stages named `stage-0000`, `stage-0001`, ...
pub fn numbered(n: usize) -> Vec<Stage> {
    (0..n).map(|i| Stage::new(format!("stage-{i:04}"))).collect()
}

/// A started gateway with one API.
pub fn gateway(api_id: &str, stages: Vec<Stage>) -> LocalApiGateway {
    LocalApiGateway::builder()
        .api(api_id, stages)
        .start()
        .expect("start LocalApiGateway")
}

/// A client for a gateway with retries off (each fault is seen as it is) and short
/// timeouts, so no test can hang.
pub fn client(gw: &LocalApiGateway) -> Client {
    gw.client_builder()
        .timeout(std::time::Duration::from_secs(10))
        .retry_config(apigwv2::retry::RetryConfig::disabled())
        .build()
        .expect("client")
}

/// The names of every stage yielded, or the first error.
pub fn names(it: impl Iterator<Item = Result<Stage, Error>>) -> Result<Vec<String>, Error> {
    it.map(|s| s.map(|s| s.stage_name)).collect()
}
pub mod fake;
pub mod proxy;

use std::path::{Path, PathBuf};

/// The `stages` example next to this test binary (`target/<profile>/examples`), after
/// checking that it was built from the sources as they are now.
///
/// `cargo test` builds the examples before it runs any test, so the binary is fresh after the
/// README's command. It is stale after `cargo test --test cli` (which builds no example)
/// following an edit: then this fails and says how to rebuild, instead of testing an old
/// binary. The sources are those cargo itself watches for this binary, from the dep-info
/// file it writes beside it (every file of this crate and the example), plus `Cargo.lock`.
/// (Building it from here is no way out: `cargo test` holds the target directory's lock
/// while tests run, and a second target directory would build every dependency again.)
pub fn stages_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join(format!("stages{}", std::env::consts::EXE_SUFFIX));
    let rebuild = "build it with `cargo build --example stages --features testing`, or run \
                   `cargo test` without `--test`";
    let built = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("the stages example is not at {} ({e}): {rebuild}", path.display()));
    let dep_info = std::fs::read_to_string(dir.join("stages.d"))
        .unwrap_or_else(|e| panic!("no dep-info beside {} ({e}): {rebuild}", path.display()));
    let mut sources = dep_info_sources(&dep_info);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for needed in ["examples/stages.rs", "src/lib.rs", "src/paginator.rs"] {
        assert!(
            sources.contains(&root.join(needed)),
            "{needed} is not among the example's sources {sources:?}"
        );
    }
    sources.push(root.join("Cargo.lock"));
    for source in &sources {
        let changed = std::fs::metadata(source)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("{}: {e}: {rebuild}", source.display()));
        assert!(
            changed <= built,
            "the stages example at {} is older than {}: {rebuild}",
            path.display(),
            source.display()
        );
    }
    path
}

/// The prerequisites of a Makefile-style dep-info file (`target: a.rs b.rs`, spaces in
/// names escaped as `\ `).
pub fn dep_info_sources(dep_info: &str) -> Vec<PathBuf> {
    let rule = dep_info
        .lines()
        .find_map(|l| l.split_once(": "))
        .map_or("", |(_, deps)| deps);
    let mut sources = Vec::new();
    let mut current = String::new();
    let mut chars = rule.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ' ' => sources.extend((!current.is_empty()).then(|| PathBuf::from(std::mem::take(&mut current)))),
            c => current.push(c),
        }
    }
    sources.extend((!current.is_empty()).then(|| PathBuf::from(current)));
    sources
}
