// @didcomm-ts/core: DIDComm Messaging v2 for Node and browsers.
export { DIDCommError, ErrorCodes, isDIDCommError, type ErrorCode } from './errors.js';

export type { Message, Attachment, AttachmentData } from './message/types.js';
export { PLAINTEXT_TYP, SIGNED_TYP, ENCRYPTED_TYP } from './message/types.js';
export { validateMessage, type ValidateOptions } from './message/validate.js';
export { createMessage, newId } from './message/create.js';
export { packFromPrior, verifyFromPrior, type FromPriorClaims } from './message/from-prior.js';

export { packPlaintext } from './pack/plaintext.js';
export { packSigned, type PackSignedOptions, type PackSignedMetadata } from './pack/signed.js';
export { packEncrypted, type PackEncryptedOptions, type PackEncryptedMetadata } from './pack/encrypted.js';
export { unpack, type UnpackOptions, type UnpackPolicy } from './pack/unpack.js';
export type { UnpackMetadata } from './pack/metadata.js';
export { FORWARD_TYPE, wrapInForward, parseForward, findMessagingServices, type MessagingService } from './pack/forward.js';

export * from './did/index.js';
export * from './secrets/index.js';

export { Agent, EMPTY_TYPE, type AgentOptions, type SendOptions, type SendResult, type Received } from './agent/agent.js';
export { jsonLogger, silentLogger, type Logger } from './agent/logger.js';
export { Router, type InboundContext, type Handler, type Middleware, type ReplyOptions, type ProtocolRegistration } from './protocols/router.js';
export { parseMessageType, type MessageTypeParts } from './protocols/piuri.js';
export * as problemReport from './protocols/report-problem/v2/messages.js';
export { ProblemReportError, ProblemCodes, PROBLEM_REPORT } from './protocols/report-problem/v2/messages.js';
export { HttpTransport, type HttpTransportOptions } from './transport/http-client.js';
export { WsTransport, type WsTransportOptions, type WebSocketLike, type WebSocketConstructor } from './transport/ws-client.js';
export { MemoryHub, MemoryTransport } from './transport/memory.js';
export { TransportError, isDIDCommMediaType, mediaTypeOf, MEDIA_TYPES, type OutboundTransport, type Session, type TransportHost } from './transport/types.js';

export type { Curve, SignAlg, ContentEncAlg } from './crypto/types.js';
export { publicRawToJwk, jwkToPublicRaw, type PublicJwk, type PrivateJwk } from './keys/jwk.js';
export { publicRawToMultikey, multikeyToPublicRaw } from './keys/multikey.js';
