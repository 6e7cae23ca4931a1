//! DPoP proofs (RFC 9449) for AWS Sign-In: the P-256 key `aws login` cached, read from PEM
//! (SEC1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY`), and an ES256 JWT per request, signed by
//! `ring`. The key never leaves this module: `Debug` shows nothing of it.
//!
//! ```text
//! header  {"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":…,"y":…}}
//! payload {"jti":<random UUID>,"htm":"POST","htu":<the exact URL>,"iat":<Unix seconds>}
//! ```

use crate::local::secret::Secret;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use std::fmt;

/// Why the cached `dpopKey` cannot sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// No `-----BEGIN … PRIVATE KEY-----` block, or its base64 is broken.
    NotPem,
    /// PEM, but not an EC key this helper reads (an encrypted key, RSA, …).
    Label(String),
    /// The DER inside is not a SEC1 or PKCS#8 EC key.
    NotEcKey,
    /// An EC key on another curve than P-256.
    NotP256,
    /// A SEC1 key without its public part, which signing needs.
    NoPublicKey,
    /// The private and public parts do not belong together.
    Mismatch,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::NotPem => f.write_str("it is not a PEM private key"),
            KeyProblem::Label(l) => write!(
                f,
                "it is a PEM block of type {l:?}, not EC PRIVATE KEY or PRIVATE KEY"
            ),
            KeyProblem::NotEcKey => f.write_str("it is not a SEC1 or PKCS#8 EC private key"),
            KeyProblem::NotP256 => f.write_str("it is not a P-256 key"),
            KeyProblem::NoPublicKey => f.write_str("it has no public key part"),
            KeyProblem::Mismatch => f.write_str("its private and public parts do not match"),
        }
    }
}

impl std::error::Error for KeyProblem {}

/// The key pair that proves possession of the login session.
#[derive(Debug)]
pub struct DpopKey {
    pair: Secret<EcdsaKeyPair>,
}

/// `1.2.840.10045.2.1` (id-ecPublicKey) and `1.2.840.10045.3.1.7` (prime256v1), DER bodies.
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const PRIME256V1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

