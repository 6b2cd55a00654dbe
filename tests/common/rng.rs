//! Seeded randomness for the generated and mutated inputs of the differential and no-panic
//! tests: the crate's own xorshift64* (`src/rng.rs`, compiled here as it is), a few ways to
//! draw from it, and byte mutations.

#[path = "../../src/rng.rs"]
mod xorshift;

pub(crate) use xorshift::Rng;

impl Rng {
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
