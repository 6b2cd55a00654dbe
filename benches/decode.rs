//! Decoding a realistic page (100 stages, every field set, about 88 KB) into typed stages,
//! against the floor: serde_json walking the same bytes into `IgnoredAny`. Judged by
//! decode / floor (target <= 2.5), with the decoded page dropped outside the timing (its
//! drop, freeing about 1,700 strings and maps, is printed apart: "decode and drop");
//! criterion also reports MB/s.

mod support;

use std::hint::black_box;
use std::time::Duration;

use apigwv2::GetStagesOutput;
use criterion::{criterion_group, Criterion, Throughput};
use serde::de::IgnoredAny;

fn page() -> Vec<u8> {
    let items: Vec<_> = (0..100).map(support::full_stage).collect();
    serde_json::to_vec(&GetStagesOutput::new(items, Some("eyJ2IjoxLCJvIjoxMDB9".into()))).unwrap()
}

fn bench(c: &mut Criterion) {
    let body = page();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("stages_page", |b| {
        b.iter(|| apigwv2::GetStagesOutput::from_json(black_box(&body)).unwrap())
    });
    g.bench_function("floor_ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&body)).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}

fn main() {
    benches();
    if support::benchmarking() {
        let body = page();
        println!("page: {} bytes, {} stages", body.len(), 100);
        // Judged: decoding alone. The page is dropped outside the timing, as a value the
        // caller keeps would be.
        let ratio = support::print_ratio_dropped_apart(
            "decode stages_page/floor",
            2.5,
            Duration::from_secs(2),
            || apigwv2::GetStagesOutput::from_json(black_box(&body)).unwrap(),
            || serde_json::from_slice::<IgnoredAny>(black_box(&body)).unwrap(),
        );
        // Not judged: decoding and dropping, back to back (criterion's `stages_page`).
        support::print_ratio(
            "decode and drop stages_page/floor",
            f64::INFINITY,
            Duration::from_secs(2),
            || {
                black_box(apigwv2::GetStagesOutput::from_json(black_box(&body)).unwrap());
            },
            || {
                black_box(serde_json::from_slice::<IgnoredAny>(black_box(&body)).unwrap());
            },
        );
        // Not judged: against plain derived types with the same fields (support::plain).
        support::print_ratio_dropped_apart(
            "decode stages_page/plain serde types",
            f64::INFINITY,
            Duration::from_secs(2),
            || apigwv2::GetStagesOutput::from_json(black_box(&body)).unwrap(),
            || support::plain::decode(black_box(&body)),
        );
        let t = std::time::Instant::now();
        let n = 200;
        for _ in 0..n {
            black_box(apigwv2::GetStagesOutput::from_json(black_box(&body)).unwrap());
        }
        let secs = t.elapsed().as_secs_f64() / n as f64;
        println!(
            "decode throughput (with drop): {:.0} MB/s (judged ratio {ratio:.3})",
            body.len() as f64 / secs / 1e6
        );
    }
    Criterion::default().configure_from_args().final_summary();
}
