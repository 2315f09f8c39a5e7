// Where the profile lives: --profile DIR, else DIDCOMM_PROFILE, else ~/.didcomm.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { usage } from '../ui/errors.js';

// The text an object becomes when a program puts it where a path belongs (`${{}}`, or spawn()
// with an object argument). A test once did, and the CLI made a "[object Object]" profile folder
// in the repository; no one names a folder that on purpose.
const STRINGIFIED_OBJECT = /\[object [A-Za-z]+\]/;

export function profileDir(flag?: string): string {
  if (flag !== undefined && typeof flag !== 'string') throw new TypeError(`the profile folder must be a path string, not ${flag === null ? 'null' : typeof flag}`);
  const chosen = flag ?? process.env.DIDCOMM_PROFILE;
  if (chosen !== undefined && STRINGIFIED_OBJECT.test(chosen)) {
    throw usage(`the profile folder ${JSON.stringify(chosen)} is an object's text, not a path`, 'the program that ran didcomm passed an object where the --profile path (or DIDCOMM_PROFILE) belongs');
  }
  if (chosen !== undefined && chosen !== '') return resolve(chosen.startsWith('~/') ? join(homedir(), chosen.slice(2)) : chosen);
  return join(homedir(), '.didcomm');
}
