// Loaded on demand by web.ts. A one-name re-export, because bundlers keep every export of a
// dynamically imported module: importing @noble's module itself would bring all of it.
export { secp256k1 } from '@noble/curves/secp256k1.js';
