// didcomm mediator start | accounts | allow | deny: run the mediator, and the operator's tools
// on its data folder (SQLite) or database (PostgreSQL).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { print, printJson } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { requireDid } from '../lib/input.js';
import { allowDid, denyDid, listAccounts, parseMediatorConfig, startMediator, type StoreLocation } from '../lib/mediator-api.js';
import { UserError } from '../ui/errors.js';
import { qrFits, terminalQr } from '../ui/qr.js';
import { step } from '../ui/spinner.js';
import { out } from '../ui/style.js';

// The mediator's own flags (see packages/mediator/src/config.ts); unset ones fall back to its
// environment variables and defaults, exactly as with `npm start`.
const START_FLAGS: Array<[flag: string, help: string]> = [
  ['--port <n>', 'listen port (PORT, default 8080)'],
  ['--host <addr>', 'listen address (HOST, default 0.0.0.0)'],
  ['--data <dir>', 'data folder: SQLite database and encrypted keys (DATA, default ./data)'],
  ['--public-url <url>', 'the URL clients reach it at (PUBLIC_URL, default http://localhost:PORT)'],
  ['--store <url>', 'postgres://... to use PostgreSQL instead of SQLite (STORE or DATABASE_URL)'],
  ['--pg-schema <name>', 'PostgreSQL schema (PG_SCHEMA)'],
  ['--passphrase-file <path>', "the keys' passphrase (PASSPHRASE_FILE, or MEDIATOR_PASSPHRASE)"],
  ['--access <policy>', 'open or allow-list (ACCESS, default open)'],
  ['--max-message-bytes <n>', 'largest message accepted (MAX_MESSAGE_BYTES)'],
  ['--max-queue <n>', 'most messages waiting per account (MAX_QUEUE)'],
  ['--retention-seconds <n>', 'delete messages older than this (RETENTION_SECONDS)'],
  ['--rate-limit <n>', 'messages per second per connection (RATE_LIMIT)'],
  ['--log-level <level>', 'debug, info, warn or error (LOG_LEVEL)'],
  ['--shutdown-timeout-ms <n>', 'how long shutdown waits for requests in flight'],
];

const STORE_FLAGS: Array<[string, string]> = [
  ['--data <dir>', 'the mediator data folder (DATA, default ./data)'],
  ['--store <url>', 'postgres://... when the mediator runs on PostgreSQL (STORE or DATABASE_URL)'],
  ['--pg-schema <name>', 'PostgreSQL schema (PG_SCHEMA)'],
];

/** Back to the mediator's argv form, so its parser (flags over environment) decides. */
function toArgv(o: Record<string, unknown>, flags: Array<[string, string]>): string[] {
  const argv: string[] = [];
  for (const [flag] of flags) {
    const name = flag.split(' ')[0];
    const key = name.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (typeof o[key] === 'string') argv.push(name, o[key] as string);
  }
  return argv;
}

async function config(argv: string[]) {
  try {
    return await parseMediatorConfig(argv);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(e instanceof Error ? e.message.split('\n')[0] : String(e), 'see `didcomm mediator start --help`', 2);
  }
}

