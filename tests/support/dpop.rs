//! A DPoP proof checker written from RFC 9449 and RFC 7515/7518 (ES256), for the Sign-In
//! stand-in: it verifies the signature with RustCrypto's `p256` (not ring, which the helper
//! signs with) against the public key of the key the test planted, and checks every claim.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::DecodePrivateKey;
use serde_json::Value;

/// The public point (`04 || x || y`) of a PEM private key, SEC1 or PKCS#8.
pub fn public_point(pem: &str) -> Result<Vec<u8>, String> {
    let secret = match pem.contains("BEGIN EC PRIVATE KEY") {
        true => p256::SecretKey::from_sec1_pem(pem).map_err(|e| format!("SEC1 key: {e}"))?,
        false => p256::SecretKey::from_pkcs8_pem(pem).map_err(|e| format!("PKCS#8 key: {e}"))?,
    };
    Ok(secret
        .public_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec())
}

/// Checks `proof` for a `method` request to `url`, made around `now` (Unix seconds), by the
/// holder of the key whose public point is `point`. Returns its `jti`.
pub fn verify(
    proof: &str,
    point: &[u8],
    method: &str,
    url: &str,
    now: i64,
) -> Result<String, String> {
    let parts: Vec<&str> = proof.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else {
        return Err(format!("{} parts, not 3", parts.len()));
    };
    let json = |part: &str, what: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|e| format!("{what} is not base64url without padding: {e}"))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{what} is not JSON: {e}"))
    };
    let header = json(header_b64, "the header")?;
    let payload = json(payload_b64, "the payload")?;
    if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" {
        return Err(format!("header typ/alg: {header}"));
    }
    let jwk = &header["jwk"];
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
        return Err(format!("jwk: {jwk}"));
    }
    if jwk.get("d").is_some() {
        return Err("the jwk carries the private key".into());
    }
    let coordinate = |name: &str| -> Result<Vec<u8>, String> {
        let v = jwk[name].as_str().ok_or(format!("jwk has no {name}"))?;
        let b = URL_SAFE_NO_PAD
            .decode(v)
            .map_err(|e| format!("jwk {name}: {e}"))?;
        // RFC 7518 section 6.2.1.2: the full coordinate size, leading zeros kept.
        match b.len() {
            32 => Ok(b),
            n => Err(format!("jwk {name} is {n} bytes, not 32")),
        }
    };
    let mut sent = vec![4u8];
    sent.extend(coordinate("x")?);
    sent.extend(coordinate("y")?);
    if sent != point {
        return Err("the jwk is not the public key of the cached dpopKey".into());
    }
    if payload["htm"] != method {
        return Err(format!("htm {} for a {method}", payload["htm"]));
    }
    if payload["htu"] != url {
        return Err(format!("htu {}, want {url:?}", payload["htu"]));
    }
    let iat = payload["iat"].as_i64().ok_or("iat is not an integer")?;
    if (iat - now).abs() > 300 {
        return Err(format!("iat {iat} is far from now ({now})"));
    }
    let jti = payload["jti"].as_str().ok_or("no jti")?.to_string();
    if !is_uuid_v4(&jti) {
        return Err(format!("jti {jti:?} is not a random UUID"));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|e| format!("signature: {e}"))?;
    // JWS ES256 is the fixed 64-byte r || s, not DER.
    let signature = Signature::from_slice(&signature).map_err(|e| format!("signature: {e}"))?;
    let key = VerifyingKey::from_sec1_bytes(point).map_err(|e| format!("key: {e}"))?;
    key.verify(format!("{header_b64}.{payload_b64}").as_bytes(), &signature)
        .map_err(|_| "the signature does not verify".to_string())?;
    Ok(jti)
}

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || c.is_ascii_hexdigit())
        && b[14] == b'4'
        && b"89ab".contains(&b[19].to_ascii_lowercase())
}
