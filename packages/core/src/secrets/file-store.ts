// A secrets store kept in one file, encrypted at rest: scrypt(passphrase) -> AES-256-GCM,
// the header authenticated as AAD. Every write goes to a temporary file that is fsynced and
// then renamed over the old one, so a crash leaves either the old file or the new, never half.
// Several processes may share the file (a CLI profile used from two terminals): each write
// holds a lock file, re-reads what the others wrote and applies its change on top, so no
// process's secret is lost to another's write; a lookup that misses re-reads a changed file.
// Node-only (node:fs): exported from `@didcomm-ts/core/node`, not from the main entry.
import { open, readFile, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DIDCommError, ErrorCodes } from '../errors.js';
import { backend } from '../crypto/index.js';
import { scryptKey, type ScryptParams } from '../crypto/passphrase.js';
import { decode, encode, fromUtf8, utf8 } from '../util/base64url.js';
import { toHex } from '../util/bytes.js';
import { isObject, parseJson } from '../util/json.js';
import type { Secret, SecretsResolver } from './types.js';
import { withFileLock } from './file-lock.js';

/** Options of FileSecretsStore.open. */
export interface FileSecretsStoreOptions {
  /** Create the file when it does not exist (default true). */
  create?: boolean;
  /** scrypt cost for files this store writes (default N = 2^17, r = 8, p = 1). */
  scrypt?: Partial<ScryptParams>;
  /** How long a write waits for another process's lock on the file (default 10 000 ms). */
  lockTimeoutMs?: number;
}

const FORMAT = 'didcomm-ts/secrets';
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

interface Header {
  format: typeof FORMAT;
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  enc: 'A256GCM';
}

const storeError = (msg: string, cause?: unknown) => new DIDCommError(ErrorCodes.STORE, msg, cause === undefined ? undefined : { cause });
// The header fields in a fixed order, so the AAD is the same bytes on write and on read.
const aadOf = (h: Header) => utf8(JSON.stringify([h.format, h.v, h.kdf, h.N, h.r, h.p, h.salt, h.enc]));

/**
 * Secrets kept in one file, encrypted at rest with a passphrase (scrypt, AES-256-GCM). Writes are atomic and hold a
 * lock file, so several processes may share the file. Node only: exported from `@didcomm-ts/core/node`.
 */
export class FileSecretsStore implements SecretsResolver {
  readonly path: string;
  #secrets: Map<string, Secret>;
  #header: Header;
  #key: Uint8Array;
  #writes: Promise<void> = Promise.resolve();
  /**
   * The file's text as this store last read or wrote it, to notice other processes' writes.
   * Compared by content: inode, size and mtime can all repeat (a freed inode reused, two
   * writes within one clock tick), and a missed change would lose a secret.
   */
  #seen: string | undefined;
  #lastMissCheck = 0;
  #lock: { timeoutMs?: number } = {};

  private constructor(path: string, header: Header, key: Uint8Array, secrets: Secret[]) {
    this.path = path;
    this.#header = header;
    this.#key = key;
    this.#secrets = new Map(secrets.map((s) => [s.id, frozenCopy(s)]));
  }

