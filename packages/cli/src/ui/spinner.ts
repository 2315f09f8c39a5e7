// A spinner on stderr for steps that take more than a moment. On a terminal it animates and
// ends with a tick or a cross; elsewhere it stays silent so scripts see only their output,
// unless `verbose` asks for one plain line per finished step.
import { err } from './style.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Change the text while running. */
  update(text: string): void;
}

let quiet = false;
let verbose = false;
export function configureProgress(o: { quiet?: boolean; verbose?: boolean }): void {
  quiet = o.quiet ?? quiet;
  verbose = o.verbose ?? verbose;
}

/** Run `task` with a spinner that says `text`; the spinner ends with `done(result)` or the error. */
export async function step<T>(text: string, task: (p: Progress) => Promise<T>, done?: (result: T) => string): Promise<T> {
  const stream = process.stderr;
  const live = !quiet && stream.isTTY === true;
  let current = text;
  let frame = 0;
  const started = Date.now();
  const draw = () => stream.write(`\r\x1b[2K${err.cyan(FRAMES[frame++ % FRAMES.length])} ${current}`);
  const timer = live ? setInterval(draw, 80) : undefined;
  timer?.unref();
  if (live) draw();
  const finish = (line: string) => {
    if (timer) clearInterval(timer);
    if (live) stream.write(`\r\x1b[2K${line}\n`);
    else if (verbose && !quiet) stream.write(`${line}\n`);
  };
  try {
    const result = await task({ update: (t) => (current = t) });
    const ms = Date.now() - started;
    finish(`${err.green('✔')} ${done ? done(result) : current}${ms >= 1000 ? err.dim(` (${(ms / 1000).toFixed(1)} s)`) : ''}`);
    return result;
  } catch (e) {
    finish(`${err.red('✖')} ${current}`);
    throw e;
  }
}

/** A line of narration on stderr (a terminal, or --verbose). */
export function note(text: string): void {
  if (!quiet && (process.stderr.isTTY || verbose)) process.stderr.write(`${text}\n`);
}
