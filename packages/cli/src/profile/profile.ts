// A profile is a folder: profile.json (DIDs, the one in use, the mediator: nothing secret),
// secrets.json (the keys, encrypted with the passphrase) and inbox.jsonl (received messages).
// Reading who we are needs no passphrase; anything that touches a key does. Several processes
// may use one profile (an `inbox --live` and a `send` in two terminals): every change is made
// under the file's lock to what is on disk then, and the inbox keeps each message once.
import { appendFile, mkdir, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, isDIDCommError, type Curve, type Secret } from '@didcomm-ts/core';
import { FileSecretsStore, withFileLock, writeAtomic } from '@didcomm-ts/core/node';
import { UserError } from '../ui/errors.js';
import { canPrompt, promptHidden } from '../ui/prompt.js';
import { profileDir } from './location.js';

export type DidMethod = 'peer' | 'key' | 'jwk';

export interface DidRecord {
  did: string;
  method: DidMethod;
  curve: Curve;
  created_at: string;
  /** The mediator DID this DID's service routes through, when it was made by `mediate`. */
  mediator?: string;
  /** `mediation`: the DID that holds our account with the mediator (it picks up our messages). */
  role?: 'mediation';
  /** For role `mediation`: the mediator it asked (kept so a retry after a denial asks as the same DID). */
  for_mediator?: string;
}

export interface MediatorRecord {
  /** The mediator's own DID (from its invitation). */
  did: string;
  /** The routing DID (or key) the grant named: senders wrap forwards for it. */
  routing_did: string;
  /** The invitation we mediated through, to show and to mediate again. */
  invitation?: string;
  /** Which of our DIDs the mediator granted (the mediation client). */
  client_did: string;
  granted_at: string;
  /** Protocol versions the mediator was reached with (coordinate-mediation 2|3, pickup 3|4). */
  mediation_version: 2 | 3;
  pickup_version: 3 | 4;
}

export interface InboxEntry {
  id: string;
  from: string | null;
  to?: string[];
  type: string;
  body: unknown;
  thid?: string;
  received_at: string;
  /** Whether the sender is authenticated (authcrypt or signature). */
  authenticated: boolean;
}

interface ProfileFile {
  format: 'didcomm-ts/profile';
  v: 1;
  current?: string;
  dids: DidRecord[];
  mediator?: MediatorRecord;
  /** How many inbox entries `didcomm inbox` has shown (the rest are new). */
  inbox_shown?: number;
}

const FORMAT = 'didcomm-ts/profile';
const MAX_INBOX_BYTES = 64 * 1024 * 1024;

export class Profile {
  readonly dir: string;
  #data: ProfileFile;
  #secrets: FileSecretsStore | undefined;
  #inboxIndex: { keys: Set<string>; bytes: number } | undefined;

  private constructor(dir: string, data: ProfileFile) {
    this.dir = dir;
    this.#data = data;
  }

