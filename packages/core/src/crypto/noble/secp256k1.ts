// Loaded on demand by web.ts. Named re-exports, because bundlers keep every export of a
// dynamically imported module. @noble/secp256k1 (one file, about 5 kB gzip, RFC 6979 HMAC
// through WebCrypto in its async calls) rather than @noble/curves' secp256k1 (about 16 kB gzip
// with its hashes): the browser bundle's size target (issue 14) has no room for the latter.
export { getPublicKey, getSharedSecret, signAsync, verifyAsync, Point, utils } from '@noble/secp256k1';
