// The storage a mediator needs, and no more: accounts (granted mediation), the recipient DIDs
// each registered, one queue row per (account, message), the access list, and settings (the
// mediator's identity). Every method that changes state resolves only once the change is durable.

export type AccessRule = 'allow' | 'deny';
export type UpdateResult = 'success' | 'no_change' | 'client_error' | 'server_error';

export interface AccountInfo {
  did: string;
  /** Epoch milliseconds. */
  grantedAt: number;
  recipients: number;
  queued: number;
  queuedBytes: number;
}

export interface QueuedMessage {
  /** Opaque, unique: the attachment id in deliveries and what messages-received names. */
  id: string;
  recipientDid: string;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** The packed message as it arrived inside the forward. */
  message: string;
}

export interface QueueStatus {
  messageCount: number;
  totalBytes: number;
  oldestReceivedAt?: number;
  newestReceivedAt?: number;
}

export interface EnqueueItem {
  account: string;
  recipientDid: string;
  message: string;
}

/** Thrown by enqueue when the account's queue holds `maxQueue` messages already. */
export class QueueFullError extends Error {
  readonly code = 'queue_full';
  constructor(account: string) {
    super(`the queue of ${account} is full`);
    this.name = 'QueueFullError';
  }
}

/**
 * Thrown by updateRecipients when the update would leave the account with more than
 * `maxRecipients` recipient DIDs; nothing of that update is applied.
 */
export class RecipientLimitError extends Error {
  readonly code = 'recipients_limit';
  constructor(readonly account: string, readonly max: number) {
    super(`${account} may register at most ${max} recipient DIDs`);
    this.name = 'RecipientLimitError';
  }
}

/**
 * Called after messages were durably queued for an account (on any instance sharing the
 * store). `messages` are the queued rows when this instance stored them, so a live delivery
 * need not read back what it just wrote; from another instance only the ids arrive.
 */
export type EnqueueListener = (account: string, ids: string[], messages?: QueuedMessage[]) => void;

export interface MediatorStore {
  readonly kind: 'sqlite' | 'postgres';

  getAccount(did: string): Promise<{ did: string; grantedAt: number } | null>;
  /** Grant mediation to `did`; true when it is new. */
  grant(did: string): Promise<boolean>;
  /** Drop the account with its recipients and queue; true when there was one. */
  revoke(did: string): Promise<boolean>;
  listAccounts(): Promise<AccountInfo[]>;

  getAccess(did: string): Promise<AccessRule | null>;
  setAccess(did: string, rule: AccessRule | null): Promise<void>;
  listAccess(): Promise<Array<{ did: string; rule: AccessRule }>>;

  /**
   * Apply keylist updates for `account`, in one transaction. A DID and all its DID URLs (key
   * ids) belong to one account: adding X or X#frag when another account registered X or any
   * X#... is a client_error, unless X is the adding account's own DID (proven by its authcrypt),
   * which takes X and its key ids over. Rejects with RecipientLimitError, applying nothing,
   * when the account would hold more than `maxRecipients` (default: no limit).
   */
  updateRecipients(account: string, updates: Array<{ recipientDid: string; action: 'add' | 'remove' }>, maxRecipients?: number): Promise<UpdateResult[]>;
  listRecipients(account: string, offset: number, limit: number): Promise<{ dids: string[]; total: number }>;
  /**
   * Where a forward's next goes: the registration of that exact key id, else of its bare DID,
   * only ever within the account that owns the DID; null when none.
   */
  findRecipient(recipientDid: string): Promise<{ account: string; recipientDid: string } | null>;

  /** Queue one message; resolves with its id once stored durably. Rejects with QueueFullError. */
  enqueue(item: EnqueueItem, maxQueue: number): Promise<string>;
  /**
   * Queue several messages (one forward's) all or none, in one transaction and one durable
   * commit; resolves with their ids in order. Rejects with QueueFullError, storing none, when
   * an account's queue cannot take all of its items within `maxQueue`.
   */
  enqueueMany(items: EnqueueItem[], maxQueue: number): Promise<string[]>;
  status(account: string, recipientDid?: string): Promise<QueueStatus>;
  /** The oldest `limit` messages of the account (optionally for one recipient DID), not removed. */
  fetch(account: string, limit: number, recipientDid?: string): Promise<QueuedMessage[]>;
  fetchByIds(account: string, ids: string[]): Promise<QueuedMessage[]>;
  /** Remove acknowledged messages of the account; resolves with how many were removed. */
  ack(account: string, ids: string[]): Promise<number>;
  /** Remove messages received before `beforeMs`; resolves with how many were removed. */
  purge(beforeMs: number): Promise<number>;
  totals(): Promise<{ messages: number; bytes: number; accounts: number }>;

  getSetting(key: string): Promise<string | null>;
  /** Store `value` unless the key has one; resolves with the value that is stored. */
  setSettingIfAbsent(key: string, value: string): Promise<string>;
  setSetting(key: string, value: string): Promise<void>;

  /** Subscribe to enqueues (this instance's and, for shared stores, the others'). */
  onEnqueued(listener: EnqueueListener): () => void;
  /**
   * Subscribe to gaps in the enqueue announcements: called when other instances' enqueues may
   * have gone unannounced (a shared store's notification channel came back after a drop), so a
   * listener reads again what it watches. Stores with no other instances never call it.
   */
  onResync?(listener: () => void): () => void;
  close(): Promise<void>;
}
