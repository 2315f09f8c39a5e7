// The mediator's DID resolver: a bounded cache (least recently used, `resolverCache` documents)
// and, beside it, the documents of accounts that are live on this instance, held for as long as
// they stay live. Every live delivery is packed to its account's DID and every acknowledgement
// is unpacked from it; with more live accounts than the cache holds, deliveries to random
// accounts would miss it each time and resolve, import keys and compute the static ECDH-1PU
// agreement again (the key caches are keyed by the document's objects). Sized by use: what is
// pinned is bounded by the open connections.
import { didOf, type DIDDocument, type DIDResolver } from '@didcomm-ts/core';

/** The DID of a DID URL; what is not one is left to the inner resolver to refuse. */
function bareDid(didOrUrl: string): string {
  try {
    return didOf(didOrUrl);
  } catch {
    return '';
  }
}

export class PinningResolver implements DIDResolver {
  readonly #inner: DIDResolver;
  /** DID -> its document (once resolved) and how many reasons hold it. */
  readonly #pinned = new Map<string, { doc: DIDDocument | null; holds: number }>();

  constructor(inner: DIDResolver) {
    this.#inner = inner;
  }

  async resolve(didOrUrl: string): Promise<DIDDocument | null> {
    const pin = this.#pinned.size > 0 ? this.#pinned.get(bareDid(didOrUrl)) : undefined;
    if (pin?.doc) return pin.doc;
    const doc = await this.#inner.resolve(didOrUrl);
    // The same object the cache gives, so key objects and agreements cached per document hit.
    if (pin && doc) pin.doc = doc;
    return doc;
  }

  /** Hold `did`'s document (taken on its next resolution) until as many unpin calls. */
  pin(did: string): void {
    const pin = this.#pinned.get(did);
    if (pin) pin.holds++;
    else this.#pinned.set(did, { doc: null, holds: 1 });
  }

  unpin(did: string): void {
    const pin = this.#pinned.get(did);
    if (!pin) return;
    if (--pin.holds <= 0) this.#pinned.delete(did);
  }

  /** Documents held now (for tests and metrics). */
  get pinned(): number {
    let n = 0;
    for (const p of this.#pinned.values()) if (p.doc) n++;
    return n;
  }
}
