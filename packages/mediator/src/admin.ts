// Operator commands on a mediator's data folder or database, for `didcomm mediator
// accounts|allow|deny`: they open the store, do one thing, and close it. They work while the
// mediator runs (SQLite in WAL mode, or PostgreSQL).
import { openStore, type StoreLocation } from './store/open.js';
import type { AccessRule, AccountInfo } from './store/types.js';

export type { StoreLocation } from './store/open.js';

async function withStore<T>(loc: StoreLocation, fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(loc);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export interface AccountListing extends AccountInfo {
  access: AccessRule | null;
}

/** Accounts with their recipient and queue sizes, and DIDs on the access list without an account. */
export function listAccounts(loc: StoreLocation): Promise<{ accounts: AccountListing[]; access: Array<{ did: string; rule: AccessRule }> }> {
  return withStore(loc, async (s) => {
    const [accounts, access] = await Promise.all([s.listAccounts(), s.listAccess()]);
    const rules = new Map(access.map((a) => [a.did, a.rule]));
    return { accounts: accounts.map((a) => ({ ...a, access: rules.get(a.did) ?? null })), access };
  });
}

/** Put `did` on the allow-list (lifting a deny). Under the allow-list policy only these may request mediation. */
export function allowDid(loc: StoreLocation, did: string): Promise<void> {
  if (!did.startsWith('did:')) throw new TypeError(`not a DID: ${did}`);
  return withStore(loc, (s) => s.setAccess(did, 'allow'));
}

/** Deny `did` under any policy and end its mediation: its account, recipients and queue are removed. */
export function denyDid(loc: StoreLocation, did: string): Promise<{ revoked: boolean }> {
  if (!did.startsWith('did:')) throw new TypeError(`not a DID: ${did}`);
  return withStore(loc, async (s) => {
    await s.setAccess(did, 'deny');
    return { revoked: await s.revoke(did) };
  });
}

/** Remove `did` from the access list (neither allowed nor denied). */
export function clearAccess(loc: StoreLocation, did: string): Promise<void> {
  return withStore(loc, (s) => s.setAccess(did, null));
}
