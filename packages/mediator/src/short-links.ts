// Short links to out-of-band invitations, so the QR codes that carry them stay small: an
// invitation URL is about 1 KB (a dense code a phone camera struggles with), its short link
// about 50 characters. GET /s?_oobid=<id> answers 302 to the full URL. The mediator's own
// invitation has one from the start; granted clients ask for theirs with shorten-url 1.0.
//
// Kept in the store's settings, so every instance on a shared database serves every link and
// no store needs a new table: one row per account (its links, at most `perAccount`, expired
// ones dropped on each write), found from the link id, which starts with a hash of the account.
import { createHash, randomBytes } from 'node:crypto';
import { outOfBand, ProblemCodes, ProblemReportError, shortenUrl, type Agent } from '@didcomm-ts/core';
import type { Metrics } from './metrics.js';
import type { MediatorStore } from './store/types.js';

export interface ShortLinkLimits {
  /** Live short links one account may hold. */
  perAccount: number;
  /** Longest URL shortened, in characters. */
  maxUrlChars: number;
  /** Longest validity granted (also the default). */
  maxValiditySeconds: number;
}

export const SHORT_LINK_LIMITS: ShortLinkLimits = { perAccount: 20, maxUrlChars: 4096, maxValiditySeconds: 7 * 86_400 };

/** The path short links live under, next to the mediator's other routes. */
export const SHORT_PATH = 's';

const ROW_HASH_CHARS = 6;
const ROW = 'shortlinks:';
const OWN = 'shortlink-own:';
const P = shortenUrl.ShortenUrlProblems;
/** The problem code of a request over the per-account cap. */
export const SHORT_LINK_LIMIT_CODE = 'e.p.req.limit';

interface Stored extends shortenUrl.ShortUrlEntry {
  account: string;
}

export interface ShortLinksOptions {
  store: MediatorStore;
  metrics: Metrics;
  /** Where the mediator is reached (its public URL); links are `<publicUrl>s?_oobid=<id>`. */
  publicUrl: string;
  /** May this account use the mediator (the access policy and list)? */
  allowed(did: string): Promise<boolean>;
  limits?: Partial<ShortLinkLimits>;
}

export class ShortLinks {
  readonly baseUrl: string;
  readonly limits: ShortLinkLimits;
  readonly #store: MediatorStore;
  readonly #metrics: Metrics;
  readonly #allowed: (did: string) => Promise<boolean>;
  /** Writes to one row in turn (read, change, write back); other instances may still race. */
  readonly #writing = new Map<string, Promise<unknown>>();
  #own: { id: string; url: string } | undefined;

  constructor(o: ShortLinksOptions) {
    this.baseUrl = new URL(SHORT_PATH, o.publicUrl).href;
    this.limits = { ...SHORT_LINK_LIMITS, ...o.limits };
    this.#store = o.store;
    this.#metrics = o.metrics;
    this.#allowed = o.allowed;
  }

  /** The short link to the mediator's own invitation (the same id across restarts). */
  async own(did: string, invitationUrl: string): Promise<string> {
    const id = await this.#store.setSettingIfAbsent(`${OWN}${did}`, randomBytes(8).toString('base64url'));
    this.#own = { id, url: invitationUrl };
    return this.#link(id);
  }

