/** @see https://identity.foundation/didcomm-messaging/spec/#out-of-band-messages */
export const PIURI = 'https://didcomm.org/out-of-band/2.0';
/** The one message of the protocol; its id becomes the pthid of the answer. */
export const INVITATION = 'https://didcomm.org/out-of-band/2.0/invitation';

export const ROLES = { sender: 'sender', receiver: 'receiver' } as const;

/** The query parameters: the whole invitation, or the id of a shortened one to fetch. */
export const OOB_PARAM = '_oob';
export const OOBID_PARAM = '_oobid';

export interface InvitationBody {
  goal_code?: string;
  goal?: string;
  /** Profiles the sender accepts in answers, in order of preference (e.g. didcomm/v2). */
  accept?: string[];
  [k: string]: unknown;
}
