//! Light-client benchmarks (placeholder replaced below).
fn main() {}
