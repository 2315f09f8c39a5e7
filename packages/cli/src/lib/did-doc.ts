// A DID document told in a few lines: its keys, what each is for, and its endpoints.
import { absoluteId, allVerificationMethods, didcommEndpoints, relationshipIds, type DIDDocument, type Relationship } from '@didcomm-ts/core';
import { out } from '../ui/style.js';

const RELATIONSHIPS: Relationship[] = ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation'];

export function summarize(doc: DIDDocument): string[] {
  const lines = [`${out.bold('DID')}       ${doc.id}`];
  for (const vm of allVerificationMethods(doc)) {
    const uses = RELATIONSHIPS.filter((r) => relationshipIds(doc, r).includes(absoluteId(doc.id, vm.id)));
    const jwk = vm.publicKeyJwk as { crv?: string } | undefined;
    const curve = jwk?.crv ? ` ${jwk.crv}` : '';
    lines.push(`${out.bold('key')}       ${vm.id} ${out.dim(`(${vm.type}${curve}; ${uses.join(', ') || 'no use'})`)}`);
  }
  for (const ep of safeEndpoints(doc)) {
    const routing = ep.routingKeys.length ? out.dim(` via ${ep.routingKeys.length} mediator key${ep.routingKeys.length > 1 ? 's' : ''}`) : '';
    lines.push(`${out.bold('endpoint')}  ${ep.uri}${routing}`);
  }
  return lines;
}

function safeEndpoints(doc: DIDDocument): Array<{ uri: string; routingKeys: string[] }> {
  try {
    return didcommEndpoints(doc).map((e) => ({ uri: e.uri, routingKeys: [...(e.routingKeys ?? [])] }));
  } catch {
    return [];
  }
}
