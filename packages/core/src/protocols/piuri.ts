// Message type URIs: `doc-uri delim protocol-name/semver/message-name` (spec "Protocol
// Identifier URI"). Handlers match protocol and message name ignoring case and punctuation,
// and accept any minor version of the same major (semver compatibility).

/** A message type URI split into its parts: `<docUri><protocol>/<major>.<minor>/<name>`. */
export interface MessageTypeParts {
  docUri: string;
  protocol: string;
  major: number;
  minor: number;
  name: string;
  /** The protocol identifier URI (without the message name). */
  piuri: string;
}

const MTURI = /^(.*?)([a-z0-9._-]+)\/(\d+)\.(\d+)(?:\.\d+)?\/([a-z0-9._-]+)$/i;

/** Split a message type URI into doc URI, protocol, version and message name; undefined when it is not one. */
export function parseMessageType(type: string): MessageTypeParts | undefined {
  const m = MTURI.exec(type);
  if (!m) return undefined;
  return { docUri: m[1], protocol: m[2], major: Number(m[3]), minor: Number(m[4]), name: m[5], piuri: `${m[1]}${m[2]}/${m[3]}.${m[4]}` };
}

const fold = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The key handlers are registered under: doc-uri, protocol, major version, message name. */
export function handlerKey(p: MessageTypeParts): string {
  return `${p.docUri.toLowerCase()}|${fold(p.protocol)}|${p.major}|${fold(p.name)}`;
}
