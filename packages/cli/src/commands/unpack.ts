// didcomm unpack: any envelope in, the plaintext message and how it was protected out.
import { Command } from 'commander';
import { createResolver, ErrorCodes, InMemorySecrets, isDIDCommError, unpack, type SecretsResolver, type UnpackMetadata } from '@didcomm-ts/core';
import { openProfile, print, printJson } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { parseJsonInput, readInput } from '../lib/input.js';
import type { Profile } from '../profile/profile.js';
import { UserError } from '../ui/errors.js';
import { out, prettyJson } from '../ui/style.js';

export function unpackCommand(): Command {
  return examples(
    new Command('unpack')
      .description('unpack an envelope (stdin or FILE): decrypt, verify, and show the message with its metadata')
      .argument('[file]', 'the packed message (default: stdin)')
      .option('--json', 'print {"message": {...}, "metadata": {...}} on one line')
      .option('-m, --message-only', 'print only the plaintext message as JSON')
      .option('--no-expiry', 'accept a message whose expires_time has passed')
      .action(async (file: string | undefined, o: { json?: boolean; messageOnly?: boolean; expiry: boolean }, cmd: Command) => {
        const source = file ?? 'stdin';
        const text = await readInput(file, 'packed message');
        const parsed = parseJsonInput(text, source);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new UserError(`${source} is not a JSON object`, 'give a DIDComm envelope (JWE, JWS or plaintext JSON)');
        }
        const encrypted = 'ciphertext' in parsed;
        let secrets: SecretsResolver = new InMemorySecrets([]);
        let profile: Profile | undefined;
        if (encrypted) {
          profile = await openProfile(cmd);
          if (!(await profile.exists())) throw new UserError(`the message is encrypted and the profile ${profile.dir} has no keys`, 'unpack it with the profile of its recipient (--profile DIR)');
          secrets = await profile.secrets();
        }
        const { message, metadata } = await unpack(text, { resolver: createResolver(), secrets, checkExpiry: o.expiry }).catch((e: unknown) => {
          const mediator = profile && isDIDCommError(e, ErrorCodes.SECRET_NOT_FOUND) ? forwardFor(parsed, profile) : undefined;
          if (mediator) {
            throw new UserError(
              `this is a forward for your mediator ${mediator}: only the mediator can open it`,
              'pack it without --forward to unpack it here, or deliver it to the mediator (POST it there)',
              undefined,
              { cause: e },
            );
          }
          throw e;
        });
        if (o.messageOnly) return print(JSON.stringify(message));
        if (o.json) return printJson({ message, metadata: withoutRaw(metadata) });
        for (const line of describeMetadata(metadata, message.from)) print(line);
        print();
        print(prettyJson(message, out));
      }),
    'didcomm unpack < packed.json',
    'didcomm pack --to "$BOB" msg.json | didcomm --profile ./bob unpack',
    'didcomm pack --to "$BOB" msg.json | didcomm --profile ./bob unpack --json | jq .metadata',
  );
}

/**
 * The mediator of this profile when the JWE is addressed to it: a forward (`pack --forward`)
 * whose outer layer only the mediator can decrypt. Undefined for anything else.
 */
function forwardFor(jwe: object, profile: Profile): string | undefined {
  const recipients = (jwe as { recipients?: unknown }).recipients;
  if (!Array.isArray(recipients)) return undefined;
  const kids = recipients.map((r) => (r as { header?: { kid?: unknown } } | null)?.header?.kid).filter((k): k is string => typeof k === 'string');
  const mediators = new Set<string>();
  const m = profile.mediator;
  if (m) for (const d of [m.did, m.routing_did]) mediators.add(d.split('#')[0]);
  for (const d of profile.dids) if (d.mediator) mediators.add(d.mediator.split('#')[0]);
  return kids.map((k) => k.split('#')[0]).find((did) => mediators.has(did));
}

const withoutRaw = (m: UnpackMetadata) => {
  const { signedMessage: _raw, ...rest } = m;
  return rest;
};

export function describeMetadata(m: UnpackMetadata, from: string | undefined): string[] {
  const layers: string[] = [];
  if (m.encAlgAuth) layers.push(`authcrypt (${m.encAlgAuth})`);
  if (m.encAlgAnon) layers.push(`${m.encAlgAuth ? 'inside ' : ''}anoncrypt (${m.encAlgAnon})`);
  if (m.nonRepudiation) layers.push(`signed (${m.signAlg ?? '?'})`);
  if (layers.length === 0) layers.push('plaintext');
  if (m.reWrappedInForward) layers.push('re-wrapped in a forward');
  const lines = [`${out.bold('envelope')}       ${layers.join(', ')}`];
  const sender = m.authenticated ? out.green(`${from ?? '?'} (authenticated)`) : from ? out.yellow(`${from} (NOT authenticated)`) : out.dim('anonymous');
  lines.push(`${out.bold('from')}           ${sender}`);
  if (m.encryptedFromKid) lines.push(`${out.bold('sender key')}     ${m.encryptedFromKid}`);
  if (m.signFrom) lines.push(`${out.bold('signed by')}      ${m.signFrom}`);
  if (m.encryptedToKids?.length) lines.push(`${out.bold('to keys')}        ${m.encryptedToKids.join(', ')}`);
  if (m.decryptedWithKid) lines.push(`${out.bold('decrypted with')} ${m.decryptedWithKid}`);
  if (m.fromPrior) lines.push(`${out.bold('rotated')}        from ${m.fromPrior.iss} to ${m.fromPrior.sub}`);
  return lines;
}
