/** @see https://didcomm.org/basicmessage/2.0/ */
export const PIURI = 'https://didcomm.org/basicmessage/2.0';
/** body.content is the text; `lang` and `created_time` headers say its language and when it was sent. */
export const MESSAGE = 'https://didcomm.org/basicmessage/2.0/message';

/** The protocol's roles, as discover-features reports them. */
export const ROLES = { sender: 'sender', receiver: 'receiver' } as const;
