// did:web's default fetch in browsers: the page's own (browsers apply Private Network Access
// rules themselves; literal private hosts are refused before any fetch, in web.ts).
import type { FetchLike } from './web.js';

export function defaultWebFetch(_o: { allowPrivateNetwork?: boolean } = {}): FetchLike | undefined {
  return globalThis.fetch as unknown as FetchLike | undefined;
}
