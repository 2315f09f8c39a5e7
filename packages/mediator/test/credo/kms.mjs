// Credo's Node key management plus the two algorithms the DIDComm v1 envelope needs and only
// Askar has (ECDH-HSALSA20 key agreement, XSALSA20-POLY1305 encryption), on libsodium-wrappers:
//   encrypt with a keyAgreement keyId   -> crypto_box_easy from our key, a random 24-byte nonce
//   encrypt without keyId               -> crypto_box_seal (anonymous)
//   decrypt with an externalPublicJwk   -> crypto_box_open_easy with the nonce given
//   decrypt without                     -> crypto_box_seal_open
// Our key may be Ed25519 (converted to X25519 as libsodium does) or X25519. Everything else
// (Ed25519 keys, signatures, C20P content encryption) is NodeKeyManagementService's.
import sodium from 'libsodium-wrappers';
import { Kms, TypedArrayEncoder } from '@credo-ts/core';
import { NodeKeyManagementService, NodeInMemoryKeyManagementStorage } from '@credo-ts/node';

const isHsalsa = (keyAgreement) => keyAgreement?.algorithm === 'ECDH-HSALSA20';

export class SodiumKeyManagementService extends NodeKeyManagementService {
  #storage;

  constructor(storage = new NodeInMemoryKeyManagementStorage()) {
    super(storage);
    this.#storage = storage;
  }

  static async ready() {
    await sodium.ready;
  }

  isOperationSupported(agentContext, operation) {
    if (operation.operation === 'encrypt' && operation.encryption?.algorithm === 'XSALSA20-POLY1305') return isHsalsa(operation.keyAgreement);
    if (operation.operation === 'decrypt' && operation.decryption?.algorithm === 'XSALSA20-POLY1305') return isHsalsa(operation.keyAgreement);
    return super.isOperationSupported(agentContext, operation);
  }

  async #x25519Secret(agentContext, keyId) {
    const jwk = await this.#storage.get(agentContext, keyId);
    if (!jwk) throw new Kms.KeyManagementKeyNotFoundError(keyId, [this.backend]);
    const d = TypedArrayEncoder.fromBase64(jwk.d);
    if (jwk.crv === 'X25519') return { secret: d, public: TypedArrayEncoder.fromBase64(jwk.x) };
    if (jwk.crv !== 'Ed25519') throw new Kms.KeyManagementAlgorithmNotSupportedError(`crv ${jwk.crv} for ECDH-HSALSA20`, this.backend);
    const kp = sodium.crypto_sign_seed_keypair(d);
    return { secret: sodium.crypto_sign_ed25519_sk_to_curve25519(kp.privateKey), public: sodium.crypto_sign_ed25519_pk_to_curve25519(kp.publicKey) };
  }

  async encrypt(agentContext, options) {
    const { key, encryption, data } = options;
    if (encryption.algorithm !== 'XSALSA20-POLY1305') return super.encrypt(agentContext, options);
    const theirs = TypedArrayEncoder.fromBase64(key.keyAgreement.externalPublicJwk.x);
    if (!key.keyAgreement.keyId) return { encrypted: sodium.crypto_box_seal(data, theirs) };
    const mine = await this.#x25519Secret(agentContext, key.keyAgreement.keyId);
    const iv = sodium.randombytes_buf(sodium.crypto_box_NONCEBYTES);
    return { encrypted: sodium.crypto_box_easy(data, iv, theirs, mine.secret), iv };
  }

  async decrypt(agentContext, options) {
    const { key, decryption, encrypted } = options;
    if (decryption.algorithm !== 'XSALSA20-POLY1305') return super.decrypt(agentContext, options);
    const mine = await this.#x25519Secret(agentContext, key.keyAgreement.keyId);
    try {
      if (!key.keyAgreement.externalPublicJwk) return { data: sodium.crypto_box_seal_open(encrypted, mine.public, mine.secret) };
      const theirs = TypedArrayEncoder.fromBase64(key.keyAgreement.externalPublicJwk.x);
      return { data: sodium.crypto_box_open_easy(encrypted, decryption.iv, theirs, mine.secret) };
    } catch (error) {
      throw new Kms.KeyManagementError('Error decrypting', { cause: error });
    }
  }
}
