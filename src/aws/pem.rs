//! Certificates in PEM files, read cheaply. Certificates are public, so their base64 needs
//! no constant-time decoder (rustls' made the system's 200 KiB bundle 8.8M instructions), and
//! the system's bundle is searched for the few roots a server's chain names as its issuers
//! instead of being decoded and parsed whole on every miss that needs it.

const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
const END: &[u8] = b"-----END CERTIFICATE-----";

/// The base64 text (line breaks and all) of each `CERTIFICATE` block of `pem`, in order.
pub(super) fn blocks(pem: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = pem;
    std::iter::from_fn(move || {
        let begin = find(rest, BEGIN)?;
        let body = &rest[begin + BEGIN.len()..];
        let Some(end) = find_end(body) else {
            rest = &[];
            return None;
        };
        rest = &body[end + END.len()..];
        Some(&body[..end])
    })
}

#[cfg(test)]
/// Every certificate of a PEM file; a block that does not decode is skipped, as rustls' own
/// reader skips what it cannot use.
pub(super) fn certificates(pem: &[u8]) -> Vec<Vec<u8>> {
    blocks(pem).filter_map(|b| decode(b, usize::MAX)).collect()
}

/// Where `needle` (which starts with `-`, as no base64 does) first is in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == needle[0]) {
        if hay[from + i..].starts_with(needle) {
            return Some(from + i);
        }
        from += i + 1;
    }
    None
}

/// Where the end marker is in a block's body: line by line, a whole line of 64 base64
/// characters (as every PEM writer makes them) stepped over at once, others read to their end.
fn find_end(body: &[u8]) -> Option<usize> {
    const LINE: usize = 64;
    let mut at = 0;
    while at < body.len() {
        let line = &body[at..];
        if line.first() == Some(&b'-') {
            if line.starts_with(END) {
                return Some(at);
            }
        } else if line.get(LINE) == Some(&b'\n') && !has_newline(&line[..LINE]) {
            at += LINE + 1;
            continue;
        }
        match line.iter().position(|&b| b == b'\n') {
            Some(i) => at += i + 1,
            None => return find(line, END).map(|i| at + i),
        }
    }
    None
}

/// Whether a line break is among `bytes`, eight at a time (a byte loop costs more than the
/// rest of reading a line).
fn has_newline(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_le_bytes([b'\n'; 8]);
    let mut words = bytes.chunks_exact(8);
    let any_in_words = words.by_ref().any(|w| {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]) ^ NEWLINES;
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    });
    any_in_words || words.remainder().contains(&b'\n')
}

/// Up to `limit` bytes (whole groups of three) of what `text` encodes, whitespace skipped;
/// `None` when it is not base64.
pub(super) fn decode(text: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut d = Decoder::new(text);
    d.fill(limit).then(|| d.into_bytes())
}

/// A block's base64, decoded as far as it is asked to: a certificate's names are in its first
/// few hundred bytes, and most certificates of a bundle are read no further.
pub(super) struct Decoder<'a> {
    text: &'a [u8],
    at: usize,
    /// Written by index into a buffer of the largest size: pushing bytes cost more than the
    /// decoding.
    out: Vec<u8>,
    len: usize,
    group: u32,
    n: u8,
    padded: bool,
}

