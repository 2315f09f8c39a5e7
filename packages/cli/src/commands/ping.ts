// didcomm ping <did>: trust-ping 2.0, with the round-trip time.
import { Command } from 'commander';
import { trustPing } from '@didcomm-ts/core';
import { openAgent } from '../lib/agent.js';
import { openProfile, print, printJson, timeoutMs } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { requireDid } from '../lib/input.js';
import { unreachable } from '../lib/network.js';
import { receivingWhile } from '../lib/replies.js';
import { short } from './did.js';
import { usage } from '../ui/errors.js';
import { step } from '../ui/spinner.js';
import { out } from '../ui/style.js';

export function pingCommand(): Command {
  return examples(
    new Command('ping')
      .description('trust-ping a DID and print the round-trip time (answers come back through your mediator)')
      .argument('<did>', 'the DID to ping (an agent that is online, or a mediator)')
      .option('-c, --count <n>', 'how many pings', '1')
      .option('--json', 'print {"did", "rtt_ms"} a line')
      .action(async (to: string, o: { count: string; json?: boolean }, cmd: Command) => {
        requireDid(to);
        const count = Number(o.count);
        if (!Number.isInteger(count) || count < 1 || count > 1000) throw usage(`--count ${o.count} is not a number from 1 to 1000`);
        const ms = timeoutMs(cmd);
        const profile = await openProfile(cmd);
        const from = profile.requireCurrent();
        const session = await openAgent(profile, { timeoutMs: ms });
        try {
          // A mediator answers on the same connection; anyone else answers through our mediator.
          const direct = to === profile.mediator?.did || !session.mediator;
          const run = async () => {
            for (let i = 0; i < count; i++) {
              const r = await step(`pinging ${short(to)}`, () =>
                trustPing
                  .ping(session.agent, to, { timeoutMs: ms, headers: { from, return_route: 'all' } })
                  .catch((e) => unreachable(e, short(to), direct ? 'is it running and reachable?' : 'is it online (e.g. running `didcomm inbox --live`)?')),
              );
              const rtt = Math.round((r.rttMs ?? 0) * 10) / 10;
              if (o.json) printJson({ did: to, rtt_ms: rtt });
              else print(`pong from ${short(to)}: ${out.bold(`${rtt} ms`)}`);
            }
          };
          await (direct ? run() : receivingWhile(session, run));
        } finally {
          await session.close();
        }
      }),
    'didcomm ping did:peer:2.Ez6LS...',
    'didcomm ping "$(didcomm whoami --json | jq -r .mediator)" --count 3',
  );
}