  static async open(flag?: string): Promise<Profile> {
    const dir = profileDir(flag);
    let data: ProfileFile = { format: FORMAT, v: 1, dids: [] };
    let text: string | undefined;
    try {
      text = await readFile(join(dir, 'profile.json'), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new UserError(`the profile ${dir} is not a folder`, 'pass a folder to --profile (or DIDCOMM_PROFILE)');
      if (code !== 'ENOENT') throw new UserError(`cannot read the profile ${dir}: ${code ?? String(e)}`, 'check the folder and its permissions');
    }
    if (text !== undefined) {
      try {
        const o = JSON.parse(text) as ProfileFile;
        if (o.format !== FORMAT || o.v !== 1 || !Array.isArray(o.dids)) throw new Error('unknown format');
        data = o;
      } catch {
        throw new UserError(`${join(dir, 'profile.json')} is not a didcomm profile (corrupted?)`, 'restore it from a backup, or use another --profile');
      }
    }
    return new Profile(dir, data);
  }

  get secretsPath(): string {
    return join(this.dir, 'secrets.json');
  }
  get inboxPath(): string {
    return join(this.dir, 'inbox.jsonl');
  }

  get dids(): readonly DidRecord[] {
    return this.#data.dids;
  }
  get current(): string | undefined {
    return this.#data.current ?? this.#data.dids.filter((d) => d.role !== 'mediation').at(-1)?.did;
  }
  get mediator(): MediatorRecord | undefined {
    return this.#data.mediator;
  }

  /** The DID in use, or a UserError that says how to make one. */
  requireCurrent(): string {
    const did = this.current;
    if (!did) throw new UserError(`the profile ${this.dir} has no DID yet`, 'create one with `didcomm did create peer` (or pick another --profile)');
    return did;
  }

  requireMediator(): MediatorRecord {
    const m = this.#data.mediator;
    if (!m) throw new UserError(`the profile ${this.dir} has no mediator`, 'run `didcomm mediate <invitation-url>` first (a mediator prints its invitation when it starts)');
    return m;
  }

  has(did: string): boolean {
    return this.#data.dids.some((d) => d.did === did);
  }

  /** Our DIDs, the one in use first (the Agent's default sender). */
  orderedDids(): string[] {
    const cur = this.current;
    return [...(cur ? [cur] : []), ...this.#data.dids.map((d) => d.did).filter((d) => d !== cur)];
  }

  async exists(): Promise<boolean> {
    return (await fileExists(join(this.dir, 'profile.json'))) || (await fileExists(this.secretsPath));
  }

  /** The key store, opened with the passphrase (asked for once per run). */
  async secrets(o: { create?: boolean } = {}): Promise<FileSecretsStore> {
    if (this.#secrets) return this.#secrets;
    const exists = await fileExists(this.secretsPath);
    if (!exists && !o.create) {
      throw new UserError(`the profile ${this.dir} has no keys yet`, 'create a DID with `didcomm did create peer` (or pick another --profile)');
    }
    const passphrase = await passphraseFor(this.dir, !exists);
    if (!exists) await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      this.#secrets = await FileSecretsStore.open(this.secretsPath, passphrase, { create: !exists, scrypt: scryptParams() });
    } catch (e) {
      if (isDIDCommError(e, ErrorCodes.STORE) && /passphrase/.test(e.message)) {
        const how = process.env.DIDCOMM_PASSPHRASE ? 'set DIDCOMM_PASSPHRASE to the passphrase it was created with' : 'type the passphrase it was created with (or set DIDCOMM_PASSPHRASE)';
        throw new UserError(`wrong passphrase for the profile ${this.dir}`, how, undefined, { cause: e });
      }
      throw e;
    }
    return this.#secrets;
  }

  async addDid(record: DidRecord, secrets: Secret[], makeCurrent: boolean): Promise<void> {
    const store = await this.secrets({ create: true });
    await store.add(...secrets);
    await this.#update((d) => {
      d.dids = [...d.dids.filter((x) => x.did !== record.did), record];
      // An account DID at a mediator is for talking to the mediator, not for others to write to.
      if (makeCurrent || (!d.current && record.role !== 'mediation')) d.current = record.did;
    });
  }

