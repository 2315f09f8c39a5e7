/** @see https://didcomm.org/shorten-url/1.0/ */
export const PIURI = 'https://didcomm.org/shorten-url/1.0';
/** long-url-provider -> url-shortener: body { url, requested_validity_seconds, goal_code, short_url_slug? }. */
export const REQUEST_SHORTENED_URL = 'https://didcomm.org/shorten-url/1.0/request-shortened-url';
/** url-shortener -> long-url-provider, thid = the request: body { shortened_url, expires_time? }. */
export const SHORTENED_URL = 'https://didcomm.org/shorten-url/1.0/shortened-url';
/** long-url-provider -> url-shortener: body { shortened_url }; answered by an empty message acking it. */
export const INVALIDATE_SHORTENED_URL = 'https://didcomm.org/shorten-url/1.0/invalidate-shortened-url';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { shortener: 'url-shortener', provider: 'long-url-provider' } as const;

/** The goal codes the protocol defines. */
export const GoalCodes = { SHORTEN: 'shorten', OOB_V1: 'shorten.oobv1', OOB_V2: 'shorten.oobv2' } as const;

/**
 * The protocol's problem codes, as descriptors under `e.p.` (the protocol names bare codes;
 * report-problem 2.0 wants sorter.scope.descriptor).
 */
export const ShortenUrlProblems = {
  VALIDITY_TOO_LONG: 'e.p.validity_too_long',
  INVALID_URL: 'e.p.invalid_url',
  INVALID_PROTOCOL_SCHEME: 'e.p.invalid_protocol_scheme',
  INVALID_GOAL_CODE: 'e.p.invalid_goal_code',
  SLUGS_NOT_SUPPORTED: 'e.p.slugs_not_supported',
  INVALID_SLUG: 'e.p.invalid_slug',
  SHORT_URL_INVALID: 'e.p.short_url_invalid',
  REJECTED_INVALIDATION: 'e.p.rejected_invalidation',
} as const;
