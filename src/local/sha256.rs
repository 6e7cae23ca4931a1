//! SHA-256 (FIPS 180-4) for the names the helper derives on every `get`: the cache key (the
//! Go helper's: a hash of the access key ID, or of an identity's description), an entry's
//! lock file, a token file's hash, an `aws login` session's file; and [`hex`], which spells
//! those digests (and ring's SHA-1 ones) as file names.
//!
//! ```
//! use docker_credential_ecr_login::local::sha256::sha256;
//! assert_eq!(
//!     sha256(b"abc")[..4],
//!     [0xba, 0x78, 0x16, 0xbf],
//! );
//! ```
//!
//! Why not ring's, which the TLS and the signatures use: before its first digest, ring asks
//! the CPU what it can do (`CPUID`), and in a virtual machine each `CPUID` traps to the
//! hypervisor. Measured here, a `CPUID` costs about 6.5 µs, and ring's three or four of
//! them were a sixth of a cache hit's wall: more than everything else the hit computes. The
//! inputs are short (a key ID, a few lines of configuration), so a plain implementation costs
//! a few thousand instructions; a miss pays ring's detection anyway, for its TLS.

/// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
const H0: [u32; 8] = root_fractions(2);

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K: [u32; 64] = root_fractions(3);

/// The first 32 bits of the fractional parts of the `k`-th roots of the first `N` primes: the
/// low 32 bits of the root of `p << 32k`, which is the root of `p` with 32 fractional bits.
const fn root_fractions<const N: usize>(k: u32) -> [u32; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = root(PRIMES[i] << (32 * k), k) as u32;
        i += 1;
    }
    out
}

const PRIMES: [u128; 64] = {
    let mut primes = [0; 64];
    let (mut found, mut n) = (0, 2);
    while found < 64 {
        let mut d = 2;
        while d * d <= n && n % d != 0 {
            d += 1;
        }
        if d * d > n {
            primes[found] = n;
            found += 1;
        }
        n += 1;
    }
    primes
};

/// The integer `k`-th root of `n`, rounded down (`n` below 2^120, `k` 2 or 3).
const fn root(n: u128, k: u32) -> u128 {
    let (mut low, mut high) = (0u128, 1u128 << 40);
    while high - low > 1 {
        let mid = (low + high) / 2;
        if mid.pow(k) <= n {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

/// The SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut state = H0;
    let mut blocks = data.chunks_exact(64);
    for block in &mut blocks {
        compress(&mut state, block);
    }
    // The rest, a 1 bit, zeros, and the length in bits: one block more, or two when the
    // length does not fit after the rest.
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let end = if rest.len() < 56 { 64 } else { 128 };
    let bits = (data.len() as u64).wrapping_mul(8);
    tail[end - 8..end].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..end].chunks_exact(64) {
        compress(&mut state, block);
    }
    let mut digest = [0u8; 32];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

/// One 64-byte block into the state.
fn compress(state: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16]
            .wrapping_add(s0)
            .wrapping_add(w[t - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for (k, w) in K.iter().zip(w) {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let choice = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(choice)
            .wrapping_add(*k)
            .wrapping_add(w);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let majority = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(majority);
        (h, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// `bytes` in lower-case hex, as digests name files: a table, not `format!` per byte (a
/// token file's hash is on a hit's path).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// `sha256` in lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_examples() {
        // FIPS 180-4's examples (NIST's "Example Algorithms": one block, two blocks) and the
        // empty message.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            sha256_hex(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn the_same_digest_as_ring_at_every_length_around_the_block_edges() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(
                sha256(&data[..len])[..],
                *ring::digest::digest(&ring::digest::SHA256, &data[..len]).as_ref(),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff, 0x5c]), "000fa0ff5c");
    }

    #[test]
    fn the_constants_derived_from_the_primes() {
        assert_eq!(H0[0], 0x6a09e667);
        assert_eq!(H0[7], 0x5be0cd19);
        assert_eq!(K[0], 0x428a2f98);
        assert_eq!(K[63], 0xc67178f2);
        assert_eq!(PRIMES[63], 311);
    }
}
