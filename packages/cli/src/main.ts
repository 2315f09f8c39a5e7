// The `didcomm` command: commander wiring, global options, and one place where errors end.
import { Command, CommanderError, Option } from 'commander';
import { didCommand } from './commands/did.js';
import { packCommand } from './commands/pack.js';
import { unpackCommand } from './commands/unpack.js';
import { whoamiCommand } from './commands/whoami.js';
import { mediateCommand } from './commands/mediate.js';
import { sendCommand } from './commands/send.js';
import { inboxCommand } from './commands/inbox.js';
import { pingCommand } from './commands/ping.js';
import { acceptCommand, inviteCommand } from './commands/invite.js';
import { mediatorCommand } from './commands/mediator.js';
import { demoCommand } from './commands/demo.js';
import { EXIT, report } from './ui/errors.js';
import { configureProgress } from './ui/spinner.js';
import { err } from './ui/style.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('didcomm')
    .description('DIDComm Messaging v2 from the terminal: DIDs, pack/unpack, ping, send and receive through a mediator')
    .version(VERSION, '-V, --version')
    .addOption(new Option('-p, --profile <dir>', 'the profile folder (keys, DIDs, mediator, inbox)').env('DIDCOMM_PROFILE').default(undefined, '~/.didcomm'))
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('-q, --quiet', 'no spinners or narration on stderr')
    .option('-v, --verbose', 'narrate each step on stderr even when it is not a terminal')
    .option('-t, --timeout <seconds>', 'how long to wait for the network', '15')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(err.red(text.replace(/^error: /, 'didcomm: '))) })
    .hook('preAction', (_cmd, action) => {
      const g = action.optsWithGlobals() as { color?: boolean; quiet?: boolean; verbose?: boolean };
      if (g.color === false) process.env.NO_COLOR = '1';
      configureProgress({ quiet: g.quiet, verbose: g.verbose });
    })
    .addHelpText(
      'after',
      `
Environment:
  DIDCOMM_PROFILE     the profile folder (default ~/.didcomm)
  DIDCOMM_PASSPHRASE  the profile's passphrase (else it is asked for on the terminal)
  NO_COLOR            no colours

Quick start:
  $ didcomm did create peer
  $ didcomm mediate "$(curl -s 'http://127.0.0.1:8080/oob?format=url')"
  $ didcomm send <did> "hello"
  $ didcomm inbox --live
  $ didcomm demo        # everything at once, in one process`,
    );

  for (const make of [didCommand, whoamiCommand, packCommand, unpackCommand, pingCommand, sendCommand, inboxCommand, mediateCommand, inviteCommand, acceptCommand, mediatorCommand, demoCommand]) program.addCommand(make());
  // Usage mistakes exit 2 and say so once; nothing is printed twice.
  const exitOverride = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

/** Run the CLI with `argv` (node, script, ...args); resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  // `didcomm ... | head` closes the pipe early: that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : e.code === 'commander.help' || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : EXIT.USAGE;
    return report(e);
  }
}
