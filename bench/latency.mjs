// Latency figures shared by the live-many benches (live-many.mjs, live-many-client.mjs).

/** p50, p90, p99 and max (ms) of a list of latencies. */
export function percentiles(values) {
  const a = Float64Array.from(values).sort();
  const at = (p) => (a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))] : NaN);
  return { n: a.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: a.length ? a[a.length - 1] : NaN };
}

/**
 * The worst POST-to-delivery latency (ms, rounded) of the messages sent in each `step` ms from
 * t0 (Infinity: one of them never arrived; null: nothing was sent then, the sender stalled).
 */
export function timeline(entries, t0, step) {
  const worst = [];
  for (const e of entries) {
    const i = Math.floor((e.sentAt - t0) / step);
    const v = e.deliveredAt === undefined ? Infinity : e.deliveredAt - e.sentAt;
    if (i >= 0) worst[i] = Math.max(worst[i] ?? 0, v);
  }
  return Array.from(worst, (v) => (v === undefined ? null : Math.round(v)));
}
