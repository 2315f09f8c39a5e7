// Answers to what we send come back through our mediator. While a command waits for one,
// keep live mode on (a WebSocket the mediator pushes to), or poll when live mode fails.
import type { AgentSession } from './agent.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function receivingWhile<T>(s: AgentSession, task: () => Promise<T>, o: { pollMs?: number } = {}): Promise<T> {
  const mediator = s.mediator;
  if (!mediator) return task();
  let live = false;
  try {
    await mediator.live(true);
    live = true;
  } catch {
    // No WebSocket endpoint, or it refused: poll instead.
  }
  let stop = false;
  const poller = live
    ? Promise.resolve()
    : (async () => {
        while (!stop) {
          await mediator.pickupAll({ maxBatches: 5 }).catch(() => undefined);
          if (!stop) await sleep(o.pollMs ?? 500);
        }
      })();
  try {
    return await task();
  } finally {
    stop = true;
    if (live) await mediator.live(false).catch(() => undefined);
    await poller;
  }
}
