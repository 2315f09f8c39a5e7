import { randomBytes } from 'node:crypto';

/** An opaque queue id: 128 random bits, base64url. */
export const newQueueId = (): string => randomBytes(16).toString('base64url');

/** The DID of a DID URL (the part before any path, query or fragment). */
export const didPart = (s: string): string => s.split(/[#?/]/, 1)[0];
