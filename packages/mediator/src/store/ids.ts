import { randomFillSync } from 'node:crypto';

// Random bytes 4 KiB at a time: one OpenSSL call per 256 ids instead of one per id (a
// randomBytes call each was 2% of the main thread at 1,000 forwards a second). Each byte is
// used once.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** An opaque queue id: 128 random bits, base64url. */
export function newQueueId(): string {
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + 16);
  offset += 16;
  return id;
}

/** The DID of a DID URL (the part before any path, query or fragment). */
export const didPart = (s: string): string => s.split(/[#?/]/, 1)[0];
