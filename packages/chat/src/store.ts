// What the page keeps in IndexedDB: the identity (which DIDs, which mediator), the secrets
// (private keys as JWK: our Secret shape is JWK, so the keys are extractable; non-extractable
// CryptoKeys would need a secrets resolver that signs and derives inside WebCrypto), the
// contacts and the messages.
import type { Secret, SecretsResolver } from '@didcomm-ts/core';

const DB_NAME = 'didcomm-chat';
const DB_VERSION = 1;

export interface Identity {
  /** The mediated DID: what others write to. */
  did: string;
  /** The DID that holds the mediation (the account). */
  accountDid: string;
  mediatorDid: string;
  /** Our invitation's id, kept so the QR code and link stay the same across reloads. */
  invitationId: string;
}

export interface Contact {
  did: string;
  unread: number;
  /** Epoch milliseconds of the last message either way. */
  lastAt: number;
}

export interface StoredMessage {
  id: string;
  peer: string;
  direction: 'in' | 'out';
  content: string;
  /** Epoch milliseconds. */
  at: number;
}

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

export class ChatStore {
  readonly #db: IDBDatabase;
  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  static async open(): Promise<ChatStore> {
    if (typeof indexedDB === 'undefined') throw new Error('this browser offers no IndexedDB, so the page cannot keep your keys');
    const open = indexedDB.open(DB_NAME, DB_VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore('meta');
      db.createObjectStore('secrets', { keyPath: 'id' });
      db.createObjectStore('contacts', { keyPath: 'did' });
      db.createObjectStore('messages', { keyPath: 'id' }).createIndex('peer', 'peer');
    };
    open.onblocked = () => undefined;
    return new ChatStore(await request(open));
  }

  /** Wipe everything (a new identity). */
  static async destroy(): Promise<void> {
    await request(indexedDB.deleteDatabase(DB_NAME));
  }

  close(): void {
    this.#db.close();
  }

  #tx(names: string | string[], mode: IDBTransactionMode = 'readonly') {
    return this.#db.transaction(names, mode);
  }
  #get<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
    return request(this.#tx(store).objectStore(store).get(key)) as Promise<T | undefined>;
  }
  #all<T>(store: string): Promise<T[]> {
    return request(this.#tx(store).objectStore(store).getAll()) as Promise<T[]>;
  }
  async #put(store: string, value: unknown, key?: IDBValidKey): Promise<void> {
    await request(this.#tx(store, 'readwrite').objectStore(store).put(value, key));
  }

  identity = () => this.#get<Identity>('meta', 'identity');
  saveIdentity = (i: Identity) => this.#put('meta', i, 'identity');

  secrets = () => this.#all<Secret>('secrets');
  async addSecrets(secrets: Secret[]): Promise<void> {
    const tx = this.#tx('secrets', 'readwrite');
    for (const s of secrets) tx.objectStore('secrets').put(s);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  async clearSecrets(): Promise<void> {
    await request(this.#tx('secrets', 'readwrite').objectStore('secrets').clear());
  }

  contacts = () => this.#all<Contact>('contacts');
  contact = (did: string) => this.#get<Contact>('contacts', did);
  saveContact = (c: Contact) => this.#put('contacts', c);

  message = (id: string) => this.#get<StoredMessage>('messages', id);
  saveMessage = (m: StoredMessage) => this.#put('messages', m);
  async messagesWith(peer: string): Promise<StoredMessage[]> {
    const list = (await request(this.#tx('messages').objectStore('messages').index('peer').getAll(peer))) as StoredMessage[];
    return list.sort((a, b) => a.at - b.at);
  }
}

/** The agent's secrets: read once from IndexedDB, kept in memory, written through on add. */
export class IdbSecrets implements SecretsResolver {
  readonly #store: ChatStore;
  readonly #byId = new Map<string, Secret>();
  constructor(store: ChatStore, secrets: Secret[]) {
    this.#store = store;
    for (const s of secrets) this.#byId.set(s.id, s);
  }
  async add(...secrets: Secret[]): Promise<void> {
    await this.#store.addSecrets(secrets);
    for (const s of secrets) this.#byId.set(s.id, s);
  }
  async getSecret(kid: string): Promise<Secret | null> {
    return this.#byId.get(kid) ?? null;
  }
  async findSecrets(kids: string[]): Promise<string[]> {
    return kids.filter((k) => this.#byId.has(k));
  }
}
