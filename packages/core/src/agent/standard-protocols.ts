// One call that makes an Agent a well-behaved DIDComm peer: it answers pings and feature
// queries, reads problem reports (with a circuit breaker), accepts empty messages, and
// hands basic messages to a callback.
import type { Agent } from './agent.js';
import * as basicMessage from '../protocols/basicmessage/v2/index.js';
import * as discoverFeatures from '../protocols/discover-features/v2/index.js';
import * as empty from '../protocols/empty/v1/index.js';
import * as reportProblem from '../protocols/report-problem/v2/index.js';
import * as trustPing from '../protocols/trust-ping/v2/index.js';

/** Options of registerStandardProtocols, one entry per protocol it installs. */
export interface StandardProtocolsOptions {
  /** Received basic messages. */
  onMessage?: basicMessage.BasicMessageListener;
  trustPing?: trustPing.TrustPingOptions;
  discoverFeatures?: discoverFeatures.DiscoverFeaturesOptions;
  reportProblem?: reportProblem.ReportProblemOptions;
  empty?: Parameters<typeof empty.register>[1];
}

/** What registerStandardProtocols returns: basic-message subscriptions and the problem-report circuit breaker. */
export interface StandardProtocols {
  basicMessages: ReturnType<typeof basicMessage.register>;
  circuitBreaker: reportProblem.ProblemCircuitBreaker;
}

/**
 * Install responders for trust-ping 2.0, discover-features 2.0, report-problem 2.0,
 * empty 1.0 and basicmessage 2.0. Register once per agent.
 */
export function registerStandardProtocols(agent: Agent, o: StandardProtocolsOptions = {}): StandardProtocols {
  // First, so its circuit breaker wraps every handler registered after it.
  const circuitBreaker = reportProblem.register(agent, o.reportProblem);
  trustPing.register(agent, o.trustPing);
  empty.register(agent, o.empty);
  const basicMessages = basicMessage.register(agent, { onMessage: o.onMessage });
  discoverFeatures.register(agent, o.discoverFeatures);
  return { basicMessages, circuitBreaker };
}
