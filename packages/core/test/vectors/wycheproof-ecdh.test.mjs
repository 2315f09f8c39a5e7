// Wycheproof ECDH on P-256, P-384, P-521 and secp256k1 against the library's key path.
//
// The vectors give public keys as DER SubjectPublicKeyInfo. DIDComm never receives DER: keys
// arrive as JWKs (or multikeys). So the test translates each SPKI into what a JOSE peer would
// send, with a small strict DER reader written here (node:crypto is not used for it, because
// OpenSSL would reject off-curve points itself and the library would never see them):
//   - a named-curve OID becomes the JOSE crv name (an unknown OID becomes the OID string);
//     explicit curve parameters have no JWK form and become crv 'explicit-parameters';
//   - an uncompressed point 04||x||y becomes {kty:'EC', crv, x, y}, passed to jwkToPublicRaw;
//   - a compressed point (02/03) goes through curves.toUncompressedPoint, as for a multikey.
// Then backend.importPublicKey + backend.ecdh with the group's private scalar.
//
// Expectations:
//   valid       -> the expected shared secret.
//   invalid     -> rejected; when the SPKI is well-formed DER the rejection must be a
//                  DIDCommError raised by the library (off-curve, wrong curve, bad encoding).
//                  Only DER-structure defects may be stopped by the test's DER reader.
//   acceptable  -> decided per flags:
//     CompressedPublic: accepted, must give the expected secret (a compressed SEC1 point is
//       a valid encoding; the library decompresses and validates it).
//     UnnamedCurve/UnusedParam (explicit parameters, possibly with unused modified fields):
//       rejected with ERR_UNSUPPORTED; JOSE names curves, it never carries parameters.
//     InvalidAsn (BER quirks or altered bytes in the SPKI wrapper): out of the library's
//       scope (it reads no DER). The strict reader here stops the BER quirks; the rest (an
//       altered OID or BIT STRING) reach the library, which must either reject them with a
//       DIDCommError or, if the point survived intact, give exactly the expected secret.
import { test } from 'node:test';
import { backend, toUncompressedPoint } from '../../dist/crypto/index.js';
import { CURVE_INFO } from '../../dist/crypto/types.js';
import { jwkToPublicRaw } from '../../dist/keys/jwk.js';
import { DIDCommError } from '../../dist/errors.js';
import { attempt, b64u, describeError, expectRejected, hex, loadWycheproof, runAll, toHex } from './wycheproof.mjs';

const CURVE_OIDS = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
};
const GROUP_CURVE = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', secp256k1: 'secp256k1' };
const EC_PUBLIC_KEY_OID = '1.2.840.10045.2.1';

/** Minimal strict DER: definite minimal lengths, no trailing bytes. Throws on any defect. */
function readTlv(buf, pos) {
  if (pos + 2 > buf.length) throw new Error('truncated');
  const tag = buf[pos];
  let len = buf[pos + 1];
  let off = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 2) throw new Error('indefinite or oversized length');
    if (off + n > buf.length) throw new Error('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[off + i];
    if (buf[off] === 0 || len < 0x80) throw new Error('non-minimal length');
    off += n;
  }
  if (off + len > buf.length) throw new Error('content overruns');
  return { tag, start: off, end: off + len, content: buf.subarray(off, off + len) };
}

function children(buf, tlv) {
  const out = [];
  let p = tlv.start;
  while (p < tlv.end) {
    const c = readTlv(buf, p);
    out.push(c);
    p = c.end;
  }
  if (p !== tlv.end) throw new Error('children overrun');
  return out;
}

function oid(bytes) {
  if (bytes.length === 0) throw new Error('empty OID');
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    if (v === 0 && bytes[i] === 0x80) throw new Error('non-minimal OID');
    v = v * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  if (bytes[bytes.length - 1] & 0x80) throw new Error('truncated OID');
  return parts.join('.');
}

/** { crv, point } from an EC SPKI; throws Error('DER: ...') on a structural defect. */
function readSpki(der) {
  try {
    const top = readTlv(der, 0);
    if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not one SEQUENCE');
    const [alg, bits, ...rest] = children(der, top);
    if (!alg || !bits || rest.length) throw new Error('SPKI needs two elements');
    if (alg.tag !== 0x30 || bits.tag !== 0x03) throw new Error('wrong SPKI element tags');
    const [algOid, params, ...more] = children(der, alg);
    if (!algOid || algOid.tag !== 0x06 || more.length) throw new Error('bad AlgorithmIdentifier');
    if (oid(algOid.content) !== EC_PUBLIC_KEY_OID) throw new Error('not id-ecPublicKey');
    if (!params) throw new Error('no curve parameters');
    let crv;
    if (params.tag === 0x06) crv = CURVE_OIDS[oid(params.content)] ?? oid(params.content);
    else if (params.tag === 0x30) crv = 'explicit-parameters';
    else throw new Error('curve parameters are neither an OID nor a SEQUENCE');
    if (bits.content.length < 1 || bits.content[0] !== 0) throw new Error('BIT STRING with unused bits');
    return { crv, point: bits.content.subarray(1) };
  } catch (e) {
    throw new Error(`DER: ${e.message}`);
  }
}

