/** Attachment data: at least one of these is present (spec "Attachments"). */
export interface AttachmentData {
  jws?: unknown;
  hash?: string;
  links?: string[];
  base64?: string;
  json?: unknown;
  [k: string]: unknown;
}

/** An attachment (spec "Attachments"): its data inline (base64 or JSON), by reference (links), or signed (jws). */
export interface Attachment {
  id?: string;
  description?: string;
  filename?: string;
  media_type?: string;
  format?: string;
  lastmod_time?: number;
  byte_count?: number;
  data: AttachmentData;
  [k: string]: unknown;
}

/**
 * A plaintext DIDComm message (JWM) with the spec's own snake_case names, so that
 * JSON.stringify is its serialization. Unknown headers are kept as they are.
 */
export interface Message {
  id: string;
  type: string;
  typ?: string;
  from?: string;
  to?: string[];
  thid?: string;
  pthid?: string;
  created_time?: number;
  expires_time?: number;
  /** A compact JWT (DID rotation); see packFromPrior. */
  from_prior?: string;
  body?: Record<string, unknown>;
  attachments?: Attachment[];
  please_ack?: string[];
  ack?: string[];
  lang?: string;
  return_route?: 'none' | 'all' | 'thread';
  [header: string]: unknown;
}

/** The media type (and `typ`) of plaintext messages. */
export const PLAINTEXT_TYP = 'application/didcomm-plain+json';
/** The media type (and JWS `typ`) of signed messages. */
export const SIGNED_TYP = 'application/didcomm-signed+json';
/** The media type (and JWE `typ`) of encrypted messages. */
export const ENCRYPTED_TYP = 'application/didcomm-encrypted+json';
