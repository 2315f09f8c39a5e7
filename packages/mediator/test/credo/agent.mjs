// A Credo 0.6 agent that runs here on Node 20 without Askar: our in-memory StorageService
// (storage.mjs) and Node key management with libsodium for the v1 envelope (kms.mjs).
// Only DIDComm v1 modules a wallet needs with a mediator are on: connections, out-of-band,
// mediation recipient, pickup, basic messages, discover features; no credentials or proofs.
import { Agent, InjectionSymbols, Kms, LogLevel, ConsoleLogger } from '@credo-ts/core';
import { DidCommModule, DidCommHttpOutboundTransport, DidCommWsOutboundTransport } from '@credo-ts/didcomm';
import { agentDependencies } from '@credo-ts/node';
import { InMemoryStorageService } from './storage.mjs';
import { SodiumKeyManagementService } from './kms.mjs';

/** Registers a StorageService instance, which Credo requires and otherwise takes from Askar. */
class InMemoryStorageModule {
  register(dependencyManager) {
    dependencyManager.registerInstance(InjectionSymbols.StorageService, new InMemoryStorageService());
  }
}

/**
 * A Credo agent. `didcomm` goes to DidCommModule as is (endpoints, transports, mediator,
 * mediationRecipient, ...); HTTP and WebSocket outbound transports are added unless given.
 * CREDO_LOG=debug (or info, warn) prints Credo's own logs.
 */
export async function createCredoAgent({ label = 'credo', didcomm = {} } = {}) {
  await SodiumKeyManagementService.ready();
  const level = process.env.CREDO_LOG ? LogLevel[process.env.CREDO_LOG] : LogLevel.off;
  const agent = new Agent({
    config: { logger: new ConsoleLogger(level), allowInsecureHttpUrls: true },
    dependencies: agentDependencies,
    modules: {
      storage: new InMemoryStorageModule(),
      kms: new Kms.KeyManagementModule({ backends: [new SodiumKeyManagementService()] }),
      didcomm: new DidCommModule({
        credentials: false,
        proofs: false,
        mediator: false,
        connections: { autoAcceptConnections: true },
        ...didcomm,
        transports: { outbound: [new DidCommHttpOutboundTransport(), new DidCommWsOutboundTransport()], ...didcomm.transports },
      }),
    },
  });
  agent.label = label;
  await agent.initialize();
  return agent;
}