  async use(did: string): Promise<void> {
    if (!this.has(did)) throw new UserError(`${did} is not a DID of the profile ${this.dir}`, 'run `didcomm whoami` to list them');
    await this.#update((d) => {
      d.current = did;
    });
  }

  async setMediator(m: MediatorRecord): Promise<void> {
    await this.#update((d) => {
      d.mediator = m;
    });
  }

  /** Apply `change` to profile.json as it is on disk now, holding its lock, and keep the result. */
  async #update(change: (d: ProfileFile) => void): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, 'profile.json');
    await withFileLock(path, async () => {
      const fresh = await Profile.open(this.dir);
      const d = fresh.#data;
      change(d);
      await writeAtomic(path, `${JSON.stringify(d, null, 2)}\n`);
      this.#data = d;
    });
  }

  get inboxShown(): number {
    return this.#data.inbox_shown ?? 0;
  }

  async setInboxShown(n: number): Promise<void> {
    // Another process may have moved it on meanwhile: never go back.
    await this.#update((d) => {
      d.inbox_shown = Math.max(n, d.inbox_shown ?? 0);
    });
  }

  /**
   * Append the entries the inbox does not hold yet (same sender and id), holding the inbox's
   * lock, so two processes receiving the same redelivered message keep it once; -> those appended.
   */
  async appendInbox(entries: InboxEntry[]): Promise<InboxEntry[]> {
    if (entries.length === 0) return [];
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    return withFileLock(this.inboxPath, async () => {
      const held = await this.#inboxKeys();
      const fresh = entries.filter((e) => !held.has(inboxKey(e)) && held.add(inboxKey(e)));
      if (fresh.length > 0) {
        const text = fresh.map((e) => `${JSON.stringify(e)}\n`).join('');
        await appendFile(this.inboxPath, text, { mode: 0o600 });
        this.#inboxIndex!.bytes += Buffer.byteLength(text);
      }
      return fresh;
    });
  }

  /**
   * Read the inbox's index now (appendInbox keeps it up to date after that), so a profile whose
   * inbox cannot be read fails at start, not at the first message.
   */
  async loadInbox(): Promise<void> {
    if (!(await fileExists(this.inboxPath))) return;
    await withFileLock(this.inboxPath, async () => void (await this.#inboxKeys()));
  }

  /** The keys of the inbox's entries, read incrementally: only what was appended since last time. */
  async #inboxKeys(): Promise<Set<string>> {
    let size = 0;
    try {
      size = (await stat(this.inboxPath)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const idx = this.#inboxIndex;
    if (!idx || size < idx.bytes) {
      // First time, or the file was replaced: read it all.
      this.#inboxIndex = { keys: new Set((await this.readInbox()).map(inboxKey)), bytes: size };
      return this.#inboxIndex.keys;
    }
    if (size > idx.bytes) {
      const fh = await open(this.inboxPath, 'r');
      try {
        const buf = Buffer.alloc(size - idx.bytes);
        await fh.read(buf, 0, buf.length, idx.bytes);
        for (const e of parseInboxLines(buf.toString('utf8'))) idx.keys.add(inboxKey(e));
      } finally {
        await fh.close();
      }
      idx.bytes = size;
    }
    return idx.keys;
  }

  async readInbox(): Promise<InboxEntry[]> {
    let text: string;
    try {
      const st = await stat(this.inboxPath);
      if (st.size > MAX_INBOX_BYTES) throw new UserError(`${this.inboxPath} is larger than ${MAX_INBOX_BYTES} bytes`, 'move it away to start a new inbox');
      text = await readFile(this.inboxPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return parseInboxLines(text);
  }
}

/** The entries of inbox.jsonl text (or of a part of it that ends at a line end). */
function parseInboxLines(text: string): InboxEntry[] {
  const out: InboxEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as InboxEntry);
    } catch {
      // A line cut short by a crash mid-append: the rest of the inbox is still good.
    }
  }
  return out;
}

/** What makes two inbox entries the same message. */
export const inboxKey = (e: Pick<InboxEntry, 'from' | 'id'>): string => `${e.from ?? ''} ${e.id}`;

async function fileExists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

// DIDCOMM_SCRYPT_N lowers the cost of new stores (tests); the default is the library's.
function scryptParams(): { N: number } | undefined {
  const n = Number(process.env.DIDCOMM_SCRYPT_N);
  return Number.isInteger(n) && n >= 1024 && (n & (n - 1)) === 0 ? { N: n } : undefined;
}

async function passphraseFor(dir: string, creating: boolean): Promise<string> {
  const fromEnv = process.env.DIDCOMM_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!canPrompt()) {
    throw new UserError(`the profile ${dir} is encrypted and there is no terminal to ask for its passphrase`, 'set DIDCOMM_PASSPHRASE');
  }
  if (!creating) {
    const p = await promptHidden(`Passphrase for ${dir}: `);
    if (!p) throw new UserError('no passphrase given', 'type the passphrase of this profile, or set DIDCOMM_PASSPHRASE');
    return p;
  }
  const p = await promptHidden(`New profile ${dir}. Choose a passphrase: `);
  if (!p) throw new UserError('the passphrase must not be empty', 'choose one, or set DIDCOMM_PASSPHRASE');
  const again = await promptHidden('Type it again: ');
  if (again !== p) throw new UserError('the two passphrases differ', 'run the command again and type the same passphrase twice');
  return p;
}

