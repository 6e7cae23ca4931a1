//! The quick reading of a map written the plain way: every line blank, a comment, a
//! `[registry PATTERN]` header with a good pattern, or `profile = …` / `ecr = …` with no inline
//! comment. One pass over the bytes, the patterns eight at a time, keeping only the best match
//! so far (exact, then the longest suffix, then `*`; ties to the first) and building nothing
//! for the other sections: a hit with a map of dozens of sections pays little more than one
//! without (issue 27's budget, `scripts/bench.sh`). Anything else (other sections or keys,
//! continuation lines, a property before any section, a bad pattern) is `None`, and the full
//! reading answers, with its warnings and errors: whenever this answers, it is the full
//! reading's answer (`quick_agrees_with_the_full_reading`).

use super::entry::{MapEntry, Pattern};
use std::mem;

/// How well a section matches: `(3, 0)` the host itself, `(2, n)` a suffix of n bytes, `(1, 0)`
/// `*`, `(0, 0)` not at all. Greater is better.
type Rank = (u8, usize);

/// Where the reading is.
enum Section {
    /// Before the first header: a property here is the full reading's business.
    None,
    /// In a section that does not match.
    Other,
    /// In a section that matches: how well, and what it says so far.
    Candidate(Rank, MapEntry),
}

/// A header's pattern, its name without the trailing dot.
enum Parsed<'a> {
    Any,
    Suffix(&'a [u8]),
    Exact(&'a [u8]),
}

/// The section for `host` (as `route::map_key` makes it: lower case, no trailing dot), or
/// `None` when the text is not written the plain way.
pub(super) fn quick(text: &[u8], host: &str) -> Option<Option<MapEntry>> {
    let host = host.as_bytes();
    let mut s = Scan { b: text, at: 0 };
    let mut line = 0;
    let mut section = Section::None;
    let mut best: Option<(Rank, MapEntry)> = None;
    while let Some(first) = s.peek() {
        line += 1;
        match first {
            b'\n' => s.at += 1,
            b'#' | b';' => s.skip_line(),
            b' ' | b'\t' | b'\r' => {
                s.skip_blanks();
                if !s.end_of_line() {
                    return None;
                }
            }
            b'[' => {
                // (Moved only when it is a candidate: a section is a large value.)
                match section {
                    Section::Candidate(..) => {
                        keep(&mut best, mem::replace(&mut section, Section::Other))
                    }
                    _ => section = Section::Other,
                }
                let Some((rank, pattern)) = s.header(host)? else {
                    continue;
                };
                let entry = MapEntry {
                    pattern,
                    line,
                    profile: None,
                    ecr: None,
                };
                section = Section::Candidate(rank, entry);
            }
            _ => {
                let (is_ecr, value) = s.property()?;
                match &mut section {
                    Section::None => return None,
                    Section::Other => {}
                    Section::Candidate(_, entry) => {
                        let value = std::str::from_utf8(value).ok()?;
                        match is_ecr {
                            true => entry.ecr = Some(value.to_ascii_lowercase()),
                            false => entry.profile = Some(value.to_string()),
                        }
                    }
                }
            }
        }
    }
    keep(&mut best, section);
    Some(best.map(|(_, entry)| entry))
}

/// `section` becomes the best if it matches better than the best so far (ties: the first).
fn keep(best: &mut Option<(Rank, MapEntry)>, section: Section) {
    if let Section::Candidate(rank, entry) = section
        && best.as_ref().is_none_or(|(b, _)| rank > *b)
    {
        *best = Some((rank, entry));
    }
}

/// Equal, ignoring ASCII case; a byte loop that stops at the first difference (the standard
/// library's compares every byte, and most headers differ from the host early).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

fn lower(name: &[u8]) -> String {
    // A name's bytes are ASCII.
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

/// A cursor over the text.
struct Scan<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    /// A `[registry PATTERN]` line, as nearly everyone writes it first, then with any other
    /// blanks: how well it matches `host` and its pattern (`None` inside: not at all), or
    /// `None` when it is not such a line.
    fn header(&mut self, host: &[u8]) -> Option<Option<(Rank, Pattern)>> {
        if !self.eat(b"[registry ") {
            self.at += 1;
            self.skip_blanks();
            if !self.eat(b"registry") || !self.skip_blanks() {
                return None;
            }
        }
        self.skip_blanks();
        let parsed = self.pattern()?;
        if !self.eat(b"]\n") {
            self.skip_blanks();
            if !self.eat(b"]") {
                return None;
            }
            self.skip_blanks();
            if !self.end_of_line() {
                return None;
            }
        }
        Some(match parsed {
            Parsed::Any => Some(((1, 0), Pattern::Any)),
            Parsed::Exact(name) if same(host, name) => Some(((3, 0), Pattern::Exact(lower(name)))),
            Parsed::Suffix(name) => match host.len().checked_sub(name.len() + 1) {
                Some(dot) if host[dot] == b'.' && same(&host[dot + 1..], name) => {
                    Some(((2, name.len()), Pattern::Suffix(lower(name))))
                }
                _ => None,
            },
            Parsed::Exact(_) => None,
        })
    }

    /// A `profile = …` or `ecr = …` line, as nearly everyone writes it first: whether it is
    /// `ecr`, and the value; `None` for any other line.
    fn property(&mut self) -> Option<(bool, &'a [u8])> {
        let is_ecr = match () {
            _ if self.eat(b"profile = ") => false,
            _ if self.eat(b"ecr = ") => true,
            _ => {
                let is_ecr = match () {
                    _ if self.eat(b"profile") => false,
                    _ if self.eat(b"ecr") => true,
                    _ => return None,
                };
                self.skip_blanks();
                if !self.eat(b"=") {
                    return None;
                }
                is_ecr
            }
        };
        self.skip_blanks();
        let value = self.value();
        if value.is_empty() || !(self.eat(b"\n") || self.end_of_line()) {
            return None;
        }
        Some((is_ecr, value))
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    /// Past spaces and tabs; whether there were any.
    #[inline(always)]
    fn skip_blanks(&mut self) -> bool {
        let start = self.at;
        while let Some(b' ' | b'\t') = self.peek() {
            self.at += 1;
        }
        self.at > start
    }

    /// Past `expected` if it is next. Of a constant length, the comparison is a load or two.
    #[inline(always)]
    fn eat<const N: usize>(&mut self, expected: &[u8; N]) -> bool {
        let found = match self.b.get(self.at..self.at + N) {
            Some(here) => <&[u8; N]>::try_from(here).is_ok_and(|here| here == expected),
            None => false,
        };
        if found {
            self.at += N;
        }
        found
    }

    /// Past `\n`, `\r\n` or the end of the text: whether the line ended here.
    #[inline(always)]
    fn end_of_line(&mut self) -> bool {
        let n = match self.b[self.at..] {
            [] => 0,
            [b'\n', ..] => 1,
            [b'\r', b'\n', ..] => 2,
            _ => return false,
        };
        self.at += n;
        true
    }

    /// Past the rest of the line and its end.
    fn skip_line(&mut self) {
        self.at = match self.b[self.at..].iter().position(|&c| c == b'\n') {
            Some(n) => self.at + n + 1,
            None => self.b.len(),
        };
    }

    /// `*`, `*.NAME` or `NAME` from here, a name being labels of letters, digits, `-`, `_`
    /// and `:` joined by single dots, one trailing dot allowed; `None` for anything else.
    fn pattern(&mut self) -> Option<Parsed<'a>> {
        let star = self.eat(b"*");
        if star && !self.eat(b".") {
            return Some(Parsed::Any);
        }
        let (n, doubled) = name_run(&self.b[self.at..]);
        let run = &self.b[self.at..self.at + n];
        self.at += n;
        if run.is_empty() {
            return star.then_some(Parsed::Any);
        }
        let name = run.strip_suffix(b".").unwrap_or(run);
        match (name.first(), name.last()) {
            (Some(b'.'), _) | (_, Some(b'.')) | (None, _) => None,
            _ if doubled => None,
            _ if star => Some(Parsed::Suffix(name)),
            _ => Some(Parsed::Exact(name)),
        }
    }

    /// A value: the bytes up to the line's end (or a comment, or a lone `\r`, left for
    /// `end_of_line` to refuse), trailing blanks off.
    fn value(&mut self) -> &'a [u8] {
        let rest = &self.b[self.at..];
        let n = rest
            .iter()
            .position(|&c| matches!(c, b'\n' | b'\r' | b'#' | b';'))
            .unwrap_or(rest.len());
        self.at += n;
        let value = &rest[..n];
        let end = value
            .iter()
            .rposition(|&c| c != b' ' && c != b'\t')
            .map_or(0, |i| i + 1);
        &value[..end]
    }
}

