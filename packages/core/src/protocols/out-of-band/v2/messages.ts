/** @see https://identity.foundation/didcomm-messaging/spec/#out-of-band-messages */
export const PIURI = 'https://didcomm.org/out-of-band/2.0';
/** The one message of the protocol; its id becomes the pthid of the answer. */
export const INVITATION = 'https://didcomm.org/out-of-band/2.0/invitation';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { sender: 'sender', receiver: 'receiver' } as const;

/** The query parameters: the whole invitation, or the id of a shortened one to fetch. */
export const OOB_PARAM = '_oob';
/** The query parameter of a shortened invitation URL: the id to fetch the invitation by (resolveInvitationUrl). */
export const OOBID_PARAM = '_oobid';

/** The body of an invitation. */
export interface InvitationBody {
  goal_code?: string;
  goal?: string;
  /** Profiles the sender accepts in answers, in order of preference (e.g. didcomm/v2). */
  accept?: string[];
  [k: string]: unknown;
}
