// Loaded on demand by web.ts (A192KW: Chromium refuses 192-bit AES keys); see secp256k1.ts.
export { aeskw } from '@noble/ciphers/aes.js';
