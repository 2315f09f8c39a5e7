// Wycheproof AES key wrap (RFC 3394) against backend.aesKeyWrap / aesKeyUnwrap, all three
// KEK sizes (A128KW, A192KW, A256KW; ECDH-*+A*KW derive KEKs of these sizes).
//   valid   -> wrap(msg) == ct and unwrap(ct) == msg.
//   invalid -> unwrap(ct) fails with ERR_DECRYPTION_FAILED; wrap(msg) either refuses the
//              input (a key of the wrong size is caller misuse: TypeError) or differs from ct.
//   acceptable (ShortKey: wrapping an 8-byte key, RFC 3394 needs n >= 2 blocks): we reject.
//              A JWE CEK is at least 16 bytes, so an 8-byte one never arrives legitimately;
//              unwrap fails with ERR_DECRYPTION_FAILED and wrap refuses with a TypeError.
import { test } from 'node:test';
import { backend } from '../../dist/crypto/index.js';
import { AES_WRAP, runCases } from './wycheproof-cases.mjs';

test('wycheproof aes_wrap_test.json: RFC 3394 key wrap', (t) => runCases(t, backend, AES_WRAP));
