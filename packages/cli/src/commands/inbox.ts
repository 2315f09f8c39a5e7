// didcomm inbox [--live] [--json]: pick up what the mediator holds for us, keep it in the
// profile, and print what has not been shown yet; --live stays connected and prints as it comes.
import { Command } from 'commander';
import { basicMessage } from '@didcomm-ts/core';
import { openAgent, type AgentSession } from '../lib/agent.js';
import { openProfile, print, printJson, timeoutMs } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { unreachable } from '../lib/network.js';
import type { InboxEntry, Profile } from '../profile/profile.js';
import { short } from './did.js';
import { note, step } from '../ui/spinner.js';
import { err, out } from '../ui/style.js';

interface InboxOptions {
  live?: boolean;
  json?: boolean;
  all?: boolean;
  local?: boolean;
}

const HINT = 'is the mediator running? `didcomm whoami` shows which one this profile uses';

export function inboxCommand(): Command {
  return examples(
    new Command('inbox')
      .description('pick up your messages from the mediator and print the new ones')
      .option('--live', 'stay connected and print messages as they arrive (Ctrl-C to stop)')
      .option('--json', 'one JSON object a line: {"id", "from", "type", "body", "received_at"}')
      .option('--all', 'print every stored message, not only the new ones')
      .option('--local', 'do not contact the mediator; print what the profile holds')
      .action(async (o: InboxOptions, cmd: Command) => {
        const ms = timeoutMs(cmd);
        const profile = await openProfile(cmd);
        const show = (e: InboxEntry) => (o.json ? printJson(jsonLine(e)) : print(humanLine(e)));
        if (o.local) {
          await showStored(profile, show, o.all ?? true);
          return;
        }
        profile.requireMediator();
        const session = await openAgent(profile, { timeoutMs: ms });
        try {
          if (o.live) return await live(session, show, o.all ?? false);
          await step('picking up from the mediator', () => session.mediator!.pickupAll({ batch: 50 }).catch((e) => unreachable(e, 'the mediator', HINT)), (n) => `picked up ${n} message${n === 1 ? '' : 's'}`);
          await showStored(profile, show, o.all ?? false);
        } finally {
          await session.close();
        }
      }),
    'didcomm inbox',
    'didcomm inbox --live',
    'didcomm inbox --json | jq -r .body.content',
  );
}

/** Print stored entries not shown before (or all), and remember how far we got. */
async function showStored(profile: Profile, show: (e: InboxEntry) => void, all: boolean): Promise<number> {
  const entries = await profile.readInbox();
  const from = all ? 0 : Math.min(profile.inboxShown, entries.length);
  entries.slice(from).forEach(show);
  if (entries.length > profile.inboxShown) await profile.setInboxShown(entries.length);
  if (entries.length === from) note(err.dim('no new messages'));
  return entries.length;
}

async function live(session: AgentSession, show: (e: InboxEntry) => void, all: boolean): Promise<void> {
  const { profile } = session;
  const mediator = session.mediator!;
  let shown = await showStored(profile, show, all);
  session.onInbox.add((e) => {
    show(e);
    shown += 1;
    void profile.setInboxShown(shown).catch(() => undefined);
  });
  const connect = async () => {
    await mediator.live(true);
    // Whatever was queued before live mode started.
    await mediator.pickupAll({ batch: 50 });
  };
  await step('connecting to the mediator for live delivery', () => connect().catch((e) => unreachable(e, 'the mediator', HINT)));
  note(err.dim('waiting for messages (Ctrl-C to stop)'));
  // Stay until a signal; every so often make sure live mode still holds (the connection may have
  // dropped, e.g. the mediator restarted), and reconnect with a backoff when it does not.
  await new Promise<void>((resolve) => {
    let delay = 15_000;
    let timer: NodeJS.Timeout;
    let lost = false;
    const check = async () => {
      try {
        await connect();
        if (lost) note(err.green('reconnected to the mediator'));
        lost = false;
        delay = 15_000;
      } catch {
        if (!lost) note(err.yellow('lost the mediator; retrying'));
        lost = true;
        delay = Math.min(delay === 15_000 ? 1000 : delay * 2, 30_000);
      }
      timer = setTimeout(() => void check(), delay);
    };
    timer = setTimeout(() => void check(), delay);
    const stop = () => {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Stopping must not wait on a mediator that is slow or gone: live mode ends with the
  // connection anyway, so the polite request gets two seconds.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([mediator.live(false).catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
  clearTimeout(timer);
}

const jsonLine = (e: InboxEntry) => ({ id: e.id, from: e.from, type: e.type, body: e.body, received_at: e.received_at });

function humanLine(e: InboxEntry): string {
  const time = out.dim(new Date(e.received_at).toLocaleTimeString());
  const from = e.from ? (e.authenticated ? out.cyan(short(e.from)) : out.yellow(`${short(e.from)} (unverified)`)) : out.dim('anonymous');
  const content = (e.body as { content?: unknown })?.content;
  const text = e.type === basicMessage.MESSAGE && typeof content === 'string' ? content : `${out.dim(e.type)} ${JSON.stringify(e.body)}`;
  return `${time} ${from}  ${text}`;
}
