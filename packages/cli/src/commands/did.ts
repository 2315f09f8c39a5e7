// didcomm did create | resolve | use
import { Command, Option } from 'commander';
import { createDID, createResolver, resolveOrThrow, type Curve } from '@didcomm-ts/core';
import { openProfile, print, printJson } from '../lib/context.js';
import { summarize } from '../lib/did-doc.js';
import { examples } from '../lib/help.js';
import { requireDid } from '../lib/input.js';
import type { DidMethod } from '../profile/profile.js';
import { usage } from '../ui/errors.js';
import { step } from '../ui/spinner.js';
import { out, prettyJson } from '../ui/style.js';

const CURVES: Record<DidMethod, Curve[]> = {
  peer: ['Ed25519', 'P-256', 'P-384', 'P-521', 'secp256k1'],
  key: ['Ed25519', 'X25519', 'P-256', 'P-384', 'P-521', 'secp256k1'],
  jwk: ['P-256', 'P-384', 'P-521', 'secp256k1', 'Ed25519', 'X25519'],
};

export function didCommand(): Command {
  const did = new Command('did').description('create, resolve and choose DIDs');

  examples(
    did
      .command('create')
      .description('create a DID with fresh keys, save it in the profile and make it the one in use')
      .argument('<method>', 'peer (did:peer:2), key (did:key) or jwk (did:jwk)')
      .addOption(new Option('--curve <curve>', 'key curve (peer and key: Ed25519; jwk: P-256)').choices(['Ed25519', 'X25519', 'P-256', 'P-384', 'P-521', 'secp256k1']))
      .option('--endpoint <uri>', 'did:peer only: a DIDCommMessaging endpoint to advertise (see `didcomm mediate` to be reachable through a mediator)')
      .option('--no-use', 'keep the DID in use as it is')
      .option('--json', 'print {"did", "method", "curve", "current"}')
      .action(async (method: string, o: { curve?: Curve; endpoint?: string; use: boolean; json?: boolean }, cmd: Command) => {
        if (method !== 'peer' && method !== 'key' && method !== 'jwk') throw usage(`unknown DID method "${method}"`, 'choose peer, key or jwk');
        const curve = o.curve ?? (method === 'jwk' ? 'P-256' : 'Ed25519');
        if (!CURVES[method].includes(curve)) throw usage(`did:${method} does not take --curve ${curve}`, `choose one of ${CURVES[method].join(', ')}`);
        if (o.endpoint !== undefined && method !== 'peer') throw usage('--endpoint works only with did:peer', 'did:key and did:jwk cannot carry services');
        if (o.endpoint !== undefined && !/^(https?|wss?):\/\/./i.test(o.endpoint)) throw usage(`--endpoint ${o.endpoint} is not an http(s) or ws(s) URL`, 'give e.g. https://example.com/didcomm');
        const profile = await openProfile(cmd);
        // Open (or create) the key store first: that is where the passphrase is asked for.
        await profile.secrets({ create: true });
        const created = await step(`creating a did:${method} (${curve})`, () =>
          createDID(method, { curve, ...(o.endpoint ? { services: [{ uri: o.endpoint }] } : {}) }),
        );
        const makeCurrent = o.use !== false;
        await profile.addDid({ did: created.did, method, curve, created_at: new Date().toISOString() }, created.secrets, makeCurrent);
        if (o.json) printJson({ did: created.did, method, curve, current: profile.current === created.did });
        else print(created.did);
      }),
    'didcomm did create peer',
    'didcomm did create jwk --curve P-384',
    'DID=$(didcomm --profile ./alice did create key)',
  );

  examples(
    did
      .command('resolve')
      .description('resolve a DID (peer, key, jwk, web) and show its document')
      .argument('<did>', 'the DID to resolve')
      .option('--json', 'print the DID document as one line of JSON')
      .action(async (value: string, o: { json?: boolean }) => {
        const d = requireDid(value);
        const doc = await step(`resolving ${short(d)}`, () => resolveOrThrow(createResolver(), d));
        if (o.json) return printJson(doc);
        for (const line of summarize(doc)) print(line);
        print();
        print(prettyJson(doc, out));
      }),
    'didcomm did resolve did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    'didcomm did resolve "$(didcomm whoami --json | jq -r .did)" --json | jq .service',
  );

  examples(
    did
      .command('use')
      .description('choose which of the profile\'s DIDs is in use')
      .argument('<did>', 'one of the DIDs `didcomm whoami` lists')
      .action(async (value: string, _o: unknown, cmd: Command) => {
        const profile = await openProfile(cmd);
        await profile.use(requireDid(value));
        print(value);
      }),
    'didcomm did use did:key:z6Mk...',
  );
  return did;
}

export const short = (did: string) => (did.length > 48 ? `${did.slice(0, 40)}…${did.slice(-6)}` : did);