  /** The full URL a GET of this short link goes to; undefined when unknown or expired. */
  async resolve(url: URL): Promise<string | undefined> {
    const id = url.searchParams.get(outOfBand.OOBID_PARAM) ?? (url.pathname.startsWith(`/${SHORT_PATH}/`) ? url.pathname.slice(SHORT_PATH.length + 2) : undefined);
    if (!id) return undefined;
    if (this.#own && id === this.#own.id) return this.#own.url;
    return (await this.#get(id))?.url;
  }

  /** Serve shorten-url 1.0 (url-shortener role) on the mediator's agent. */
  register(agent: Agent): void {
    shortenUrl.register(agent, {
      shortener: {
        baseUrl: this.baseUrl,
        store: this.#urlStore(),
        maxValiditySeconds: this.limits.maxValiditySeconds,
        maxUrlChars: this.limits.maxUrlChars,
        // Slugs would be one namespace for every account to squat in.
        slugs: false,
        schemes: ['http', 'https', 'didcomm'],
        authorize: (sender, url) => this.#authorize(sender, url),
        newId: async (sender) => {
          // authorize ran first; an account revoked since then is refused the same way.
          const account = await this.#accountOf(sender);
          if (account === undefined) throw new ProblemReportError(ProblemCodes.NOT_AUTHORIZED, 'Only DIDs granted mediation here may shorten URLs');
          return `${rowHash(account)}${randomBytes(8).toString('base64url')}`;
        },
      },
    });
  }

  #link(id: string): string {
    const u = new URL(this.baseUrl);
    u.searchParams.set(outOfBand.OOBID_PARAM, id);
    return u.href;
  }

  /** The account a DID belongs to: itself when granted, or the account that registered it. */
  async #accountOf(did: string | undefined): Promise<string | undefined> {
    if (did === undefined) return undefined;
    if (await this.#store.getAccount(did)) return did;
    return (await this.#store.findRecipient(did))?.account;
  }

  #refuse(reason: string, e: Error): never {
    this.#metrics.inc('didcomm_mediator_refused_total', { reason });
    throw e;
  }

  /**
   * Granted clients only, and only for a link to their own invitation: the mediator's name on
   * a redirect to anything else would make it an open redirector.
   */
  async #authorize(sender: string | undefined, url: string): Promise<boolean> {
    const account = await this.#accountOf(sender);
    if (account === undefined || !(await this.#allowed(account))) {
      this.#refuse('shorten_not_granted', new ProblemReportError(ProblemCodes.NOT_AUTHORIZED, 'Only DIDs granted mediation here may shorten URLs'));
    }
    if (url.length > this.limits.maxUrlChars) {
      this.#refuse('shorten_url_too_long', new ProblemReportError(P.INVALID_URL, 'The url is longer than {1} characters', [String(this.limits.maxUrlChars)]));
    }
    let inviter: string | undefined;
    try {
      inviter = outOfBand.parseInvitation(url).from;
    } catch {
      inviter = undefined;
    }
    if (inviter === undefined || (await this.#accountOf(inviter)) !== account) {
      this.#refuse('shorten_not_own_invitation', new ProblemReportError(P.INVALID_URL, 'Only URLs of your own out-of-band invitations (?_oob=) are shortened here'));
    }
    return true;
  }

  async #row(hash: string, now = Date.now() / 1000): Promise<Stored[]> {
    const raw = await this.#store.getSetting(`${ROW}${hash}`);
    const all: Stored[] = raw ? JSON.parse(raw) : [];
    return all.filter((e) => e.expiresTime === undefined || e.expiresTime > now);
  }

  async #get(id: string): Promise<Stored | undefined> {
    if (id.length <= ROW_HASH_CHARS) return undefined;
    return (await this.#row(id.slice(0, ROW_HASH_CHARS))).find((e) => e.id === id);
  }

  /** Change one row (`change` says whether it did), one change at a time on this instance. */
  #update(hash: string, change: (entries: Stored[]) => boolean): Promise<boolean> {
    const prev = this.#writing.get(hash) ?? Promise.resolve();
    const next = prev.then(async () => {
      const entries = await this.#row(hash);
      const changed = change(entries);
      if (changed) await this.#store.setSetting(`${ROW}${hash}`, JSON.stringify(entries));
      return changed;
    });
    const settled = next.catch(() => undefined);
    this.#writing.set(hash, settled);
    void settled.then(() => {
      if (this.#writing.get(hash) === settled) this.#writing.delete(hash);
    });
    return next;
  }

  #urlStore(): shortenUrl.ShortUrlStore {
    return {
      put: async (entry) => {
        const account = await this.#accountOf(entry.owner);
        if (account === undefined) throw new ProblemReportError(ProblemCodes.NOT_AUTHORIZED, 'Only DIDs granted mediation here may shorten URLs');
        const cap = this.limits.perAccount;
        const added = await this.#update(rowHash(account), (entries) => {
          if (entries.filter((e) => e.account === account).length >= cap) return false;
          entries.push({ ...entry, account });
          return true;
        });
        if (!added) {
          this.#refuse('shorten_limit', new ProblemReportError(SHORT_LINK_LIMIT_CODE, 'An account holds at most {1} short links: invalidate one, or wait for one to expire', [String(cap)]));
        }
      },
      get: (id) => this.#get(id),
      has: async (id) => (await this.#get(id)) !== undefined,
      delete: (id) =>
        id.length <= ROW_HASH_CHARS
          ? Promise.resolve(false)
          : this.#update(id.slice(0, ROW_HASH_CHARS), (entries) => {
              const i = entries.findIndex((e) => e.id === id);
              if (i >= 0) entries.splice(i, 1);
              return i >= 0;
            }),
      find: async (owner, url) => {
        const account = await this.#accountOf(owner);
        if (account === undefined) return undefined;
        return (await this.#row(rowHash(account))).find((e) => e.owner === owner && e.url === url);
      },
    };
  }
}

/** Which row an account's links live in (accounts whose hashes collide share a row). */
function rowHash(account: string): string {
  return createHash('sha256').update(account).digest('base64url').slice(0, ROW_HASH_CHARS);
}