/// The length of the run of name bytes (ASCII letters and digits, `-`, `_`, `:`, `.`) that
/// starts `bytes`, and whether two dots stand together in it. Eight bytes at a time, as
/// `u64`s (SWAR): patterns are most of a map's bytes, and a byte-at-a-time loop costs a hit
/// with a large map more than the rest of the hit. Every per-byte sum below stays within its
/// byte (the high bits are cleared first), so no carry crosses into the next byte.
fn name_run(bytes: &[u8]) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // High bit of each byte of `v` (high bits clear) set where the byte is ≥ lo, > hi, == c.
    let at_least = |v: u64, lo: u8| v.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGH;
    let above = |v: u64, hi: u8| v.wrapping_add(ONES * u64::from(0x7f - hi)) & HIGH;
    let equal = |v: u64, c: u8| !(v ^ (ONES * u64::from(c))).wrapping_add(ONES * 0x7f) & HIGH;
    // `pairs`: a dot after a dot, anywhere in the run; `dot_last`: the last byte looked at.
    let (mut at, mut pairs, mut dot_last) = (0, 0, 0);
    loop {
        let x = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
            None => {
                // The tail, padded with zeros, which end a run.
                let mut eight = [0; 8];
                for (to, from) in eight.iter_mut().zip(&bytes[at..]) {
                    *to = *from;
                }
                u64::from_le_bytes(eight)
            }
        };
        let v = x & !HIGH;
        let folded = v | (ONES * 0x20);
        let letter = at_least(folded, b'a') & !above(folded, b'z');
        // `-`, `.`, digits and `:` are 0x2d..=0x3a, but for `/`.
        let punct_digit = at_least(v, b'-') & !above(v, b':') & !equal(v, b'/');
        let name = (letter | punct_digit | equal(v, b'_')) & !x;
        let stop = !name & HIGH;
        // The bits below the first stop (all of them when there is none); the run's length.
        let in_run = (stop & stop.wrapping_neg()).wrapping_sub(1);
        let len = stop.trailing_zeros() as usize / 8;
        let dots = equal(v, b'.') & in_run;
        pairs |= dots & ((dots << 8) | dot_last);
        dot_last = dots >> 56;
        at += len;
        if len < 8 {
            return (at, pairs != 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eight-at-a-time scan against a byte-at-a-time one: every byte value at every
    /// position of runs of several lengths, and dots in every pair of places.
    #[test]
    fn name_run_is_the_plain_loop() {
        let plain = |b: &[u8]| {
            let n = b
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || b"-_:.".contains(&c)))
                .unwrap_or(b.len());
            (n, b[..n].windows(2).any(|w| w == b".."))
        };
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 23] {
            for at in 0..=len {
                for c in 0..=255u8 {
                    let mut b = vec![b'a'; len + 1];
                    b[len] = b']';
                    b[at] = c;
                    assert_eq!(name_run(&b), plain(&b), "{c:#x} at {at} of {len}");
                    assert_eq!(
                        name_run(&b[..len]),
                        plain(&b[..len]),
                        "{c:#x} at {at} of {len}, at the end"
                    );
                }
            }
            for i in 0..len {
                for j in i + 1..len {
                    let mut b = vec![b'x'; len];
                    b[i] = b'.';
                    b[j] = b'.';
                    assert_eq!(name_run(&b), plain(&b), "dots at {i} and {j} of {len}");
                }
            }
        }
    }
}