  /** Open (or create) the store at `path`. A wrong passphrase fails with ERR_STORE. */
  static async open(path: string, passphrase: string, options: FileSecretsStoreOptions = {}): Promise<FileSecretsStore> {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
    if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('passphrase must be a non-empty string');
    let text: string;
    try {
      const st = await stat(path);
      if (st.size > MAX_FILE_BYTES) throw storeError(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (e instanceof DIDCommError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && options.create !== false) {
        const { header, key } = await newKey(passphrase, options.scrypt);
        const store = new FileSecretsStore(path, header, key, []);
        store.#lock = { timeoutMs: options.lockTimeoutMs };
        // Another process may create it meanwhile: then that file is the one to open.
        const created = await withFileLock(path, async () => {
          if (await fileExists(path)) return false;
          await store.#persist();
          return true;
        }, store.#lock);
        return created ? store : FileSecretsStore.open(path, passphrase, { ...options, create: false });

      }
      throw storeError(`cannot read ${path}`, e);
    }
    const { header, iv, ct, tag } = parseFile(text);
    const key = await scryptKey(passphrase, decode(header.salt), header);
    let plain: Uint8Array;
    try {
      plain = await backend.decrypt('A256GCM', key, iv, ct, tag, aadOf(header));
    } catch (e) {
      throw storeError('wrong passphrase, or the secrets file is corrupted', e);
    }
    const store = new FileSecretsStore(path, header, key, parseSecrets(plain));
    store.#lock = { timeoutMs: options.lockTimeoutMs };
    store.#seen = text;
    return store;
  }

  /** The same frozen object on every call, so per-Secret key caches (secretToPrivateKey) hit. */
  async getSecret(kid: string): Promise<Secret | null> {
    const s = this.#secrets.get(kid);
    if (s) return s;
    await this.#refreshOnMiss();
    return this.#secrets.get(kid) ?? null;
  }

  async findSecrets(kids: string[]): Promise<string[]> {
    if (!kids.some((k) => this.#secrets.has(k))) await this.#refreshOnMiss();
    return kids.filter((k) => this.#secrets.has(k));
  }

  /** At most once a second: if another process wrote the file, read it again. */
  async #refreshOnMiss(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastMissCheck < 1000) return;
    this.#lastMissCheck = now;
    const run = () => this.#refresh().catch(() => {});
    const p = this.#writes.then(run, run);
    this.#writes = p;
    await p;
  }

  /**
   * Read the file again if it changed since this store last saw it. Secrets that did not
   * change keep their (frozen, shared) objects, so per-Secret key caches still hit.
   */
  async #refresh(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      // Gone: what this store holds is written back by the next change.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw storeError(`cannot read ${this.path}`, e);
    }
    if (text === this.#seen) return;
    if (text.length > MAX_FILE_BYTES) throw storeError(`${this.path} is larger than ${MAX_FILE_BYTES} bytes`);
    const { header, iv, ct, tag } = parseFile(text);
    if (header.salt !== this.#header.salt) throw storeError('another process changed the passphrase of this secrets file; open it again');
    let plain: Uint8Array;
    try {
      plain = await backend.decrypt('A256GCM', this.#key, iv, ct, tag, aadOf(header));
    } catch (e) {
      throw storeError('the secrets file changed and could not be decrypted', e);
    }
    const next = new Map<string, Secret>();
    for (const s of parseSecrets(plain)) {
      const old = this.#secrets.get(s.id);
      next.set(s.id, old && JSON.stringify(old) === JSON.stringify(s) ? old : frozenCopy(s));
    }
    this.#secrets = next;
    this.#header = header;
    this.#seen = text;
  }

  list(): Secret[] {
    return [...this.#secrets.values()];
  }

  /** Add or replace secrets, and write the file before returning. */
  async add(...secrets: Secret[]): Promise<void> {
    for (const s of secrets) checkSecret(s);
    return this.#mutate(() => {
      for (const s of secrets) this.#secrets.set(s.id, frozenCopy(s));
    });
  }

  async remove(kid: string): Promise<boolean> {
    let removed = false;
    await this.#mutate(() => {
      removed = this.#secrets.delete(kid);
    });
    return removed;
  }

  /** Re-encrypt the file under a new passphrase (fresh salt). */
  async changePassphrase(passphrase: string, options: { scrypt?: Partial<ScryptParams> } = {}): Promise<void> {
    if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('passphrase must be a non-empty string');
    const { header, key } = await newKey(passphrase, options.scrypt ?? { N: this.#header.N, r: this.#header.r, p: this.#header.p });
    await this.#mutate(() => {
      this.#header = header;
      this.#key = key;
    });
  }

  // Writes run one at a time and in order, each holding the file's lock and applied on top of
  // what other processes wrote; the in-memory view changes only once the file holding it is on
  // disk, so a failed write leaves both as they were.
  #mutate(change: () => void): Promise<void> {
    const run = () =>
      withFileLock(this.path, async () => {
        await this.#refresh();
        const saved = { secrets: new Map(this.#secrets), header: this.#header, key: this.#key };
        change();
        try {
          await this.#persist();
        } catch (e) {
          this.#secrets = saved.secrets;
          this.#header = saved.header;
          this.#key = saved.key;
          throw e;
        }
      }, this.#lock);
    const p = this.#writes.then(run, run);
    this.#writes = p.catch(() => {});
    return p;
  }

  async #persist(): Promise<void> {
    const iv = backend.randomBytes(12);
    const plain = utf8(JSON.stringify({ secrets: [...this.#secrets.values()] }));
    const { ciphertext, tag } = await backend.encrypt('A256GCM', this.#key, iv, plain, aadOf(this.#header));
    const file = JSON.stringify({ ...this.#header, iv: encode(iv), ct: encode(ciphertext), tag: encode(tag) });
    await writeAtomic(this.path, file);
    this.#seen = file;
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw storeError(`cannot read ${path}`, e);
  }
}

async function newKey(passphrase: string, params: Partial<ScryptParams> = {}): Promise<{ header: Header; key: Uint8Array }> {
  const p = { ...DEFAULT_SCRYPT, ...params };
  const salt = backend.randomBytes(16);
  const header: Header = { format: FORMAT, v: 1, kdf: 'scrypt', N: p.N, r: p.r, p: p.p, salt: encode(salt), enc: 'A256GCM' };
  return { header, key: await scryptKey(passphrase, salt, p) };
}

function parseFile(text: string): { header: Header; iv: Uint8Array; ct: Uint8Array; tag: Uint8Array } {
  let o: unknown;
  try {
    o = parseJson(text, 'secrets file', 4);
  } catch (e) {
    throw storeError('the secrets file is not valid JSON (corrupted?)', e);
  }
  if (!isObject(o) || o.format !== FORMAT || o.v !== 1 || o.kdf !== 'scrypt' || o.enc !== 'A256GCM') throw storeError('not a didcomm-ts secrets file, or an unknown version');
  if (typeof o.salt !== 'string' || typeof o.iv !== 'string' || typeof o.ct !== 'string' || typeof o.tag !== 'string') throw storeError('the secrets file is missing fields');
  const header: Header = { format: FORMAT, v: 1, kdf: 'scrypt', N: o.N as number, r: o.r as number, p: o.p as number, salt: o.salt, enc: 'A256GCM' };
  try {
    const iv = decode(o.iv);
    const tag = decode(o.tag);
    if (iv.length !== 12 || tag.length !== 16 || decode(o.salt).length < 16) throw new Error('bad lengths');
    return { header, iv, ct: decode(o.ct), tag };
  } catch (e) {
    throw storeError('the secrets file has malformed fields', e);
  }
}

function parseSecrets(plain: Uint8Array): Secret[] {
  let o: unknown;
  try {
    o = parseJson(fromUtf8(plain), 'secrets');
  } catch (e) {
    throw storeError('the decrypted secrets are not valid JSON', e);
  }
  if (!isObject(o) || !Array.isArray(o.secrets)) throw storeError('the decrypted secrets have the wrong shape');
  for (const s of o.secrets) checkSecret(s, true);
  return o.secrets as Secret[];
}

function checkSecret(s: unknown, fromFile = false): void {
  const ok = isObject(s) && typeof s.id === 'string' && s.id.length > 0 && typeof s.type === 'string' && (isObject(s.privateKeyJwk) || typeof s.privateKeyMultibase === 'string' || typeof s.privateKeyBase58 === 'string');
  if (!ok) {
    if (fromFile) throw storeError('a stored secret has the wrong shape');
    throw new TypeError('a secret needs an id, a type and privateKeyJwk, privateKeyMultibase or privateKeyBase58');
  }
}

/** Write `data` to `path` so that readers see the old content or the new, never a mix. */
export async function writeAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${toHex(backend.randomBytes(6))}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw storeError(`cannot write ${path}`, e);
  }
  // The rename is durable only once the directory entry is; not every platform allows this.
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}

/** A deep copy nobody can change: callers share it instead of receiving a copy each time. */
function frozenCopy<T>(value: T): T {
  const freeze = (v: unknown): unknown => {
    if (v && typeof v === 'object') {
      for (const x of Object.values(v)) freeze(x);
      Object.freeze(v);
    }
    return v;
  };
  return freeze(structuredClone(value)) as T;
}
