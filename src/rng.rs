//! xorshift64*: the one small, fast, non-cryptographic random generator of the crate (retry
//! jitter) and of its tests. From the same seed it gives the same sequence on every
//! machine, which is what seeded tests need.
//!
//! A leaf of std alone (no `crate::` or `super::` path): the integration tests compile this
//! very file as `tests/common/rng.rs`'s inner module (`#[path]`), so that they draw from the
//! same generator; `scripts/module_graph.py` checks that it stays so.

/// xorshift64*'s output multiplier.
const MULTIPLIER: u64 = 0x2545_f491_4f6c_dd1d;

/// One xorshift step of the state (12, 25, 27). Zero stays zero: seed with an odd number,
/// or any number but zero.
pub(crate) fn step(mut x: u64) -> u64 {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    x
}

/// A xorshift64* generator; the field is its state, and its seed when made.
#[derive(Debug, Clone)]
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next number: the state takes one [`step`], and is scrambled on the way out.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = step(self.0);
        self.0.wrapping_mul(MULTIPLIER)
    }

    /// A number in `[0, 1)`, from the 53 high bits of the next number.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number below `n` (0 when `n` is 0).
    #[cfg(test)]
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
