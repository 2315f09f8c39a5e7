// Named dialects of DIDComm v2 that deployed peers speak and the spec does not allow. Strict is
// the default everywhere; a dialect is opted into by name, one name for unpack, packEncrypted and
// the mediator, so that what is relaxed is written down in one place (docs/compat.md).

/**
 * `'veramo'`: what `@veramo/did-comm` 7 (did-jwt 8) sends and reads. It omits `apv`, and
 * implements ECDH-1PU from draft 3: the sender named by `skid` alone (no `apu`), the content
 * tag not in the KDF, and any content encryption (A256GCM by default). Under it, unpack reads
 * that, and packEncrypted's authcrypt writes draft 3 (skid, no apu, no tag in the KDF), which
 * Veramo decrypts and didcomm-rust does not.
 */
export type Compat = 'veramo';

/** Every value the `compat` option accepts. */
/** Every dialect name `compat` accepts (for flags and configuration checks). */
export const COMPATS: readonly Compat[] = ['veramo'];

/** The option's value checked: undefined (strict) or a known dialect; anything else is caller misuse. */
export function checkCompat(value: unknown, where: string): Compat | undefined {
  if (value === undefined) return undefined;
  if (!(COMPATS as readonly unknown[]).includes(value)) throw new TypeError(`${where}: compat must be one of ${COMPATS.join(', ')} (got ${String(value)})`);
  return value as Compat;
}
