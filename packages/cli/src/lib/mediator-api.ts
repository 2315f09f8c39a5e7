// The mediator package, loaded only by the commands that need it: it opens SQLite (a native
// module), which the rest of the CLI has no use for, so `didcomm did create` starts faster.
import type * as MediatorPackage from '@didcomm-ts/mediator';
import { UserError } from '../ui/errors.js';

export type RunningMediator = MediatorPackage.RunningMediator;
export type MediatorConfig = MediatorPackage.MediatorConfig;
export type StoreLocation = MediatorPackage.StoreLocation;

async function load(): Promise<typeof MediatorPackage> {
  try {
    return await import('@didcomm-ts/mediator');
  } catch (e) {
    throw new UserError(`cannot load @didcomm-ts/mediator (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, 'run `npm ci` (or `npm run build`) at the repository root', undefined, { cause: e });
  }
}

export async function startMediator(config: Partial<MediatorConfig>): Promise<RunningMediator> {
  return (await load()).startMediator(config);
}

/** The mediator's own flag and environment parsing (the same as `npm start`). */
export async function parseMediatorConfig(argv: string[]): Promise<MediatorConfig> {
  return (await load()).parseConfig(argv, process.env);
}

export async function listAccounts(loc: StoreLocation) {
  return (await load()).listAccounts(loc);
}

export async function allowDid(loc: StoreLocation, did: string): Promise<void> {
  return (await load()).allowDid(loc, did);
}

export async function denyDid(loc: StoreLocation, did: string): Promise<{ revoked: boolean }> {
  return (await load()).denyDid(loc, did);
}