const SKIP: u8 = 0xfe;
const PAD: u8 = 0xfd;
const BAD: u8 = 0xff;
const TABLE: [u8; 256] = {
    let mut t = [BAD; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t[b'\n' as usize] = SKIP;
    t[b'\r' as usize] = SKIP;
    t[b' ' as usize] = SKIP;
    t[b'\t' as usize] = SKIP;
    t[b'=' as usize] = PAD;
    t
};

impl<'a> Decoder<'a> {
    pub(super) fn new(text: &'a [u8]) -> Decoder<'a> {
        Decoder {
            text,
            at: 0,
            out: vec![0; text.len() / 4 * 3 + 3],
            len: 0,
            group: 0,
            n: 0,
            padded: false,
        }
    }

    /// What is decoded so far.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.out[..self.len]
    }

    /// Whether the whole text is decoded.
    pub(super) fn is_done(&self) -> bool {
        self.at >= self.text.len()
    }

    pub(super) fn into_bytes(mut self) -> Vec<u8> {
        self.out.truncate(self.len);
        self.out
    }

    /// Decodes until at least `want` bytes are out (whole groups of three) or the text ends;
    /// false when it is not base64.
    pub(super) fn fill(&mut self, want: usize) -> bool {
        let text = self.text;
        while self.at < text.len() {
            if self.len >= want {
                return true;
            }
            // Four characters at once where they are four of the alphabet (all of a line but
            // its end); one at a time otherwise.
            if self.n == 0
                && !self.padded
                && let Some(&[w, x, y, z]) = text.get(self.at..self.at + 4)
            {
                let (a, b, c, d) = (
                    TABLE[w as usize],
                    TABLE[x as usize],
                    TABLE[y as usize],
                    TABLE[z as usize],
                );
                if a | b | c | d < 64 {
                    let Some(at) = self.out.get_mut(self.len..self.len + 3) else {
                        return false;
                    };
                    at[0] = a << 2 | b >> 4;
                    at[1] = b << 4 | c >> 2;
                    at[2] = c << 6 | d;
                    self.len += 3;
                    self.at += 4;
                    continue;
                }
            }
            let c = text[self.at];
            self.at += 1;
            match TABLE[c as usize] {
                SKIP => {}
                PAD => self.padded = true,
                BAD => return false,
                _ if self.padded => return false,
                v => {
                    self.group = self.group << 6 | u32::from(v);
                    self.n += 1;
                    if self.n == 4 {
                        let g = self.group;
                        if !self.put(&[(g >> 16) as u8, (g >> 8) as u8, g as u8]) {
                            return false;
                        }
                        (self.group, self.n) = (0, 0);
                    }
                }
            }
        }
        // The end: the last group's bytes, when it was cut short.
        let g = self.group;
        let tail: &[u8] = match self.n {
            0 => &[],
            2 => &[(g >> 4) as u8],
            3 => &[(g >> 10) as u8, (g >> 2) as u8],
            _ => return false,
        };
        (self.group, self.n) = (0, 0);
        self.put(tail)
    }

    fn put(&mut self, bytes: &[u8]) -> bool {
        match self.out.get_mut(self.len..self.len + bytes.len()) {
            Some(at) => {
                at.copy_from_slice(bytes);
                self.len += bytes.len();
                true
            }
            None => false,
        }
    }
}

/// A certificate's issuer and subject names, as their DER bytes (tag, length and value);
/// `None` when `der` is not a certificate or ends before its subject does.
pub(super) fn issuer_and_subject(der: &[u8]) -> Option<(&[u8], &[u8])> {
    const SEQUENCE: u8 = 0x30;
    // The two outer elements may be cut short (a prefix of the certificate was decoded).
    let certificate = head(der, SEQUENCE)?;
    let mut tbs = head(certificate, SEQUENCE)?;
    if tbs.first() == Some(&0xa0) {
        tbs = tlv(tbs, 0xa0)?.2; // the version
    }
    let rest = tlv(tbs, 0x02)?.2; // the serial number
    let rest = tlv(rest, SEQUENCE)?.2; // the signature algorithm
    let (issuer, _, rest) = tlv(rest, SEQUENCE)?;
    let rest = tlv(rest, SEQUENCE)?.2; // the validity
    let (subject, _, _) = tlv(rest, SEQUENCE)?;
    Some((issuer, subject))
}

/// The value of the DER element with tag `tag` at the start of `input`, as much of it as
/// `input` holds.
fn head(input: &[u8], tag: u8) -> Option<&[u8]> {
    let (header, len) = header(input, tag)?;
    Some(&input[header..input.len().min(header.checked_add(len)?)])
}

/// One DER element with tag `tag` at the start of `input`: (the whole element, its value,
/// what follows).
fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8], &[u8])> {
    let (header, len) = header(input, tag)?;
    let end = header.checked_add(len)?;
    let whole = input.get(..end)?;
    Some((whole, &whole[header..], &input[end..]))
}