export function mediatorCommand(): Command {
  const cmd = new Command('mediator').description('run a mediator, and manage its accounts and allow-list');

  const start = new Command('start').description('start the mediator (the same as `npm start`); Ctrl-C stops it gracefully');
  for (const [flag, help] of START_FLAGS) start.option(flag, help);
  start.action(async (o: Record<string, unknown>) => {
    const c = await config(toArgv(o, START_FLAGS));
    const running = await step('starting the mediator', () => startMediator(c).catch((e) => startFailed(e, c)), (r) => `mediator listening on ${r.url}`);
    print(`${out.bold('DID')}         ${running.did}`);
    print(`${out.bold('endpoint')}    ${running.publicUrl} ${out.dim(`(WebSocket ${running.wsUrl})`)}`);
    print(`${out.bold('invitation')}  ${running.invitationUrl}`);
    print(`${out.bold('short link')}  ${running.shortInvitationUrl}`);
    // The QR code carries the short link: the full invitation makes a code too dense to scan.
    if (qrFits(running.shortInvitationUrl)) print(await terminalQr(running.shortInvitationUrl));
    print(out.dim(`Clients: didcomm mediate ${running.publicUrl}`));
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await step('stopping (finishing requests in flight)', () => running.close(), () => 'stopped');
  });
  examples(start, 'didcomm mediator start', 'didcomm mediator start --port 9000 --data ./mediator-data --public-url https://mediator.example.com', 'DATABASE_URL=postgres://127.0.0.1/test didcomm mediator start --access allow-list');
  cmd.addCommand(start);

  const accounts = new Command('accounts').description('list the DIDs granted mediation, with their queue sizes, and the allow-list');
  for (const [flag, help] of STORE_FLAGS) accounts.option(flag, help);
  accounts.option('--json', 'one JSON object a line: {"did", "granted_at", "recipients", "queued", "queued_bytes", "access"}');
  accounts.action(async (o: Record<string, unknown>) => {
    const { accounts: list, access } = await operate(o, (loc) => listAccounts(loc));
    const orphans = access.filter((a) => !list.some((l) => l.did === a.did));
    if (o.json) {
      for (const a of list) printJson({ did: a.did, granted_at: new Date(a.grantedAt).toISOString(), recipients: a.recipients, queued: a.queued, queued_bytes: a.queuedBytes, access: a.access });
      for (const a of orphans) printJson({ did: a.did, granted_at: null, recipients: 0, queued: 0, queued_bytes: 0, access: a.rule });
      return;
    }
    if (list.length === 0) print(out.dim('no accounts yet'));
    for (const a of list) {
      const rule = a.access ? `  ${a.access === 'allow' ? out.green('allowed') : out.red('denied')}` : '';
      print(`${a.did}  ${out.dim(`granted ${new Date(a.grantedAt).toISOString()}`)}  ${a.recipients} DID${a.recipients === 1 ? '' : 's'}  ${out.bold(String(a.queued))} queued (${a.queuedBytes} bytes)${rule}`);
    }
    if (orphans.length) {
      print();
      print(out.bold('access list (no account yet)'));
      for (const a of orphans) print(`${a.did}  ${a.rule === 'allow' ? out.green('allowed') : out.red('denied')}`);
    }
  });
  examples(accounts, 'didcomm mediator accounts', 'didcomm mediator accounts --data ./data --json | jq .queued');
  cmd.addCommand(accounts);

  const allow = new Command('allow').description('allow DIDs to request mediation (what --access allow-list admits)').argument('<did...>', 'DIDs to allow');
  for (const [flag, help] of STORE_FLAGS) allow.option(flag, help);
  allow.action(async (dids: string[], o: Record<string, unknown>) => {
    dids.forEach((d) => requireDid(d));
    for (const did of dids) {
      await operate(o, (loc) => allowDid(loc, did));
      print(`${out.green('allowed')} ${did}`);
    }
  });
  examples(allow, 'didcomm mediator allow did:peer:2.Ez6LS...', 'didcomm mediator allow --store postgres://127.0.0.1/test did:key:z6Mk...');
  cmd.addCommand(allow);

  const deny = new Command('deny').description('refuse mediation to DIDs and end it: their accounts, registered DIDs and queued messages are removed').argument('<did...>', 'DIDs to deny');
  for (const [flag, help] of STORE_FLAGS) deny.option(flag, help);
  deny.action(async (dids: string[], o: Record<string, unknown>) => {
    dids.forEach((d) => requireDid(d));
    for (const did of dids) {
      const { revoked } = await operate(o, (loc) => denyDid(loc, did));
      print(`${out.red('denied')} ${did}${revoked ? ' (its account and queue were removed)' : ''}`);
    }
  });
  examples(deny, 'didcomm mediator deny did:peer:2.Ez6LS...', 'didcomm mediator deny --data ./mediator-data did:key:z6Mk...');
  cmd.addCommand(deny);
  return cmd;
}

function startFailed(e: unknown, c: { port?: number }): never {
  if (e instanceof UserError) throw e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') throw new UserError(`port ${String(c.port)} is already in use`, 'stop what listens there, or choose another with --port');
  if (code === 'EACCES') throw new UserError(`no permission to listen on port ${String(c.port)}`, 'choose a port above 1023 with --port');
  throw new UserError(`the mediator could not start: ${e instanceof Error ? e.message : String(e)}`, 'check its flags, data folder and passphrase', undefined, { cause: e });
}

/** Where the operator commands find the mediator's store, as `npm start` would, then run `fn` on it. */
async function operate<T>(o: Record<string, unknown>, fn: (loc: StoreLocation) => Promise<T>): Promise<T> {
  const c = await config(toArgv(o, STORE_FLAGS));
  const data = c.data;
  if (c.store === undefined && !existsSync(join(data, 'mediator.db'))) {
    throw new UserError(`no mediator data in ${resolve(data)}`, 'pass the folder the mediator was started with: --data DIR (or --store postgres://...)');
  }
  try {
    return await fn({ data, ...(c.store !== undefined ? { store: c.store } : {}), ...(c.pgSchema !== undefined ? { pgSchema: c.pgSchema } : {}) });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`the mediator store failed: ${e instanceof Error ? e.message : String(e)}`, 'check --data (or --store / DATABASE_URL), and that the database is running');
  }
}
