// After a gap in the store's enqueue announcements (MediatorStore.onResync: PostgreSQL's LISTEN
// came back on a new connection), the live accounts' queues are read again and what they hold
// is pushed as if just announced: a message another instance queued during the gap would
// otherwise wait for the recipient's next pickup, however long it stays live.
import type { MediatorStore, QueuedMessage } from './store/types.js';

/** How the caller delivers one account's messages live (it skips what is already in flight). */
export type LiveDeliver = (account: string, ids: string[], messages: QueuedMessage[]) => void | Promise<void>;

export interface ResyncResult {
  /** Live accounts whose queue was read. */
  accounts: number;
  /** Messages handed to `deliver`. */
  messages: number;
  /** Accounts whose queue could not be read (the store down again: the next resync reads them). */
  failed: number;
}

/**
 * Read the oldest `limit` queued messages of each account, `concurrency` reads at a time (a
 * resync with 10,000 live accounts must not take every connection of the store's pool), and
 * hand them to `deliver`.
 */
export async function resyncLive(store: MediatorStore, accounts: readonly string[], limit: number, deliver: LiveDeliver, concurrency = 4): Promise<ResyncResult> {
  const result: ResyncResult = { accounts: 0, messages: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < accounts.length) {
      const account = accounts[next++];
      let queued: QueuedMessage[];
      try {
        queued = await store.fetch(account, limit);
      } catch {
        result.failed++;
        continue;
      }
      result.accounts++;
      if (queued.length === 0) continue;
      result.messages += queued.length;
      try {
        await deliver(account, queued.map((q) => q.id), queued);
      } catch {
        // A delivery's failure leaves the messages queued, as any live delivery's does.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, accounts.length) }, worker));
  return result;
}

/**
 * Resync the accounts `accounts()` names each time `store` reports a gap in its announcements
 * (MediatorStore.onResync), one resync at a time; `done` hears how each went. -> unsubscribe.
 */
export function resyncOnGaps(store: MediatorStore, o: { accounts: () => readonly string[]; limit: number; deliver: LiveDeliver; done?: (r: ResyncResult) => void }): () => void {
  return (
    store.onResync?.(
      oneAtATime(async () => {
        const r = await resyncLive(store, o.accounts(), o.limit, o.deliver);
        o.done?.(r);
      }),
    ) ?? (() => undefined)
  );
}

/**
 * `run` at most once at a time: calls while it runs make one more run after it, however many
 * they were (a LISTEN connection dropping every second must not pile up reads of every live
 * account's queue).
 */
export function oneAtATime(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const go = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void run()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          go();
        }
      });
  };
  return go;
}
