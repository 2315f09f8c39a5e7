// The mediator's DID: a did:peer:2 whose DIDCommMessaging services are its public HTTP and
// WebSocket URLs. With SQLite its keys live in the encrypted file store in the data folder;
// with PostgreSQL they live in the database, sealed in the same encrypted format, so every
// instance on that database is the same mediator. A DID whose URL changed is kept (its keys
// still decrypt what was sent to it) and a new one becomes current.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDID, InMemorySecrets, type Logger, type Secret, type SecretsResolver } from '@didcomm-ts/core';
import { FileSecretsStore } from '@didcomm-ts/core/node';
import type { MediatorStore } from './store/types.js';

export interface MediatorIdentity {
  /** The current DID (what grants and invitations name). */
  did: string;
  /** Every DID the mediator still answers to, current first. */
  dids: string[];
  /** The HTTP and WebSocket URIs those DIDs name: messages sent there come back to us. */
  endpoints: string[];
  secrets: SecretsResolver;
}

interface StoredIdentity {
  dids: Array<{ did: string; http: string; ws: string; createdAt: number }>;
  /** PostgreSQL only: the secrets file's text (encrypted). */
  sealed?: string;
}

export interface IdentityOptions {
  store: MediatorStore;
  /** The data folder (SQLite: the secrets file goes here). */
  data: string;
  passphrase: string;
  httpUri: string;
  wsUri: string;
  logger: Logger;
  /** scrypt cost for new secrets files (tests lower it). */
  scryptN?: number;
}

const KEY = 'identity';

const endpointsOf = (s: StoredIdentity) => [...new Set(s.dids.flatMap((d) => [d.http, d.ws]))];

async function newDid(httpUri: string, wsUri: string) {
  return createDID('peer', { services: [{ uri: httpUri }, { uri: wsUri }] });
}

/** Encrypt secrets in the file store's format and return the file's text. */
async function seal(secrets: Secret[], passphrase: string, scryptN?: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mediator-seal-'));
  try {
    const path = join(dir, 'secrets.json');
    const store = await FileSecretsStore.open(path, passphrase, scryptN ? { scrypt: { N: scryptN } } : {});
    await store.add(...secrets);
    return await readFile(path, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function unseal(text: string, passphrase: string): Promise<Secret[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mediator-seal-'));
  try {
    const path = join(dir, 'secrets.json');
    await writeFile(path, text, { mode: 0o600 });
    return (await FileSecretsStore.open(path, passphrase, { create: false })).list();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function loadIdentity(o: IdentityOptions): Promise<MediatorIdentity> {
  return o.store.kind === 'postgres' ? loadShared(o) : loadLocal(o);
}

async function loadLocal(o: IdentityOptions): Promise<MediatorIdentity> {
  const file = await FileSecretsStore.open(join(o.data, 'secrets.json'), o.passphrase, o.scryptN ? { scrypt: { N: o.scryptN } } : {});
  const raw = await o.store.getSetting(KEY);
  const stored: StoredIdentity = raw ? JSON.parse(raw) : { dids: [] };
  const current = stored.dids[0];
  if (current && !file.list().some((s) => s.id.startsWith(`${current.did}#`))) {
    throw new Error(`the secrets file in ${o.data} holds no key of ${current.did}: restore it, or start on an empty data folder`);
  }
  if (!current || current.http !== o.httpUri || current.ws !== o.wsUri) {
    const created = await newDid(o.httpUri, o.wsUri);
    await file.add(...created.secrets);
    stored.dids.unshift({ did: created.did, http: o.httpUri, ws: o.wsUri, createdAt: Date.now() });
    await o.store.setSetting(KEY, JSON.stringify(stored));
    if (current) o.logger.warn('public URL changed: created a new DID; the previous one keeps working for what is in flight', { did: created.did, previous: current.did });
    else o.logger.info('created the mediator DID', { did: created.did });
  }
  return { did: stored.dids[0].did, dids: stored.dids.map((d) => d.did), endpoints: endpointsOf(stored), secrets: file };
}

async function loadShared(o: IdentityOptions): Promise<MediatorIdentity> {
  let raw = await o.store.getSetting(KEY);
  if (!raw) {
    const created = await newDid(o.httpUri, o.wsUri);
    const candidate: StoredIdentity = { dids: [{ did: created.did, http: o.httpUri, ws: o.wsUri, createdAt: Date.now() }], sealed: await seal(created.secrets, o.passphrase, o.scryptN) };
    // Instances starting together: the first write wins and everyone uses it.
    raw = await o.store.setSettingIfAbsent(KEY, JSON.stringify(candidate));
    if (JSON.parse(raw).dids[0].did === created.did) o.logger.info('created the shared mediator DID', { did: created.did });
  }
  const stored: StoredIdentity = JSON.parse(raw);
  if (!stored.sealed) throw new Error('the stored identity has no sealed secrets');
  const secrets = await unseal(stored.sealed, o.passphrase);
  const current = stored.dids[0];
  if (current.http !== o.httpUri || current.ws !== o.wsUri) {
    // Instances share one DID; its endpoints are the load balancer's URL, not each instance's.
    o.logger.info('using the shared mediator DID, whose endpoints differ from this instance\'s URL', { did: current.did, endpoint: current.http });
  }
  return { did: current.did, dids: stored.dids.map((d) => d.did), endpoints: endpointsOf(stored), secrets: new InMemorySecrets(secrets) };
}
