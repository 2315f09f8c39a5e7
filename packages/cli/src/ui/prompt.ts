// A hidden prompt on the terminal, for passphrases. It reads the controlling terminal even
// when stdin is a pipe (`didcomm pack < msg.json`), and fails (returns undefined) without one.
import { closeSync, openSync } from 'node:fs';
import tty from 'node:tty';
import { UserError } from './errors.js';

interface Terminal {
  input: tty.ReadStream;
  output: NodeJS.WritableStream;
  close(): void;
}

function openTerminal(): Terminal | undefined {
  if (process.stdin.isTTY && process.stderr.isTTY) {
    return { input: process.stdin as tty.ReadStream, output: process.stderr, close: () => process.stdin.pause() };
  }
  if (process.platform === 'win32') return undefined;
  let inFd: number | undefined;
  let outFd: number | undefined;
  try {
    inFd = openSync('/dev/tty', 'r');
    outFd = openSync('/dev/tty', 'w');
    const input = new tty.ReadStream(inFd);
    const output = new tty.WriteStream(outFd);
    return {
      input,
      output,
      close: () => {
        input.destroy();
        output.destroy();
      },
    };
  } catch {
    for (const fd of [inFd, outFd]) if (fd !== undefined) try { closeSync(fd); } catch { /* already closed */ }
    return undefined;
  }
}

/** True when a person can be asked. */
export function canPrompt(): boolean {
  const t = openTerminal();
  t?.close();
  return t !== undefined;
}

/** Ask for a secret without echoing it; undefined when there is no terminal to ask on. */
export async function promptHidden(question: string): Promise<string | undefined> {
  const t = openTerminal();
  if (!t) return undefined;
  const { input, output } = t;
  output.write(question);
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            input.off('data', onData);
            output.write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            input.off('data', onData);
            output.write('\n');
            reject(new UserError('cancelled', undefined, 130));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else if (ch >= ' ') value += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(wasRaw);
    t.close();
  }
}
