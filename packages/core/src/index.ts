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
export { COMPATS, type Compat } from './pack/compat.js';
export type { UnpackMetadata } from './pack/metadata.js';
export { FORWARD_TYPE, wrapInForward, parseForward, findMessagingServices, type MessagingService } from './pack/forward.js';

export * from './did/index.js';
export * from './secrets/index.js';

export { Agent, EMPTY_TYPE, type AgentOptions, type SendOptions, type SendResult, type Received } from './agent/agent.js';
export { SeenIds, type SeenIdsOptions } from './agent/seen-ids.js';
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

// Protocols: each a namespace with its message constants, builders and both roles' handlers.
export * as trustPing from './protocols/trust-ping/v2/index.js';
export * as discoverFeatures from './protocols/discover-features/v2/index.js';
export * as reportProblem from './protocols/report-problem/v2/index.js';
export * as basicMessage from './protocols/basicmessage/v2/index.js';
export * as empty from './protocols/empty/v1/index.js';
export * as outOfBand from './protocols/out-of-band/v2/index.js';
export * as shortenUrl from './protocols/shorten-url/v1/index.js';
export * as routing from './protocols/routing/v2/index.js';
export * as rotation from './protocols/rotation/index.js';
export { ping } from './protocols/trust-ping/v2/index.js';
export { discover } from './protocols/discover-features/v2/index.js';
export { sendBasicMessage } from './protocols/basicmessage/v2/index.js';
export { createInvitation, invitationUrl, invitationQrData, parseInvitation, resolveInvitationUrl, acceptInvitation } from './protocols/out-of-band/v2/index.js';
export { registerStandardProtocols, type StandardProtocolsOptions, type StandardProtocols } from './agent/standard-protocols.js';

// Coordinate Mediation 2.0/3.0 and Message Pickup 3.0/4.0: the recipient role (the mediator role is @didcomm-ts/mediator).
export * as coordinateMediationV2 from './protocols/coordinate-mediation/v2/index.js';
export * as coordinateMediationV3 from './protocols/coordinate-mediation/v3/index.js';
export { MEDIATION, type MediationVersion, type MediationTypes, type KeylistUpdate, type KeylistUpdated, type KeylistAction, type KeylistResult, type Pagination } from './protocols/coordinate-mediation/versions.js';
export { requestMediation, updateKeylist, queryKeylist, type MediationGrant, type MediationRequestOptions, type KeylistChange } from './protocols/coordinate-mediation/client.js';
export { createMediatedDID, type MediatedDIDOptions } from './protocols/coordinate-mediation/mediated-did.js';
// DIDComm v1 (Aries RFC 0019 envelopes), for Credo and ACA-Py wallets.
export * as v1 from './v1/index.js';
export * as pickupV3 from './protocols/pickup/v3/index.js';
export * as pickupV4 from './protocols/pickup/v4/index.js';
export { PICKUP, pickupVersionOf, type PickupVersion, type PickupTypes, type PickupStatus } from './protocols/pickup/versions.js';
export {
  pickupStatus, pickupDeliver, messagesReceived, setLiveDelivery, handleLiveDeliveries, flushAcknowledgements, receiveDelivery, attachmentPayload,
  type PickupOptions, type DeliveredMessage, type DeliverResult, type LiveDeliveryOptions,
} from './protocols/pickup/client.js';
export { MediatorClient, type MediatorClientOptions } from './protocols/pickup/mediator-client.js';
