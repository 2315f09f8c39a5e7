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
import { attempt, describeError, expectRejected, hex, loadWycheproof, runAll, toHex } from './wycheproof.mjs';

test('wycheproof aes_wrap_test.json: RFC 3394 key wrap', async (t) => {
  const file = loadWycheproof('aes_wrap_test.json');
  await runAll(t, 'aes_wrap_test.json', file, 165, async (group, tc) => {
    const kek = hex(tc.key);
    if (kek.length * 8 !== group.keySize) return 'key size differs from the group';
    const wrap = await attempt(() => backend.aesKeyWrap(kek, hex(tc.msg)));
    const unwrap = await attempt(() => backend.aesKeyUnwrap(kek, hex(tc.ct)));
    if (tc.result === 'valid') {
      if (!wrap.ok) return `wrap failed: ${describeError(wrap.error)}`;
      if (toHex(wrap.value) !== tc.ct) return 'wrap gave a different ciphertext';
      if (!unwrap.ok) return `unwrap failed: ${describeError(unwrap.error)}`;
      if (toHex(unwrap.value) !== tc.msg) return 'unwrap gave a different key';
      return { failure: null, outcome: `valid A${group.keySize}KW` };
    }
    const u = expectRejected(unwrap, 'ERR_DECRYPTION_FAILED');
    if (u) return `unwrap: ${u}`;
    if (wrap.ok && toHex(wrap.value) === tc.ct) return 'wrap reproduced the invalid ciphertext';
    if (!wrap.ok && !(wrap.error instanceof TypeError)) return `wrap refused with ${describeError(wrap.error)}, expected TypeError`;
    const msgBytes = tc.msg.length / 2;
    if (!wrap.ok && msgBytes >= 16 && msgBytes % 8 === 0) return 'wrap refused a well-sized key';
    return { failure: null, outcome: `${tc.result} rejected` };
  });
});