impl DpopKey {
    /// Reads the PEM text of a cache file's `dpopKey`.
    pub fn from_pem(pem: &str) -> Result<DpopKey, KeyProblem> {
        let (label, der) = pem_block(pem)?;
        let (scalar, public) = match label.as_str() {
            "EC PRIVATE KEY" => sec1(&der, None)?,
            "PRIVATE KEY" => pkcs8(&der)?,
            _ => return Err(KeyProblem::Label(label)),
        };
        // SEC1 stores the scalar in 32 bytes; a writer that dropped leading zeros is padded.
        if scalar.len() > 32 || scalar.is_empty() {
            return Err(KeyProblem::NotEcKey);
        }
        let mut fixed = [0u8; 32];
        fixed[32 - scalar.len()..].copy_from_slice(scalar);
        let public = public.ok_or(KeyProblem::NoPublicKey)?;
        if public.len() != 65 || public[0] != 0x04 {
            // Compressed points cannot be used as they are; no writer of `aws login` makes them.
            return Err(KeyProblem::NoPublicKey);
        }
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &fixed,
            public,
            &SystemRandom::new(),
        )
        .map_err(|_| KeyProblem::Mismatch)?;
        Ok(DpopKey {
            pair: Secret::new(pair),
        })
    }

    /// The public key's coordinates, base64url without padding, each the full 32 bytes.
    pub fn jwk_coordinates(&self) -> (String, String) {
        let point = self.pair.expose().public_key().as_ref();
        (
            URL_SAFE_NO_PAD.encode(&point[1..33]),
            URL_SAFE_NO_PAD.encode(&point[33..65]),
        )
    }

    /// A new proof for one request: `method` to the exact `url`, issued at `iat`.
    pub fn proof(
        &self,
        method: &str,
        url: &str,
        iat: i64,
    ) -> Result<String, ring::error::Unspecified> {
        let rng = SystemRandom::new();
        let (x, y) = self.jwk_coordinates();
        let header = serde_json::json!({
            "typ": "dpop+jwt",
            "alg": "ES256",
            "jwk": {"kty": "EC", "crv": "P-256", "x": x, "y": y},
        });
        let payload = serde_json::json!({
            "jti": uuid_v4(&rng)?,
            "htm": method,
            "htu": url,
            "iat": iat,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        // The fixed form is JWS's `r || s` (RFC 7518 section 3.4), not DER.
        let signature = self.pair.expose().sign(&rng, signing_input.as_bytes())?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

/// A random (version 4) UUID, for `jti`.
fn uuid_v4(rng: &SystemRandom) -> Result<String, ring::error::Unspecified> {
    let mut b = [0u8; 16];
    rng.fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::local::sha256::hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// The first PEM block's label and bytes.
fn pem_block(pem: &str) -> Result<(String, Vec<u8>), KeyProblem> {
    let start = pem.find("-----BEGIN ").ok_or(KeyProblem::NotPem)?;
    let rest = &pem[start + "-----BEGIN ".len()..];
    let (label, rest) = rest.split_once("-----").ok_or(KeyProblem::NotPem)?;
    let end = rest
        .find(&format!("-----END {label}-----"))
        .ok_or(KeyProblem::NotPem)?;
    let body: String = rest[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD.decode(body).map_err(|_| KeyProblem::NotPem)?;
    Ok((label.to_string(), der))
}

/// One DER element: its tag, its content, and what follows it.
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), KeyProblem> {
    let bad = KeyProblem::NotEcKey;
    let (&tag, rest) = input.split_first().ok_or(bad.clone())?;
    let (&first, rest) = rest.split_first().ok_or(bad.clone())?;
    let (len, rest) = match first {
        n if n < 0x80 => (usize::from(n), rest),
        0x81 => {
            let (&n, rest) = rest.split_first().ok_or(bad.clone())?;
            (usize::from(n), rest)
        }
        0x82 => {
            let [a, b, rest @ ..] = rest else {
                return Err(bad);
            };
            (usize::from(*a) << 8 | usize::from(*b), rest)
        }
        // Keys are a few hundred bytes: longer forms are not a key.
        _ => return Err(bad),
    };
    if rest.len() < len {
        return Err(bad);
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

fn expect(input: &[u8], want: u8) -> Result<(&[u8], &[u8]), KeyProblem> {
    match tlv(input)? {
        (tag, content, rest) if tag == want => Ok((content, rest)),
        _ => Err(KeyProblem::NotEcKey),
    }
}

type Parts<'a> = (&'a [u8], Option<&'a [u8]>);

/// SEC1 `ECPrivateKey`: `SEQUENCE { 1, OCTET STRING key, [0] curve OPTIONAL, [1] BIT STRING
/// public OPTIONAL }`. `curve_known` is the curve PKCS#8 named outside it.
fn sec1<'a>(der: &'a [u8], curve_known: Option<bool>) -> Result<Parts<'a>, KeyProblem> {
    let (seq, _) = expect(der, 0x30)?;
    let (version, rest) = expect(seq, 0x02)?;
    if version != [1] {
        return Err(KeyProblem::NotEcKey);
    }
    let (scalar, mut rest) = expect(rest, 0x04)?;
    let mut public = None;
    let mut p256 = curve_known;
    while !rest.is_empty() {
        let (tag, content, next) = tlv(rest)?;
        match tag {
            0xa0 => {
                let (oid, _) = expect(content, 0x06)?;
                p256 = Some(oid == PRIME256V1);
            }
            0xa1 => {
                let (bits, _) = expect(content, 0x03)?;
                match bits.split_first() {
                    Some((0, point)) => public = Some(point),
                    _ => return Err(KeyProblem::NotEcKey),
                }
            }
            _ => return Err(KeyProblem::NotEcKey),
        }
        rest = next;
    }
    match p256 {
        Some(false) => Err(KeyProblem::NotP256),
        // Without a named curve, the 32-byte scalar and 65-byte point still decide below.
        _ => Ok((scalar, public)),
    }
}

/// PKCS#8 `PrivateKeyInfo` around a SEC1 key: `SEQUENCE { 0|1, SEQUENCE { ecPublicKey,
/// prime256v1 }, OCTET STRING sec1, … }`.
fn pkcs8(der: &[u8]) -> Result<Parts<'_>, KeyProblem> {
    let (seq, _) = expect(der, 0x30)?;
    let (version, rest) = expect(seq, 0x02)?;
    if version != [0] && version != [1] {
        return Err(KeyProblem::NotEcKey);
    }
    let (algorithm, rest) = expect(rest, 0x30)?;
    let (alg_oid, params) = expect(algorithm, 0x06)?;
    if alg_oid != EC_PUBLIC_KEY {
        return Err(KeyProblem::NotEcKey);
    }
    let (curve, _) = expect(params, 0x06)?;
    let (inner, _) = expect(rest, 0x04)?;
    sec1(inner, Some(curve == PRIME256V1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of the AWS SDK for Rust's `dpop.rs` tests, with the coordinates they expect.
    const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

    #[test]
    fn reads_sec1_and_signs() {
        let key = DpopKey::from_pem(SEC1).unwrap();
        let (x, y) = key.jwk_coordinates();
        assert_eq!(x.len(), 43);
        assert_eq!(y.len(), 43);
        let proof = key.proof("POST", "https://x/v1/token", 1).unwrap();
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 64);
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        let jti = payload["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 36);
        assert_eq!(&jti[14..15], "4");
        assert_ne!(proof, key.proof("POST", "https://x/v1/token", 1).unwrap());
        assert!(!format!("{key:?}").contains("MHcC"));
    }

    #[test]
    fn reads_pkcs8() {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(doc.as_ref())
        );
        let key = DpopKey::from_pem(&pem).unwrap();
        let want =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref(), &rng).unwrap();
        assert_eq!(
            key.pair.expose().public_key().as_ref(),
            want.public_key().as_ref()
        );
    }

    #[test]
    fn refuses_what_is_not_a_p256_key() {
        assert_eq!(DpopKey::from_pem("hello").unwrap_err(), KeyProblem::NotPem);
        assert!(matches!(
            DpopKey::from_pem(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
            ),
            Err(KeyProblem::Label(_))
        ));
        assert_eq!(
            DpopKey::from_pem(
                "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
            )
            .unwrap_err(),
            KeyProblem::NotEcKey
        );
        // The same key with its public part cut off.
        let der = pem_block(SEC1).unwrap().1;
        let short = &der[..der.len() - 70];
        let mut cut = vec![0x30, (short.len() - 2) as u8];
        cut.extend_from_slice(&short[2..]);
        let pem = format!(
            "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
            STANDARD.encode(&cut)
        );
        assert_eq!(
            DpopKey::from_pem(&pem).unwrap_err(),
            KeyProblem::NoPublicKey
        );
    }
}
