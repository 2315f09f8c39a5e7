// Prometheus text exposition for the few numbers an operator watches: messages in, queued,
// delivered, refused, bytes, forward and live-delivery latency; gauges are read at scrape time.

type Labels = Record<string, string>;
const key = (name: string, labels: Labels = {}) => {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',');
  return l ? `${name}{${l}}` : name;
};

const HELP: Record<string, [string, string]> = {
  didcomm_mediator_messages_in_total: ['counter', 'DIDComm messages accepted, by kind (forward or control)'],
  didcomm_mediator_bytes_in_total: ['counter', 'Bytes of DIDComm messages received'],
  didcomm_mediator_messages_queued_total: ['counter', 'Messages durably queued for a recipient'],
  didcomm_mediator_messages_delivered_total: ['counter', 'Messages handed to recipients, by mode (pickup or live)'],
  didcomm_mediator_messages_acknowledged_total: ['counter', 'Messages deleted after messages-received'],
  didcomm_mediator_messages_expired_total: ['counter', 'Messages deleted by retention'],
  didcomm_mediator_refused_total: ['counter', 'Requests or messages refused, by reason'],
  didcomm_mediator_unpacked_total: ['counter', 'Encrypted or signed messages given to unpack, by the thread that decrypts them (main or worker)'],
  didcomm_mediator_forward_seconds: ['histogram', 'Time from a forward arriving to its durable write'],
  didcomm_mediator_live_resyncs_total: ['counter', 'Times the live accounts\' queues were read again after a gap in the store\'s enqueue announcements'],
  didcomm_mediator_live_delivery_seconds: ['histogram', 'Time from a message being queued to its live delivery being sent'],
  didcomm_mediator_queue_messages: ['gauge', 'Messages waiting in all queues'],
  didcomm_mediator_queue_bytes: ['gauge', 'Bytes waiting in all queues'],
  didcomm_mediator_accounts: ['gauge', 'DIDs granted mediation'],
  didcomm_mediator_live_sessions: ['gauge', 'Connections in live mode on this instance'],
  didcomm_mediator_http_in_flight: ['gauge', 'HTTP requests being processed'],
};

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type Histogram = 'didcomm_mediator_forward_seconds' | 'didcomm_mediator_live_delivery_seconds';

export class Metrics {
  readonly #counters = new Map<string, { name: string; value: number }>();
  readonly #hists = new Map<string, { buckets: number[]; sum: number; count: number }>();

  inc(name: string, labels?: Labels, by = 1): void {
    const k = key(name, labels);
    const c = this.#counters.get(k);
    if (c) c.value += by;
    else this.#counters.set(k, { name, value: by });
  }

  observe(name: Histogram, seconds: number): void {
    let h = this.#hists.get(name);
    if (!h) this.#hists.set(name, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    h.count++;
    h.sum += seconds;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]++;
    });
  }


  get(name: string, labels?: Labels): number {
    return this.#counters.get(key(name, labels))?.value ?? 0;
  }

  /** The exposition text, with gauges given by the caller. */
  render(gauges: Record<string, number>): string {
    const lines: string[] = [];
    const byName = new Map<string, string[]>();
    for (const [k, { name, value }] of this.#counters) {
      const l = byName.get(name) ?? [];
      l.push(`${k} ${value}`);
      byName.set(name, l);
    }
    for (const [name, [type, help]] of Object.entries(HELP)) {
      if (type === 'histogram') {
        const h = this.#hists.get(name) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
        BUCKETS.forEach((b, i) => lines.push(`${name}_bucket{le="${b}"} ${h.buckets[i]}`));
        lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
        continue;
      }
      const samples = type === 'gauge' ? (name in gauges ? [`${name} ${gauges[name]}`] : []) : byName.get(name) ?? [`${name} 0`];
      if (samples.length === 0) continue;
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    }
    return `${lines.join('\n')}\n`;
  }
}
