// Loaded on demand by web.ts (engines without X25519/Ed25519 in WebCrypto); see secp256k1.ts.
export { ed25519, x25519 } from '@noble/curves/ed25519.js';
