// didcomm invite / accept <url>: out-of-band invitations as a URL and a terminal QR code.
import { Command } from 'commander';
import { createResolver, didcommEndpoints, outOfBand, resolveOrThrow, shortenUrl, trustPing, type Message } from '@didcomm-ts/core';
import { openAgent } from '../lib/agent.js';
import { openProfile, print, printJson, timeoutMs } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { loadInvitation } from '../lib/invitation.js';
import { unreachable } from '../lib/network.js';
import { receivingWhile } from '../lib/replies.js';
import { short } from './did.js';
import type { Profile } from '../profile/profile.js';
import { describe as describeError, usage } from '../ui/errors.js';
import { qrFits, terminalQr } from '../ui/qr.js';
import { note, step } from '../ui/spinner.js';
import { err, out } from '../ui/style.js';

const DEFAULT_BASE = 'didcomm://invite';

export function inviteCommand(): Command {
  return examples(
    new Command('invite')
      .description('print an out-of-band invitation from the DID in use, as a URL and a QR code')
      .option('--goal <text>', 'what the invitation is for, in words')
      .option('--goal-code <code>', 'what it is for, as a goal code')
      .option('--base-url <url>', `the URL the invitation rides on (default ${DEFAULT_BASE})`, DEFAULT_BASE)
      .option('--no-qr', 'no QR code')
      .option('--no-short', "do not ask the profile's mediator for a short link (the QR code then carries the whole invitation)")
      .option('--json', 'print {"url", "short_url", "invitation"} (short_url null without one)')
      .action(async (o: { goal?: string; goalCode?: string; baseUrl: string; qr: boolean; short: boolean; json?: boolean }, cmd: Command) => {
        const profile = await openProfile(cmd);
        const from = profile.requireCurrent();
        try {
          new URL(o.baseUrl);
        } catch {
          throw usage(`--base-url ${o.baseUrl} is not a URL`, 'give e.g. https://example.com/invite');
        }
        const invitation = outOfBand.createInvitation({ from, accept: ['didcomm/v2'], ...(o.goal ? { goal: o.goal } : {}), ...(o.goalCode ? { goal_code: o.goalCode } : {}) });
        const url = outOfBand.invitationUrl(invitation, o.baseUrl);
        const shortUrl = o.short ? await shortLink(profile, url, timeoutMs(cmd)) : undefined;
        if (o.json) return printJson({ url, short_url: shortUrl ?? null, invitation });
        if (didcommEndpoints(await resolveOrThrow(createResolver(), from)).length === 0) {
          note(err.yellow(`warning: ${short(from)} has no endpoint, so nobody can answer this invitation; run \`didcomm mediate <invitation-url>\` first`));
        }
        // The QR code carries the short link when there is one: the whole invitation (about
        // 1 KB) makes a code too dense for a phone camera. The full link is printed either way,
        // last, so `didcomm invite | tail -1` stays the invitation URL.
        const qrText = shortUrl ?? url;
        if (o.qr && qrFits(qrText)) print(await terminalQr(qrText));
        if (shortUrl && process.stdout.isTTY) print(`${out.bold('short link')} ${shortUrl}`);
        print(url);
      }),
    'didcomm invite',
    'didcomm invite --goal "chat with Alice" --no-qr',
    'didcomm invite --json | jq -r .short_url',
  );
}

export function acceptCommand(): Command {
  return examples(
    new Command('accept')
      .description('accept an out-of-band invitation: show who sent it and ping them to open the relationship')
      .argument('<url>', 'the invitation URL (?_oob=...), or its JSON')
      .option('--no-ping', 'only read and show the invitation')
      .option('--json', 'print {"from", "id", "goal", "goal_code", "rtt_ms"}')
      .action(async (url: string, o: { ping: boolean; json?: boolean }, cmd: Command) => {
        const ms = timeoutMs(cmd);
        const invitation = await step('reading the invitation', () => loadInvitation(url, ms));
        const inviter = invitation.from!;
        const body = invitation.body ?? {};
        const info = { from: inviter, id: invitation.id, goal: body.goal ?? null, goal_code: body.goal_code ?? null };
        const isMediator = typeof body.goal_code === 'string' && /mediat/.test(body.goal_code);
        if (!o.ping) return o.json ? printJson(info) : describe(invitation);
        const profile = await openProfile(cmd);
        profile.requireCurrent();
        const session = await openAgent(profile, { timeoutMs: ms });
        try {
          const direct = inviter === profile.mediator?.did || !session.mediator || isMediator;
          const started = performance.now();
          // A ping that asks for its answer on the same connection, which a mediator (or an
          // agent with its own endpoint) gives; others answer through our mediator.
          const greeting = { type: trustPing.PING, return_route: 'all' as const, body: { response_requested: true } };
          const greet = () =>
            step(`greeting ${short(inviter)}`, () =>
              outOfBand
                .acceptInvitation(session.agent, invitation, { timeoutMs: ms, message: greeting })
                .catch((e) => unreachable(e, short(inviter), 'is the inviter online (e.g. running `didcomm inbox --live`)?')),
            );
          const accepted = direct ? await greet() : await receivingWhile(session, greet);
          const rtt = Math.round((performance.now() - started) * 10) / 10;
          if (o.json) return printJson({ ...info, rtt_ms: accepted.reply ? rtt : null });
          describe(invitation);
          print(`${out.green('✔')} ${short(inviter)} answered in ${rtt} ms; send it messages with \`didcomm send ${inviter} <text>\``);
          if (isMediator) note(err.dim(`This is a mediator: \`didcomm mediate '${url}'\` makes you reachable through it.`));
        } finally {
          await session.close();
        }
      }),
    'didcomm accept "didcomm://invite?_oob=eyJ0eXBlIjoi..."',
    'didcomm accept "$URL" --no-ping --json | jq -r .from',
  );
}

/**
 * A short link to `url` from the profile's mediator (shorten-url 1.0), or undefined with a note
 * saying why not: the invitation works without one, only its QR code is denser.
 */
async function shortLink(profile: Profile, url: string, ms: number): Promise<string | undefined> {
  const mediator = profile.mediator;
  if (!mediator) return undefined;
  try {
    const session = await openAgent(profile, { timeoutMs: ms });
    try {
      const r = await shortenUrl.requestShortenedUrl(session.agent, mediator.did, { url, goalCode: shortenUrl.GoalCodes.OOB_V2 }, { timeoutMs: ms });
      return r.shortenedUrl;
    } finally {
      await session.close();
    }
  } catch (e) {
    note(err.dim(`no short link from the mediator (${describeError(e).line}); the QR code carries the whole invitation`));
    return undefined;
  }
}

function describe(inv: Message): void {
  const body = inv.body ?? {};
  print(`${out.bold('from')}       ${inv.from}`);
  if (typeof body.goal === 'string') print(`${out.bold('goal')}       ${body.goal}`);
  if (typeof body.goal_code === 'string') print(`${out.bold('goal code')}  ${body.goal_code}`);
  print(`${out.bold('invitation')} ${inv.id}`);
}
