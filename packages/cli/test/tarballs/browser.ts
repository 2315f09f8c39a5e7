// The page's entry: run the round trip in the browser and leave the outcome for the test.
import { roundTrip } from './consumer.js';

declare global {
  var outcome: unknown;
}
roundTrip().then(
  (r) => (globalThis.outcome = r),
  (e: unknown) => (globalThis.outcome = { error: String(e) }),
);
