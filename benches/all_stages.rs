//! Every stage of every API against LocalApiGateway with 50 ms per request: 200 APIs of 3
//! stages, listed with the default parallelism (8) and one after the other. The target is a
//! wall time within 1.5x of `ceil(200 / parallelism) x 50 ms` for the default parallelism.
//! Prints `RATIO` lines like the other benches, and the server's peak requests in flight.

use std::hint::black_box;
use std::time::{Duration, Instant};

use apigwv2::testing::LocalApiGateway;
use apigwv2::Stage;
use criterion::{criterion_group, Criterion};

const APIS: usize = 200;
const LATENCY: Duration = Duration::from_millis(50);

fn setup() -> LocalApiGateway {
    let mut b = LocalApiGateway::builder()
        .latency(LATENCY)
        .record_requests(false)
        .default_page_size(100);
    for i in 0..APIS {
        b = b.api(
            format!("api-{i:03}"),
            (0..3).map(|s| Stage::new(format!("s{s}"))).collect(),
        );
    }
    b.start().expect("start LocalApiGateway")
}

fn list(gw: &LocalApiGateway, parallelism: usize) -> usize {
    let client = gw.client().expect("client");
    let mut n = 0;
    for stage in client.all_stages().parallelism(parallelism) {
        black_box(stage.expect("stage"));
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let gw = setup();
    let mut g = c.benchmark_group("all_stages");
    g.sample_size(10);
    g.bench_function("200_apis_parallelism_8", |b| b.iter(|| black_box(list(&gw, 8))));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(2));
    targets = bench
}

fn main() {
    benches();
    if std::env::args().any(|a| a == "--bench") {
        let gw = setup();
        for p in [8usize, 16, 1] {
            let started = Instant::now();
            assert_eq!(list(&gw, p), APIS * 3);
            let took = started.elapsed();
            let ideal = LATENCY * APIS.div_ceil(p) as u32;
            let ratio = took.as_secs_f64() / ideal.as_secs_f64();
            println!(
                "RATIO all_stages parallelism {p}: {ratio:.3} (wall {:.0} ms / ceil({APIS}/{p}) x 50 ms = {:.0} ms; target <= 1.5) {}",
                took.as_secs_f64() * 1e3,
                ideal.as_secs_f64() * 1e3,
                if ratio <= 1.5 { "MET" } else { "NOT MET" }
            );
        }
        println!("peak requests in flight at the server: {}", gw.max_in_flight());
    }
    Criterion::default().configure_from_args().final_summary();
}
