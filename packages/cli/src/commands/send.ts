// didcomm send <did> <text>: a basic message, authcrypted from the DID in use.
import { Command } from 'commander';
import { basicMessage } from '@didcomm-ts/core';
import { openAgent } from '../lib/agent.js';
import { openProfile, print, printJson, timeoutMs } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { readInput, requireDid } from '../lib/input.js';
import { unreachable } from '../lib/network.js';
import { short } from './did.js';
import { usage } from '../ui/errors.js';
import { step } from '../ui/spinner.js';

export function sendCommand(): Command {
  return examples(
    new Command('send')
      .description('send a text message (basicmessage 2.0) to a DID, through its mediator when it has one')
      .argument('<did>', 'the recipient')
      .argument('[text...]', 'the message (default: stdin)')
      .option('--lang <code>', 'language of the text (e.g. en)')
      .option('--json', 'print {"id", "to", "from", "via"}')
      .action(async (to: string, words: string[], o: { lang?: string; json?: boolean }, cmd: Command) => {
        requireDid(to);
        const content = words.length ? words.join(' ') : (await readInput(undefined, 'text')).replace(/\n$/, '');
        if (content === '') throw usage('the message is empty', 'give the text after the DID, or pipe it in');
        const ms = timeoutMs(cmd);
        const profile = await openProfile(cmd);
        const from = profile.requireCurrent();
        const session = await openAgent(profile, { timeoutMs: ms });
        try {
          const message = basicMessage.buildBasicMessage({ from, to, content, ...(o.lang ? { lang: o.lang } : {}) });
          const [result] = await step(`sending to ${short(to)}`, () =>
            session.agent.send(message).catch((e) => unreachable(e, short(to), 'is its mediator (or endpoint) running? Try again later')),
            (r) => `sent to ${short(to)} via ${r[0]?.via ?? '?'}`,
          );
          if (o.json) printJson({ id: message.id, to, from, via: result?.via ?? null });
          else print(message.id);
        } finally {
          await session.close();
        }
      }),
    'didcomm send did:peer:2.Ez6LS... "hello Bob"',
    'echo "from a pipe" | didcomm send "$BOB"',
  );
}
