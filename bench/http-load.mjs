// Raw HTTP/1.1 load over keep-alive sockets, shared by the benches' load generators
// (mediator-load.mjs, mediator-v1-load.mjs, live-many-client.mjs): requests are pre-built bytes
// and responses are parsed by hand, so a request costs the generator a few microseconds and the
// server is what is measured.
import { connect } from 'node:net';
import { percentiles } from './latency.mjs';

/** A POST of `wire` to `url` as bytes ready to write. */
export function requestBytes(url, wire, contentType = 'application/didcomm-encrypted+json') {
  const u = new URL(url);
  const body = Buffer.from(wire);
  return Buffer.concat([Buffer.from(`POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
}

/**
 * Calls `onStatus` for each HTTP response read off `socket` (head plus content-length body;
 * the mediator answers with content-length on every response, so no chunked decoding).
 */
export function onResponses(socket, onStatus) {
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const total = end + 4 + (cl ? Number(cl[1]) : 0);
      if (buf.length < total) return;
      buf = buf.subarray(total);
      onStatus(Number(head.slice(9, 12)));
    }
  });
}

/** One keep-alive connection sending a request after each answer; `next()` gives the bytes (or null to stop). */
function conn(url, next, onAnswer) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) });
    socket.setNoDelay(true);
    let sentAt = 0;
    const send = () => {
      const bytes = next();
      if (bytes === null) return socket.end();
      sentAt = performance.now();
      socket.write(bytes);
    };
    socket.on('connect', send);
    onResponses(socket, (status) => {
      onAnswer(status, performance.now() - sentAt);
      send();
    });
    socket.on('error', reject);
    socket.on('close', resolve);
  });
}

/**
 * `requests` (cycled) over `connections` keep-alive sockets, each sending as soon as its answer
 * came, for `warmupMs` unmeasured then `ms`: -> 202s, per second, statuses, latency, this
 * process's CPU over the measured part.
 */
export async function closedLoop({ url, requests, connections, warmupMs, ms }) {
  let i = 0;
  const measureFrom = performance.now() + warmupMs;
  const stopAt = measureFrom + ms;
  let startedAt;
  let cpuAt;
  const statuses = {};
  const latencies = [];
  let ok = 0;
  const next = () => (performance.now() >= stopAt ? null : requests[i++ % requests.length]);
  const onAnswer = (status, took) => {
    const now = performance.now();
    if (now < measureFrom || now >= stopAt) return;
    if (startedAt === undefined) {
      startedAt = now;
      cpuAt = process.cpuUsage();
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === 202) ok++;
    latencies.push(took);
  };
  await Promise.all(Array.from({ length: connections }, () => conn(url, next, onAnswer)));
  const elapsed = Math.min(performance.now(), stopAt) - (startedAt ?? measureFrom);
  const cpu = process.cpuUsage(cpuAt);
  return { ok, perSecond: (ok * 1000) / elapsed, statuses, latency: percentiles(latencies), cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100 };
}

/**
 * A keep-alive socket for pipelined requests: push each request's record on `socket.waiting`
 * as it is written; answers settle them in order (`onAnswer(record, status, at)`) and are
 * counted in `statuses`. After the connection was made, an error counts `socket_error` and
 * hands the unanswered records to `onLost` (they are not thrown).
 */
export function pipelined(url, statuses, onAnswer, onLost = () => undefined) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) }, () => resolve(socket));
    socket.setNoDelay(true);
    socket.waiting = [];
    onResponses(socket, (status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      const record = socket.waiting.shift();
      if (record) onAnswer(record, status, performance.now());
    });
    socket.on('error', (e) => {
      if (socket.connecting) return reject(e);
      statuses.socket_error = (statuses.socket_error ?? 0) + 1;
      onLost(socket.waiting.splice(0));
    });
  });
}
