// didcomm demo: a mediator and two agents in this one process, narrated step by step:
// mediation, a message sent while the recipient is offline, pickup, and live delivery.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import {
  Agent,
  basicMessage,
  createDID,
  createResolver,
  HttpTransport,
  InMemorySecrets,
  MediatorClient,
  registerStandardProtocols,
  trustPing,
} from '@didcomm-ts/core';
import { NodeWsTransport } from '@didcomm-ts/core/node';
import { print, timeoutMs } from '../lib/context.js';
import { examples } from '../lib/help.js';
import { startMediator, type RunningMediator } from '../lib/mediator-api.js';
import { short } from './did.js';
import { usage } from '../ui/errors.js';
import { step } from '../ui/spinner.js';
import { out } from '../ui/style.js';

interface DemoAgent {
  name: string;
  agent: Agent;
  client: MediatorClient;
  /** The DID others write to: it routes through the mediator. */
  did: string;
  inbox: Array<{ content: string; from?: string; at: number }>;
  waiters: Array<() => void>;
}

export function demoCommand(): Command {
  return examples(
    new Command('demo')
      .description('start a mediator and two agents in one process and watch a full exchange, step by step')
      .option('--port <n>', 'the demo mediator port (default: any free port)', '0')
      .action(async (o: { port: string }, cmd: Command) => {
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage(`--port ${o.port} is not a port number`);
        const ms = timeoutMs(cmd);
        const dir = await mkdtemp(join(tmpdir(), 'didcomm-demo-'));
        let mediator: RunningMediator | undefined;
        const agents: DemoAgent[] = [];
        let n = 0;
        const say = (title: string, ...lines: string[]) => {
          print();
          print(out.bold(`${++n}. ${title}`));
          for (const l of lines) print(`   ${l}`);
        };
        try {
          mediator = await step('starting a mediator (SQLite in a temporary folder)', () =>
            startMediator({ port, host: '127.0.0.1', data: dir, passphrase: randomBytes(16).toString('hex'), logLevel: 'error', scryptN: 1024 }),
          );
          say('A mediator is running', `listening on ${out.cyan(mediator.url)}`, `its DID: ${out.dim(short(mediator.did))}`, 'it holds messages for agents that are offline and hands them on');

          const alice = await step('Alice asks the mediator for mediation', () => demoAgent('Alice', mediator!.did, ms));
          agents.push(alice);
          const bob = await step('Bob asks the mediator for mediation', () => demoAgent('Bob', mediator!.did, ms));
          agents.push(bob);
          say(
            'Alice and Bob mediate (coordinate-mediation 3.0)',
            `each got a grant, made a did:peer:2 whose service names the mediator, and registered it:`,
            `Alice: ${out.cyan(short(alice.did))}`,
            `Bob:   ${out.cyan(short(bob.did))}`,
          );

          await step('Alice sends Bob a message while Bob is offline', () => sendText(alice, bob.did, 'Hi Bob! Are you there?'));
          const status = await bob.client.status();
          say(
            'Alice sends while Bob is offline',
            `Alice encrypts for Bob (authcrypt), wraps it in a forward for the mediator, and POSTs it`,
            `the mediator holds ${out.bold(String(status.message_count))} message for Bob (pickup status)`,
          );

          const got = await step('Bob comes online and picks up', () => bob.client.pickupAll());
          const first = bob.inbox[0];
          say(
            'Bob picks up (message pickup 4.0)',
            `${got} message delivered, then acknowledged so the mediator deletes it`,
            `Bob reads: ${out.green(`"${first?.content ?? '?'}"`)} from ${first?.from === alice.did ? 'Alice (authenticated)' : out.yellow('someone unverified')}`,
          );

          await step('Bob turns on live delivery (WebSocket)', () => bob.client.live(true));
          const started = performance.now();
          const arrived = waitForMessage(bob, ms);
          await sendText(alice, bob.did, 'Yes, live now!');
          await arrived;
          const latency = Math.round(performance.now() - started);
          say(
            'Live delivery',
            'Bob keeps a WebSocket open and asks for live mode; the mediator pushes new messages at once',
            `Alice sends again; Bob reads ${out.green(`"${bob.inbox.at(-1)?.content ?? '?'}"`)} ${out.bold(`${latency} ms`)} after she sent it`,
          );

          await sendText(bob, alice.did, 'Hello Alice, got both.');
          await step('Alice picks up the answer', () => alice.client.pickupAll());
          await alice.client.live(true).catch(() => undefined);
          const ping = await trustPing.ping(alice.agent, bob.did, { timeoutMs: ms, headers: { from: alice.did } }).catch(() => undefined);
          say(
            'Bob answers; Alice picks it up',
            `Alice reads ${out.green(`"${alice.inbox.at(-1)?.content ?? '?'}"`)}`,
            ping?.rttMs !== undefined ? `then both go live and Alice trust-pings Bob: ${out.bold(`${Math.round(ping.rttMs)} ms`)} round trip` : 'Bob is live, but the trust ping got no answer in time',
          );

          print();
          print(`${out.green('✔')} That is the whole path. To do it yourself across terminals:`);
          print(out.dim('   npm start                                     # a mediator on :8080'));
          print(out.dim('   npx didcomm --profile ./alice mediate http://127.0.0.1:8080'));
          print(out.dim('   npx didcomm --profile ./bob mediate http://127.0.0.1:8080'));
          print(out.dim('   npx didcomm --profile ./bob inbox --live'));
          print(out.dim('   npx didcomm --profile ./alice send <bob-did> "hi"'));
        } finally {
          for (const a of agents) await a.client.live(false).catch(() => undefined);
          for (const a of agents) await a.agent.stop().catch(() => undefined);
          await mediator?.close().catch(() => undefined);
          await rm(dir, { recursive: true, force: true });
        }
      }),
    'didcomm demo',
    'NO_COLOR=1 didcomm demo > demo.txt',
  );
}

async function demoAgent(name: string, mediatorDid: string, timeoutMs: number): Promise<DemoAgent> {
  const account = await createDID('peer');
  const secrets = new InMemorySecrets(account.secrets);
  const agent = new Agent({
    did: account.did,
    secrets,
    resolver: createResolver(),
    transports: [new HttpTransport({ timeoutMs }), new NodeWsTransport({ connectTimeoutMs: timeoutMs })],
    requestTimeoutMs: timeoutMs,
  });
  const self: DemoAgent = { name, agent, client: new MediatorClient(agent, mediatorDid, { timeoutMs }), did: '', inbox: [], waiters: [] };
  registerStandardProtocols(agent, {
    onMessage: (m) => {
      self.inbox.push({ content: m.content, ...(m.from ? { from: m.from } : {}), at: Date.now() });
      for (const w of self.waiters.splice(0)) w();
    },
  });
  // The account DID talks to the mediator; the mediated DID is what others write to.
  const { did } = await self.client.mediate({ makeDefault: false });
  self.did = did.did;
  return self;
}

function sendText(from: DemoAgent, to: string, content: string) {
  return from.agent.send(basicMessage.buildBasicMessage({ from: from.did, to, content }));
}

function waitForMessage(a: DemoAgent, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no live delivery in time')), timeoutMs);
    a.waiters.push(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
