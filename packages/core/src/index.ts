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

export type { DIDDocument, DIDResolver, VerificationMethod, Service, ServiceEndpointObject } from './did/types.js';
export { parseDidUrl, isDid, didOf } from './did/url.js';
export { didcommEndpoints, findVerificationMethod, methodsFor, type DIDCommEndpoint } from './did/document.js';

export type { Secret, SecretsResolver } from './secrets/types.js';
export { InMemorySecrets } from './secrets/memory.js';

export type { Curve, SignAlg, ContentEncAlg } from './crypto/types.js';
export { publicRawToJwk, jwkToPublicRaw, type PublicJwk, type PrivateJwk } from './keys/jwk.js';
export { publicRawToMultikey, multikeyToPublicRaw } from './keys/multikey.js';
