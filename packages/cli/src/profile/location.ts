// Where the profile lives: --profile DIR, else DIDCOMM_PROFILE, else ~/.didcomm.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function profileDir(flag?: string): string {
  const chosen = flag ?? process.env.DIDCOMM_PROFILE;
  if (chosen !== undefined && chosen !== '') return resolve(chosen.startsWith('~/') ? join(homedir(), chosen.slice(2)) : chosen);
  return join(homedir(), '.didcomm');
}
