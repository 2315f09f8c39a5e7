// didcomm mediate <invitation-url>: become reachable through a mediator. A did:peer:2 cannot
// change its services, so this makes a new DID whose service routes through the mediator,
// registers it there, and makes it the DID in use.
import { Command, Option } from 'commander';
import { createDID, createMediatedDID, ErrorCodes, isDIDCommError, requestMediation, updateKeylist } from '@didcomm-ts/core';
import { openAgent } from '../lib/agent.js';
import { openProfile, print, printJson, timeoutMs } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { loadInvitation } from '../lib/invitation.js';
import { unreachable } from '../lib/network.js';
import { short } from './did.js';
import { UserError } from '../ui/errors.js';
import { note, step } from '../ui/spinner.js';
import { err } from '../ui/style.js';

export function mediateCommand(): Command {
  return examples(
    new Command('mediate')
      .description('ask a mediator (by its invitation) to hold messages for you; creates and prints the DID to share')
      .argument('<invitation-url>', "the mediator's out-of-band invitation URL (or its base URL, e.g. http://127.0.0.1:8080)")
      .addOption(new Option('--mediation-version <n>', 'coordinate-mediation version').choices(['2', '3']).default('3'))
      .addOption(new Option('--pickup-version <n>', 'message pickup version').choices(['3', '4']).default('4'))
      .option('--json', 'print {"did", "mediator", "routing_did"}')
      .action(async (url: string, o: { mediationVersion: string; pickupVersion: string; json?: boolean }, cmd: Command) => {
        const ms = timeoutMs(cmd);
        const mediation = Number(o.mediationVersion) as 2 | 3;
        const pickup = Number(o.pickupVersion) as 3 | 4;
        const invitation = await step('reading the invitation', () => loadInvitation(url, ms));
        const mediatorDid = invitation.from!;
        const profile = await openProfile(cmd);
        await profile.secrets({ create: true });

        // The account DID: the one we mediated with before, or a new one for this mediator.
        let clientDid = profile.mediator?.did === mediatorDid ? profile.mediator.client_did : profile.dids.find((d) => d.role === 'mediation' && d.for_mediator === mediatorDid)?.did;
        if (!clientDid || !profile.has(clientDid)) {
          const created = await createDID('peer');
          await profile.addDid({ did: created.did, method: 'peer', curve: 'Ed25519', created_at: new Date().toISOString(), role: 'mediation', for_mediator: mediatorDid }, created.secrets, false);
          clientDid = created.did;
        }
        const session = await openAgent(profile, { timeoutMs: ms });
        try {
          const { agent } = session;
          agent.addDid(clientDid);
          const hint = 'is the mediator running and reachable? Check the invitation URL';
          const grant = await step(`asking ${short(mediatorDid)} for mediation`, () =>
            requestMediation(agent, mediatorDid, { version: mediation, from: clientDid }).catch((e) => {
              if (isDIDCommError(e, ErrorCodes.MEDIATION_DENIED)) {
                throw new UserError(`the mediator denied mediation to ${clientDid}`, `it admits only DIDs on its allow-list: ask its operator to run \`didcomm mediator allow ${clientDid}\`, then run this command again`);
              }
              return unreachable(e, 'the mediator', hint);
            }),
          );
          const mediated = await step('creating a DID that routes through it', () => createMediatedDID({ routingDid: grant.routingDid }));
          await profile.addDid({ did: mediated.did, method: 'peer', curve: 'Ed25519', created_at: new Date().toISOString(), mediator: mediatorDid }, mediated.secrets, false);
          const [result] = await step('registering it with the mediator', () =>
            updateKeylist(agent, mediatorDid, [{ recipient_did: mediated.did, action: 'add' }], { version: mediation, from: clientDid }).catch((e) => unreachable(e, 'the mediator', hint)),
          );
          if (result?.result !== 'success' && result?.result !== 'no_change') {
            throw new UserError(`the mediator did not register the new DID (${String(result?.result ?? 'no answer')})`, 'try again; if it persists, ask the mediator operator');
          }
          await profile.setMediator({
            did: mediatorDid,
            routing_did: grant.routingDid,
            invitation: url,
            client_did: clientDid,
            granted_at: new Date().toISOString(),
            mediation_version: mediation,
            pickup_version: pickup,
          });
          await profile.use(mediated.did);
          if (o.json) printJson({ did: mediated.did, mediator: mediatorDid, routing_did: grant.routingDid });
          else {
            note(err.dim('Share this DID; messages to it wait at the mediator until `didcomm inbox` picks them up:'));
            print(mediated.did);
          }
        } finally {
          await session.close();
        }
      }),
    'didcomm mediate "http://127.0.0.1:8080/oob?_oob=eyJ0eXAi..."',
    'didcomm mediate http://127.0.0.1:8080     # asks the mediator for its invitation',
  );
}
