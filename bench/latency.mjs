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

/**
 * What a live run's messages came to: entries { measured, status, sentAt, answeredAt,
 * deliveredAt } (ms on one clock), `t0` when the sending began.
 */
export function summarize(entries, t0) {
  const accepted = (e) => e.status >= 200 && e.status < 300;
  const measured = entries.filter((e) => e.measured);
  const ok = measured.filter(accepted);
  return {
    measured: measured.length,
    accepted: ok.length,
    refused: measured.filter((e) => e.status >= 300 || e.status < 0).length,
    unanswered: measured.filter((e) => e.status === 0).length,
    lost: ok.filter((e) => e.deliveredAt === undefined).length,
    live: percentiles(ok.filter((e) => e.deliveredAt !== undefined).map((e) => e.deliveredAt - e.sentAt)),
    post: percentiles(measured.filter((e) => e.answeredAt !== undefined).map((e) => e.answeredAt - e.sentAt)),
    // Per 250 ms of sending, warm-up included: the worst latency of what was sent then (where a stall was).
    timeline: timeline(entries.filter(accepted), t0, 250),
  };
}
