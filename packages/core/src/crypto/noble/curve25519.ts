// Loaded on demand by web.ts (engines without X25519/Ed25519 in WebCrypto); see secp256k1.ts.
// @noble/ed25519 (one file, about 4 kB gzip, SHA-512 through WebCrypto in its async calls)
// rather than @noble/curves (about 15 kB gzip for ed25519 and x25519), and our RFC 7748 ladder
// for X25519, which @noble/ed25519 does not have.
export { getPublicKeyAsync, signAsync, verifyAsync, utils } from '@noble/ed25519';
export { x25519 } from '../x25519.js';
