// Loaded on demand by web.ts (XC20P content encryption); see secp256k1.ts.
export { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
