//! Peak memory while listing N stages (default 1,000,000) lazily from LocalApiGateway in
//! pages of 100, read from `VmHWM` in `/proc/self/status` (Linux). The server makes its
//! stages on demand, so what grows is only the client's side: it must not grow with N.
//!
//! Run: `cargo run --release --example memory --features testing -- 1000000`
//! (`scripts/memory.sh` compares 1,000 with 1,000,000 stages).

use apigwv2::testing::LocalApiGateway;
use apigwv2::Stage;

fn stage(i: usize) -> Stage {
    let mut s = Stage::new(format!("stage-{i:07}"));
    s.description = Some(format!("stage number {i}"));
    s.deployment_id = Some(format!("d{i:06x}"));
    s.auto_deploy = Some(i % 2 == 0);
    s
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let gw = LocalApiGateway::builder()
        .generated_api("big", n, stage)
        .record_requests(false)
        .start()?;
    let client = gw.client()?;
    let mut count = 0usize;
    let mut bytes = 0usize;
    for s in client.stages("big").page_size(100) {
        let s = s?;
        bytes += s.stage_name.len();
        count += 1;
    }
    if count != n {
        return Err(format!("listed {count} of {n} stages").into());
    }
    let rss = peak_rss_kib().ok_or("VmHWM is not available (Linux only)")?;
    println!(
        "stages={count} pages={} name_bytes={bytes} peak_rss_kib={rss}",
        gw.request_count()
    );
    Ok(())
}
