// didcomm whoami: the profile's DIDs, the one in use, and its mediator. Needs no passphrase.
import { Command } from 'commander';
import { openProfile, print, printJson } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { out } from '../ui/style.js';

export function whoamiCommand(): Command {
  return examples(
    new Command('whoami')
      .description("show the profile's DIDs, which one is in use, and its mediator")
      .option('--json', 'print {"did", "dids", "mediator"} (null where there is none)')
      .action(async (o: { json?: boolean }, cmd: Command) => {
        const profile = await openProfile(cmd);
        const current = profile.current ?? null;
        if (o.json) {
          printJson({ did: current, dids: profile.dids.map((d) => d.did), mediator: profile.mediator?.did ?? null });
          return;
        }
        print(`${out.bold('profile')}   ${profile.dir}`);
        if (!current) {
          print(`${out.bold('did')}       ${out.dim('none yet: run `didcomm did create peer` or `didcomm mediate <invitation-url>`')}`);
          return;
        }
        for (const d of profile.dids) {
          const inUse = d.did === current;
          const tag = [inUse ? out.green('in use') : '', `did:${d.method} ${d.curve}`, d.mediator ? 'reachable through the mediator' : '', d.role === 'mediation' ? 'account at the mediator' : ''].filter(Boolean).join(', ');
          print(`${out.bold(inUse ? 'did' : '   ')}       ${inUse ? d.did : out.dim(d.did)} ${out.dim(`(${tag})`)}`);
        }
        const m = profile.mediator;
        print(`${out.bold('mediator')}  ${m ? `${m.did} ${out.dim(`(granted ${m.granted_at})`)}` : out.dim('none: run `didcomm mediate <invitation-url>` to receive messages')}`);
      }),
    'didcomm whoami',
    'didcomm whoami --json | jq -r .did',
  );
}
