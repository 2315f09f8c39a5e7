// What every command gets: global options, the profile, printing helpers.
import type { Command } from 'commander';
import { Profile } from '../profile/profile.js';
import { usage } from '../ui/errors.js';

export interface GlobalOptions {
  profile?: string;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  timeout?: string;
}

/** The network deadline from --timeout (seconds), in milliseconds. */
export function timeoutMs(cmd: Command): number {
  const raw = globals(cmd).timeout ?? '15';
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > 3600) throw usage(`--timeout ${raw} is not a number of seconds`, 'give e.g. --timeout 30');
  return Math.round(s * 1000);
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function openProfile(cmd: Command): Promise<Profile> {
  return Profile.open(globals(cmd).profile);
}

/** Write a line to stdout. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** One JSON value on one line, for scripts. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
