//! xorshift64*: small, seeded, dependency-free randomness, the same sequence on every
//! machine, and byte mutations, for the generated and mutated inputs of the differential
//! and no-panic tests.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `num` times in `den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T: ?Sized>(&mut self, from: &[&'a T]) -> &'a T {
        from[self.below(from.len())]
    }

    /// Up to `max` pieces, each drawn from `pieces`.
    pub fn text(&mut self, pieces: &[&str], max: usize) -> String {
        (0..self.below(max + 1)).map(|_| self.pick(pieces)).collect()
    }
}

/// Bytes that tend to matter to parsers.
const INTERESTING: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"1e999",
    b"-0",
    b"\xff",
    b"\x00",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"%",
    b"%zz",
    b"%C3%",
    b"\n",
    b"\r\n",
    b"GMT",
    b"apigwv2:skip=",
    b"18446744073709551616",
    b"\xf0\x9f\x98",
    b"[::1]",
    b"http://",
    b":",
    b"#",
];

/// One to six random edits of `seed`: a byte changed, a run deleted, an interesting piece
/// inserted, the end cut off, or a piece of the input repeated elsewhere.
pub fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            1 if !v.is_empty() => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            2 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                v.splice(at..at, piece.iter().copied());
            }
            3 => v.truncate(at),
            _ => {
                let from = rng.below(v.len() + 1);
                let chunk: Vec<u8> = v[from..(from + rng.below(32)).min(v.len())].to_vec();
                v.splice(at..at, chunk);
            }
        }
    }
    v
}
