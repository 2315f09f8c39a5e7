// The floors our mediator is compared with: bare node:http servers that take a forward on
// POST /, find its recipient, store the forwarded message in the same kind of SQLite table as
// the mediator (WAL, synchronous=FULL, one transaction per turn of the event loop) and answer
// 202 after the commit. They differ only in how the forward is unwrapped:
//   crypto        direct node:crypto calls written here: X25519 ECDH, Concat KDF, AES-256-KW
//                 unwrap, A256CBC-HS512 (HMAC-SHA-512 check, AES-256-CBC decrypt)
//   didcomm-node  Message.unpack + try_parse_forward of didcomm-node 0.4.1 (what the reference gives)
//   store         no unwrapping: the body is stored as it came (the cost of HTTP + SQLite)
// No validation beyond what each needs to find the recipient: floors, not mediators.
import { createServer } from 'node:http';
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, randomUUID, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Message } from 'didcomm-node';
import { theirResolver, theirSecrets } from '../packages/core/test/interop/didcomm-node-adapter.mjs';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS recipients (recipient_did TEXT PRIMARY KEY, account TEXT NOT NULL, added_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, account TEXT NOT NULL, recipient_did TEXT NOT NULL,
  received_at INTEGER NOT NULL, size INTEGER NOT NULL, message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_account ON queue(account, seq);
CREATE INDEX IF NOT EXISTS queue_received ON queue(received_at);
`;

/** The floors' store: the mediator's queue table, group commit, each write resolved after its commit. */
function floorStore(dir, recipients) {
  const db = new Database(join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const add = db.prepare('INSERT OR IGNORE INTO recipients (recipient_did, account, added_at) VALUES (?, ?, ?)');
  for (const did of recipients) add.run(did, did, Date.now());
  const owner = db.prepare('SELECT account FROM recipients WHERE recipient_did = ?');
  const insert = db.prepare('INSERT INTO queue (id, account, recipient_did, received_at, size, message) VALUES (?, ?, ?, ?, ?, ?)');
  let pending = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    const now = Date.now();
    try {
      db.transaction(() => {
        for (const p of batch) insert.run(randomUUID(), p.account, p.recipient, now, Buffer.byteLength(p.message), p.message);
      })();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    for (const p of batch) p.resolve();
  };
  return {
    owner: (did) => owner.get(did)?.account,
    enqueue: (account, recipient, message) =>
      new Promise((resolve, reject) => {
        if (pending.push({ account, recipient, message, resolve, reject }) === 1) setImmediate(flush);
      }),
    close: () => db.close(),
  };
}

// ---- the crypto floor: ECDH-ES+A256KW / A256CBC-HS512 by hand on node:crypto ----
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const b64u = (s) => Buffer.from(s, 'base64url');
const lenPrefixed = (b) => {
  const out = Buffer.alloc(4 + b.length);
  out.writeUInt32BE(b.length, 0);
  b.copy(out, 4);
  return out;
};
const ALG_ID = lenPrefixed(Buffer.from('ECDH-ES+A256KW'));
const SUPP_PUB_256 = Buffer.from([0, 0, 1, 0]);
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/** -> unwrap(body string) -> { next, forwarded: string } */
export function cryptoUnwrapper(secrets) {
  const keys = new Map(secrets.filter((s) => s.privateKeyJwk?.crv === 'X25519').map((s) => [s.id, createPrivateKey({ key: s.privateKeyJwk, format: 'jwk' })]));
  return (body) => {
    const jwe = JSON.parse(body);
    const header = JSON.parse(b64u(jwe.protected).toString('utf8'));
    const r = jwe.recipients.find((x) => keys.has(x.header?.kid));
    if (!r || header.alg !== 'ECDH-ES+A256KW' || header.enc !== 'A256CBC-HS512') throw new Error('not for us');
    const epk = createPublicKey({ key: Buffer.concat([X25519_SPKI, b64u(header.epk.x)]), format: 'der', type: 'spki' });
    const z = diffieHellman({ privateKey: keys.get(r.header.kid), publicKey: epk });
    // Concat KDF (NIST SP 800-56A, one round: SHA-256 gives the 256 bits of the KEK).
    const apu = header.apu ? b64u(header.apu) : Buffer.alloc(0);
    const apv = header.apv ? b64u(header.apv) : Buffer.alloc(0);
    const kek = createHash('sha256').update(Buffer.from([0, 0, 0, 1])).update(z).update(ALG_ID).update(lenPrefixed(apu)).update(lenPrefixed(apv)).update(SUPP_PUB_256).digest();
    const kw = createDecipheriv('id-aes256-wrap', kek, KW_IV);
    const cek = Buffer.concat([kw.update(b64u(r.encrypted_key)), kw.final()]);
    // A256CBC-HS512 (RFC 7518 5.2): MAC key, then encryption key; tag = first half of the HMAC.
    const aad = Buffer.from(jwe.protected, 'ascii');
    const iv = b64u(jwe.iv);
    const ct = b64u(jwe.ciphertext);
    const al = Buffer.alloc(8);
    al.writeBigUInt64BE(BigInt(aad.length * 8));
    const tag = createHmac('sha512', cek.subarray(0, 32)).update(aad).update(iv).update(ct).update(al).digest().subarray(0, 32);
    if (!timingSafeEqual(tag, b64u(jwe.tag))) throw new Error('decryption failed');
    const dec = createDecipheriv('aes-256-cbc', cek.subarray(32), iv);
    const msg = JSON.parse(Buffer.concat([dec.update(ct), dec.final()]).toString('utf8'));
    return { next: msg.body.next, forwarded: JSON.stringify(msg.attachments[0].data.json) };
  };
}

/** -> unwrap(body string) -> Promise<{ next, forwarded }> with didcomm-node 0.4.1. */
function didcommNodeUnwrapper(secrets, docs) {
  const resolver = theirResolver(docs);
  const secretsResolver = theirSecrets(secrets);
  return async (body) => {
    const [msg] = await Message.unpack(body, resolver, secretsResolver, {});
    try {
      const fwd = msg.try_parse_forward();
      if (!fwd) throw new Error('not a forward');
      return { next: fwd.next, forwarded: JSON.stringify(fwd.forwarded_msg) };
    } finally {
      msg.free();
    }
  };
}

/**
 * Start a floor on 127.0.0.1. kind: 'crypto' | 'didcomm-node' | 'store'.
 * { dir, secrets (the mediator's), docs (mediator and recipients), recipients } -> { url, close() }
 */
export async function startFloor(kind, o) {
  const store = floorStore(o.dir, o.recipients);
  const unwrap = kind === 'crypto' ? cryptoUnwrapper(o.secrets) : kind === 'didcomm-node' ? didcommNodeUnwrapper(o.secrets, o.docs) : null;
  const recipientOf = o.recipients[0];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        const { next, forwarded } = unwrap ? await unwrap(body) : { next: recipientOf, forwarded: body };
        const account = store.owner(next);
        if (account === undefined) {
          res.writeHead(404, { 'content-length': '0' }).end();
          return;
        }
        await store.enqueue(account, next, forwarded);
        res.writeHead(202, { 'content-length': '0' }).end();
      } catch {
        res.writeHead(400, { 'content-length': '0' }).end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    async close() {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
