// didcomm pack: a plaintext message in, a packed envelope out (authcrypt, anoncrypt, signed).
import { Command, Option } from 'commander';
import { createResolver, newId, packEncrypted, packSigned, parseDidUrl, type Message, type SecretsResolver } from '@didcomm-ts/core';
import { openProfile, printJson } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { asMessage, parseJsonInput, readInput, requireDidUrl } from '../lib/input.js';
import type { Profile } from '../profile/profile.js';
import { usage, UserError } from '../ui/errors.js';
import { note } from '../ui/spinner.js';
import { err } from '../ui/style.js';

interface PackOptions {
  to?: string;
  from?: string;
  sign?: boolean;
  anon?: boolean;
  protectSender?: boolean;
  /** undefined unless --forward (or the old --no-forward) was given. */
  forward?: boolean;
  json?: boolean;
}

export function packCommand(): Command {
  return examples(
    new Command('pack')
      .description(
        "pack a plaintext message (stdin or FILE) for a recipient and write the envelope to stdout; the envelope is for the recipient itself (`didcomm unpack` with its profile opens it), --forward wraps it for the recipient's mediator instead",
      )
      .argument('[file]', 'the message as JSON (default: stdin)')
      .option('--to <did>', 'recipient DID (encrypts: authcrypt from the DID in use, or anoncrypt with --anon)')
      .option('--from <did>', 'sender: one of the profile\'s DIDs or key ids (default: the DID in use)')
      .option('--sign', 'sign the message too (non-repudiation); without --to, sign only')
      .option('--anon', 'anoncrypt: the recipient learns nothing about the sender (unless --sign)')
      .option('--protect-sender', 'authcrypt inside anoncrypt, so mediators cannot see the sender')
      .option('--forward', "wrap it in a forward for the recipient's mediator, ready to POST there (only that mediator can open the outer layer)")
      // The default used to be to forward; the old opt-out is still accepted.
      .addOption(new Option('--no-forward').hideHelp())
      .option('--json', 'print {"packed": <envelope>, "metadata": {...}}')
      .action(async (file: string | undefined, o: PackOptions, cmd: Command) => {
        if (o.to === undefined && !o.sign) throw usage('pack needs --to <did> to encrypt, or --sign to sign only', 'see `didcomm pack --help`');
        if (o.anon && o.protectSender) throw usage('--anon and --protect-sender do not go together', '--protect-sender is for authcrypt');
        const to = o.to === undefined ? undefined : requireDidUrl(o.to, '--to');
        if (o.from !== undefined) requireDidUrl(o.from, '--from');
        const message = asMessage(parseJsonInput(await readInput(file, 'message'), file ?? 'stdin'), file ?? 'stdin');
        const profile = await openProfile(cmd);

        const needsSender = o.sign || !o.anon;
        const from = needsSender ? senderFor(profile, o.from ?? (typeof message.from === 'string' ? message.from : undefined)) : undefined;
        const filled: Message = {
          ...message,
          id: typeof message.id === 'string' && message.id !== '' ? message.id : newId(),
          ...(to !== undefined && message.to === undefined ? { to: [parseDidUrl(to).did] } : {}),
          ...(from !== undefined && message.from === undefined ? { from: parseDidUrl(from).did } : {}),
        };
        const secrets: SecretsResolver | undefined = from !== undefined ? await profile.secrets() : undefined;
        const resolver = createResolver();

        if (to === undefined) {
          const { packed, metadata } = await packSigned(filled, { signBy: from!, resolver, secrets: secrets! });
          note(err.dim(`signed by ${metadata.signByKid} (${metadata.signAlg})`));
          return emit(packed, metadata, o.json);
        }
        const { packed, metadata } = await packEncrypted(filled, {
          to,
          ...(o.anon ? {} : { from }),
          ...(o.sign ? { signBy: from } : {}),
          ...(o.protectSender ? { protectSender: true } : {}),
          // Not by default: what pack writes is read by `didcomm unpack` (the documented pipe),
          // and a forward opens only at the mediator.
          forward: o.forward === true,
          resolver,
          secrets,
        });
        const kind = o.anon ? 'anoncrypt' : `authcrypt from ${metadata.fromKid}`;
        note(err.dim(`${kind}${o.sign ? ', signed' : ''}, for ${metadata.toKids.join(', ')}${metadata.forwarded ? ', wrapped in a forward for the mediator' : ''}`));
        return emit(packed, metadata, o.json);
      }),
    `echo '{"type":"https://didcomm.org/basicmessage/2.0/message","body":{"content":"hi"}}' | didcomm pack --to did:peer:2... > packed.json`,
    'didcomm pack --to "$BOB" msg.json | didcomm --profile ./bob unpack',
    `didcomm pack --to "$BOB" --forward msg.json | curl -H 'content-type: application/didcomm-encrypted+json' --data-binary @- "$MEDIATOR_URL"`,
    'didcomm pack --to did:key:z6Mk... --anon message.json',
    'didcomm pack --sign message.json   # signed only, not encrypted',
  );
}

function senderFor(profile: Profile, wanted: string | undefined): string {
  const from = wanted ?? profile.current;
  if (from === undefined) {
    throw new UserError(`the profile ${profile.dir} has no DID to send from`, 'create one with `didcomm did create peer`, or use --anon to encrypt without a sender');
  }
  const did = parseDidUrl(requireDidUrl(from, '--from')).did;
  if (!profile.has(did)) throw new UserError(`${did} is not a DID of the profile ${profile.dir}`, 'run `didcomm whoami` to see its DIDs, or use --anon');
  return from;
}

function emit(packed: string, metadata: object, json?: boolean): void {
  if (json) printJson({ packed: JSON.parse(packed) as unknown, metadata });
  else process.stdout.write(`${packed}\n`);
}

