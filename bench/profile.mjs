// CPU profiles of one phase of a bench, for `--profile=DIR`: node:inspector on this thread,
// written as .cpuprofile files (open them in Chrome DevTools or VS Code).
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Start profiling this thread; the returned function stops and writes `DIR/NAME.cpuprofile`. */
export async function startProfile(dir, name) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}
