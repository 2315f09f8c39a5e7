// Colours only where a person reads them: a terminal, and NO_COLOR unset (https://no-color.org).
// FORCE_COLOR=1 turns them on anyway (screenshots, CI logs that render ANSI).
import { env } from 'node:process';

export function colourOn(stream: NodeJS.WriteStream): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
}

// Decided at each call, so --no-color given on the command line takes effect.
const wrap = (stream: NodeJS.WriteStream, open: number, close: number) => (s: string) => (colourOn(stream) ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export function paintFor(stream: NodeJS.WriteStream): Paint {
  const on = stream;
  return {
    bold: wrap(on, 1, 22),
    dim: wrap(on, 2, 22),
    red: wrap(on, 31, 39),
    green: wrap(on, 32, 39),
    yellow: wrap(on, 33, 39),
    blue: wrap(on, 34, 39),
    magenta: wrap(on, 35, 39),
    cyan: wrap(on, 36, 39),
  };
}

/** Paint for stdout and for stderr. */
export const out = paintFor(process.stdout);
export const err = paintFor(process.stderr);

/** Indented JSON, with keys and strings coloured when `paint` has colour. */
export function prettyJson(value: unknown, paint: Paint = out): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  if (paint.cyan('x') === 'x') return text;
  return text.replace(/("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (m, str: string | undefined, colon: string | undefined, lit: string | undefined, num: string | undefined) => {
    if (str !== undefined) return colon ? paint.cyan(str) + colon : paint.green(str);
    if (lit !== undefined) return paint.magenta(lit);
    if (num !== undefined) return paint.yellow(num);
    return m;
  });
}
