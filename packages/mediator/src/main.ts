#!/usr/bin/env node
// `npm start` / `didcomm-mediator`: start the mediator, print its DID and invitation (URL and
// QR code) on a terminal, stop cleanly on SIGINT/SIGTERM. When stdout is not a terminal
// (`npm start > mediator.log`) it gets one JSON line like the logs, no banner and no QR code.
import QRCode from 'qrcode';
import { parseConfig, UsageRequested } from './config.js';
import { startMediator } from './server.js';

async function main() {
  let config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageRequested) {
      console.log(e.message);
      return;
    }
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 2;
    return;
  }
  const running = await startMediator(config);
  if (process.stdout.isTTY) {
    // The QR code carries the short link (a small code a phone reads at a glance); the full
    // invitation is printed too, for copying.
    const qr = await QRCode.toString(running.shortInvitationUrl, { type: 'terminal', small: true, errorCorrectionLevel: 'L' }).catch(() => '');
    process.stdout.write(
      [
        '',
        `DIDComm mediator listening on ${running.url} (public ${running.publicUrl})`,
        `DID: ${running.did}`,
        `Invitation: ${running.invitationUrl}`,
        `Short link: ${running.shortInvitationUrl}`,
        qr,
        '',
      ].join('\n'),
    );
  } else {
    const line = { time: new Date().toISOString(), level: 'info', msg: 'mediator ready', did: running.did, url: running.url, publicUrl: running.publicUrl, invitationUrl: running.invitationUrl, shortInvitationUrl: running.shortInvitationUrl };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) return;
    signalled = true;
    console.error(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'shutting down', signal }));
    running.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'mediator failed to start', error: e instanceof Error ? e.message : String(e) }));
  process.exit(1);
});