/// (the length of the tag and length, the length of the value) of a DER element.
fn header(input: &[u8], tag: u8) -> Option<(usize, usize)> {
    if *input.first()? != tag {
        return None;
    }
    let first = *input.get(1)?;
    match first {
        0..=0x7f => Some((2, usize::from(first))),
        0x81..=0x83 => {
            let n = usize::from(first - 0x80);
            let bytes = input.get(2..2 + n)?;
            Some((2 + n, bytes.iter().fold(0, |l, &b| l << 8 | usize::from(b))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_their_text() {
        let line = "QUJD".repeat(16); // 64 characters: one whole line, stepped over
        let pem = format!(
            "junk\n-----BEGIN CERTIFICATE-----\n{line}\n{line}\nTWFu\r\nTWE=\n-----END CERTIFICATE-----\n\
             # a comment - with a dash\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n\
             -----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n\
             -----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\
             -----BEGIN CERTIFICATE-----\nQQ=="
        );
        let certs = certificates(pem.as_bytes());
        let mut first = b"ABC".repeat(32);
        first.extend_from_slice(b"ManMa");
        assert_eq!(certs, [first, b"A".to_vec()]);
        assert_eq!(blocks(pem.as_bytes()).count(), 3);
        assert_eq!(decode(line.as_bytes(), 6), Some(b"ABCABC".to_vec()));
        // A short line whose 65th byte happens to be a line break is read, not stepped over.
        let short = format!(
            "-----BEGIN CERTIFICATE-----\nQQ==\n{}\n-----END CERTIFICATE-----\n",
            "x".repeat(58)
        );
        assert_eq!(blocks(short.as_bytes()).count(), 1);
        assert!(has_newline(b"0123456789\n") && has_newline(&[b'\n'; 64]));
        assert!(!has_newline(&[b'A'; 64]) && !has_newline(&[0x8a; 64]) && !has_newline(&[0x0b; 9]));
    }

    #[test]
    fn base64_as_the_base64_crate_reads_it() {
        use base64::Engine;
        let standard = base64::engine::general_purpose::STANDARD;
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = standard.encode(&bytes);
            assert_eq!(decode(text.as_bytes(), usize::MAX), Some(bytes), "{text}");
        }
        for bad in ["QQ=A", "Q", "QUJD*", "QQ==QQ=="] {
            assert_eq!(decode(bad.as_bytes(), usize::MAX), None, "{bad}");
        }
    }

    #[test]
    fn names_of_a_certificate() {
        // A hand-made skeleton with a version, a long serial and names.
        let name = |cn: &[u8]| [&[0x30, cn.len() as u8][..], cn].concat();
        let tbs = [
            &[0xa0, 0x03, 0x02, 0x01, 0x02][..],
            &[0x02, 0x02, 0x01, 0x00],
            &[0x30, 0x00],
            &name(b"issuer"),
            &[0x30, 0x00],
            &name(b"subject"),
            &[0x30, 0x00],
        ]
        .concat();
        let tbs = [&[0x30, tbs.len() as u8][..], &tbs].concat();
        let mut body = tbs.clone();
        body.extend_from_slice(&[0x30, 0x00, 0x03, 0x01, 0x00]);
        let mut cert = vec![0x30, 0x81, body.len() as u8];
        cert.extend_from_slice(&body);
        let (issuer, subject) = issuer_and_subject(&cert).unwrap();
        assert_eq!(
            (issuer, subject),
            (&name(b"issuer")[..], &name(b"subject")[..])
        );
        // Cut before the subject ends: not answered (the caller decodes more).
        let cut = cert.len() - 9;
        assert_eq!(issuer_and_subject(&cert[..cut]), None);
        assert_eq!(issuer_and_subject(b"\x30\x84\0\0\0\0"), None);
    }

    #[test]
    fn names_of_real_certificates() {
        // A CA and a certificate it signs, as rcgen (and the tests' TLS stand-in) makes them:
        // the CA names itself, and names the certificate's issuer.
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "pem.rs test CA");
        let key = KeyPair::generate().unwrap();
        let ca = params.self_signed(&key).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &Issuer::new(params, key))
            .unwrap();
        let (ca_issuer, ca_subject) = issuer_and_subject(ca.der()).unwrap();
        assert_eq!(ca_issuer, ca_subject);
        assert_eq!(issuer_and_subject(leaf.der()).unwrap().0, ca_subject);
        // Read from PEM as far as the names only, the answer is the same.
        let text = ca.pem();
        let block = blocks(text.as_bytes()).next().unwrap();
        let mut d = Decoder::new(block);
        assert!(d.fill(240));
        assert!(d.bytes().len() < ca.der().len());
        assert_eq!(issuer_and_subject(d.bytes()).unwrap().1, ca_subject);
        assert!(d.fill(usize::MAX) && d.is_done());
        assert_eq!(d.into_bytes(), ca.der().to_vec());
    }
}
