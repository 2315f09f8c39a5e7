// rotateDID: from_prior claims and the issuer kid (an authentication key of the old DID we hold).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../../helpers.mjs';
import { rotateDID, createDID, createResolver } from '../../../dist/did/index.js';
import { InMemorySecrets } from '../../../dist/secrets/index.js';

const fp = loadVector('didcomm-rust/from_prior.json');

test('claims {iss: old, sub: new, iat} and the authentication key we hold', async () => {
  const old = await createDID('peer');
  const neu = await createDID('peer');
  const r = await rotateDID({ oldDid: old.did, newDid: neu.did, secrets: new InMemorySecrets(old.secrets), resolver: createResolver(), iat: 1700000000 });
  assert.deepEqual(r, { claims: { iss: old.did, sub: neu.did, iat: 1700000000 }, issuerKid: `${old.did}#key-1` });
});

test('iat defaults to now; extra claims are carried', async () => {
  const old = await createDID('key');
  const neu = await createDID('key');
  const before = Math.floor(Date.now() / 1000);
  const { claims } = await rotateDID({ oldDid: old.did, newDid: neu.did, secrets: new InMemorySecrets(old.secrets), resolver: createResolver(), claims: { jti: 'x', aud: 'y' } });
  assert.ok(claims.iat >= before && claims.iat <= before + 2);
  assert.equal(claims.jti, 'x');
  assert.equal(claims.aud, 'y');
});

test('didcomm-rust from_prior vector: charlie -> alice picks charlie#key-1', async () => {
  const docs = loadVector('didcomm-rust/did_docs.json');
  const secrets = loadVector('didcomm-rust/secrets.json');
  const find = (o, id) => (o && typeof o === 'object' ? (o.id === id && o.verificationMethod ? o : Object.values(o).map((v) => find(v, id)).find(Boolean)) : undefined);
  const charlie = find(docs, 'did:example:charlie');
  const alice = find(docs, 'did:example:alice');
  const charlieSecrets = secrets.secret_lists.CHARLIE_SECRETS;
  const { claims, issuerKid } = await rotateDID({ oldDid: 'did:example:charlie', newDid: 'did:example:alice', secrets: new InMemorySecrets(charlieSecrets), resolver: createResolver({ static: [charlie, alice] }), iat: 123456 });
  assert.equal(issuerKid, fp._context.issuer_kid);
  assert.equal(claims.iss, fp.valid[0].payload_decoded.iss);
  assert.equal(claims.sub, fp.valid[0].payload_decoded.sub);
});

test('invalid claim sets from the vectors are rejected with ERR_FROM_PRIOR_INVALID', async () => {
  const resolver = createResolver();
  for (const [name, c] of Object.entries(fp.pack_side_invalid_claims)) {
    if (name.startsWith('_')) continue;
    await assert.rejects(rotateDID({ oldDid: c.iss, newDid: c.sub, secrets: new InMemorySecrets(), resolver }), (e) => e.code === 'ERR_FROM_PRIOR_INVALID', name);
  }
});

test('no secret, unknown DID, or a key that is not an authentication key: typed errors', async () => {
  const old = await createDID('peer');
  const neu = await createDID('peer');
  const resolver = createResolver();
  await assert.rejects(rotateDID({ oldDid: old.did, newDid: neu.did, secrets: new InMemorySecrets(), resolver }), (e) => e.code === 'ERR_SECRET_NOT_FOUND');
  const short = 'did:peer:4zQmd8CpeFPci817KDsbSAKWcXAE2mjvCQSasRewvbSF54Bd';
  await assert.rejects(rotateDID({ oldDid: short, newDid: neu.did, secrets: new InMemorySecrets(), resolver }), (e) => e.code === 'ERR_DID_NOT_FOUND');
  await assert.rejects(rotateDID({ oldDid: old.did, newDid: neu.did, secrets: new InMemorySecrets(old.secrets), resolver, issuerKid: '#key-2' }), (e) => e.code === 'ERR_KEY_NOT_AUTHORIZED');
  const r = await rotateDID({ oldDid: old.did, newDid: neu.did, secrets: new InMemorySecrets(old.secrets), resolver, issuerKid: '#key-1' });
  assert.equal(r.issuerKid, `${old.did}#key-1`);
});

test('rotateDID output feeds packFromPrior, and the JWT verifies', async () => {
  const { packFromPrior, verifyFromPrior } = await import('../../../dist/message/from-prior.js');
  const old = await createDID('peer');
  const neu = await createDID('peer');
  const resolver = createResolver();
  const secrets = new InMemorySecrets(old.secrets);
  const { claims, issuerKid } = await rotateDID({ oldDid: old.did, newDid: neu.did, secrets, resolver });
  const { jwt, issuerKid: used } = await packFromPrior(claims, { issuerKid, resolver, secrets });
  assert.equal(used, issuerKid);
  assert.equal(jwt.split('.').length, 3);
  const verified = await verifyFromPrior(jwt, resolver);
  assert.deepEqual(verified, { claims, issuerKid });
});