/** What the library does with the key a JOSE peer would send. */
async function libraryPublicKey(crv, point) {
  if (point.length > 0 && point[0] === 4 && (point.length - 1) % 2 === 0) {
    const n = (point.length - 1) / 2;
    const { curve, raw } = jwkToPublicRaw({ kty: 'EC', crv, x: b64u(point.subarray(1, 1 + n)), y: b64u(point.subarray(1 + n)) });
    return backend.importPublicKey(curve, raw);
  }
  // Compressed (or otherwise encoded) SEC1 bytes: the multikey path.
  return backend.importPublicKey(crv, toUncompressedPoint(crv, point));
}

/** The private value as a fixed-size big-endian scalar (Wycheproof writes ASN.1 integers). */
function scalar(curve, h) {
  const size = CURVE_INFO[curve].size;
  let b = hex(h);
  while (b.length > size && b[0] === 0) b = b.subarray(1);
  if (b.length > size) throw new Error('private scalar too long');
  const out = new Uint8Array(size);
  out.set(b, size - b.length);
  return out;
}

const FILES = [
  ['ecdh_secp256r1_test.json', 612],
  ['ecdh_secp384r1_test.json', 1047],
  ['ecdh_secp521r1_test.json', 916],
  ['ecdh_secp256k1_test.json', 752],
];

for (const [name, count] of FILES) {
  test(`wycheproof ${name}: ECDH with SPKI public keys translated to JWK`, async (t) => {
    const file = loadWycheproof(name);
    const privCache = new Map();
    await runAll(t, name, file, count, async (group, tc) => {
      const curve = GROUP_CURVE[group.curve];
      if (!curve || group.encoding !== 'asn') return `unexpected group ${group.curve}/${group.encoding}`;
      let priv = privCache.get(tc.private);
      if (!priv) privCache.set(tc.private, (priv = await backend.importPrivateKey(curve, scalar(curve, tc.private))));

      let spki;
      try {
        spki = readSpki(hex(tc.public));
      } catch (e) {
        // Only DER-structure defects may stop here, and never for a valid case.
        if (tc.result === 'valid') return `valid SPKI not readable: ${e.message}`;
        if (!tc.flags.some((f) => f === 'InvalidAsn' || f === 'InvalidEncoding')) return `stopped by the test's DER reader, not the library: ${e.message}`;
        return { failure: null, outcome: `${tc.result} rejected by DER reader` };
      }
      const r = await attempt(async () => backend.ecdh(priv, await libraryPublicKey(spki.crv, spki.point)));

      if (tc.result === 'acceptable' && tc.flags.includes('InvalidAsn')) {
        // Well-formed DER whose content was altered (OID or BIT STRING bytes): either outcome
        // is allowed, but a rejection must be typed and an agreement must be exact.
        if (!r.ok) return { failure: expectRejected(r), outcome: `acceptable InvalidAsn rejected (${describeError(r.error)})` };
        if (toHex(r.value) !== tc.shared) return `shared secret ${toHex(r.value)} != ${tc.shared}`;
        return { failure: null, outcome: 'acceptable InvalidAsn agreed' };
      }
      if (tc.result === 'valid' || (tc.result === 'acceptable' && tc.flags.includes('CompressedPublic'))) {
        if (!r.ok) return `rejected: ${describeError(r.error)}`;
        if (toHex(r.value) !== tc.shared) return `shared secret ${toHex(r.value)} != ${tc.shared}`;
        return { failure: null, outcome: `${tc.result} agreed` };
      }
      if (tc.result === 'acceptable') {
        if (!tc.flags.includes('UnnamedCurve')) return `acceptable case with unhandled flags`;
        return { failure: expectRejected(r, 'ERR_UNSUPPORTED'), outcome: 'acceptable explicit-parameters rejected (ERR_UNSUPPORTED)' };
      }
      const failure = expectRejected(r);
      return { failure, outcome: `invalid rejected (${r.ok ? 'accepted!' : r.error instanceof DIDCommError ? r.error.code : 'untyped'})` };
    });
  });
}
