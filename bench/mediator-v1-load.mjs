// The v1 bench's load generator (bench/mediator-v1.mjs), its own process like mediator-load.mjs.
// Commands over IPC:
//   setup { url, accounts, forwards, bytes }  v1 accounts (a key each, mediate-request and one
//         recipient key, coordinate-mediation 1.0 over HTTP with return route), then pre-packed
//         v1 forwards (an Authcrypt basic message of about `bytes` to a recipient key, in a
//         routing 1.0 forward Anoncrypt to the mediator's key), as Credo sends them.
//   load  { url, connections, warmupMs, ms } POST them over raw keep-alive sockets
//         (application/didcomm-envelope-enc) as fast as answers come; -> counts, statuses, latency.
import { v1 } from '../packages/core/dist/index.js';
import { closedLoop, requestBytes } from './http-load.mjs';

let state;

process.on('message', async (m) => {
  try {
    const cmds = { setup, load, exit: () => setImmediate(() => process.exit(0)) };
    const result = cmds[m.cmd] ? await cmds[m.cmd](m) : null;
    process.send({ id: m.id, result });
  } catch (e) {
    process.send({ id: m.id, error: e instanceof Error ? e.stack : String(e) });
  }
});

async function post(url, mediatorKey, key, body) {
  const env = await v1.packV1({ '@id': crypto.randomUUID(), '~transport': { return_route: 'all' }, ...body }, { to: [mediatorKey], from: key });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/didcomm-envelope-enc' }, body: JSON.stringify(env) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${body['@type']}: ${res.status} ${text}`);
  return v1.parseV1Message((await v1.unpackV1(text, { keys: (kid) => (kid === key.verkey ? key : undefined) })).message);
}

async function setup(o) {
  const inv = await (await fetch(`${o.url}oob?version=1`)).json();
  const mediatorKey = inv.services[0].recipientKeys[0];
  const recipients = [];
  for (let i = 0; i < o.accounts; i++) {
    const { key } = await v1.generateV1Key();
    const { key: recipient } = await v1.generateV1Key();
    const grant = await post(o.url, mediatorKey, key, { '@type': 'https://didcomm.org/coordinate-mediation/1.0/mediate-request' });
    if (!grant['@type'].endsWith('/mediate-grant')) throw new Error(`no grant: ${JSON.stringify(grant)}`);
    await post(o.url, mediatorKey, key, { '@type': 'https://didcomm.org/coordinate-mediation/1.0/keylist-update', updates: [{ recipient_key: v1.verkeyToDidKey(recipient.verkey), action: 'add' }] });
    recipients.push(recipient.verkey);
  }
  const { key: sender } = await v1.generateV1Key();
  const wires = [];
  const message = (i, pad) => ({ '@type': 'https://didcomm.org/basicmessage/1.0/message', '@id': crypto.randomUUID(), content: `load ${i}`, pad: 'x'.repeat(Math.max(0, pad)), sent_time: new Date().toISOString() });
  const wire = async (i, pad) => {
    const to = recipients[i % recipients.length];
    return JSON.stringify(await v1.wrapV1Forward(await v1.packV1(message(i, pad), { to: [to], from: sender }), to, [mediatorKey]));
  };
  // Two layers of base64url (4/3 each): size the padding from one try.
  const probe = (await wire(0, 0)).length;
  const pad = Math.floor((o.bytes - probe) * 0.56);
  for (let i = 0; i < o.forwards; i++) wires.push(await wire(i, pad));
  state = { wires };
  const sizes = wires.map((w) => Buffer.byteLength(w));
  return { meanBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) };
}

async function load(o) {
  return closedLoop({ ...o, requests: state.wires.map((w) => requestBytes(o.url, w, 'application/didcomm-envelope-enc')) });
}
