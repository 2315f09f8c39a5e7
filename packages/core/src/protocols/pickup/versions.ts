// Message Pickup 3.0 and 4.0 share their messages; what differs is named here: 4.0 answers an
// empty delivery-request with an empty delivery, 3.0 with a status.
import * as v3 from './v3/messages.js';
import * as v4 from './v4/messages.js';

/** A Message Pickup major version: 3 or 4. */
export type PickupVersion = 3 | 4;

/** The message types of one Message Pickup version, under version-neutral names. */
export interface PickupTypes {
  version: PickupVersion;
  piuri: string;
  statusRequest: string;
  status: string;
  deliveryRequest: string;
  delivery: string;
  messagesReceived: string;
  liveDeliveryChange: string;
}

/** The message types of Message Pickup 3.0 and 4.0, by version. */
export const PICKUP: Record<PickupVersion, PickupTypes> = {
  3: {
    version: 3, piuri: v3.PIURI, statusRequest: v3.STATUS_REQUEST, status: v3.STATUS, deliveryRequest: v3.DELIVERY_REQUEST,
    delivery: v3.DELIVERY, messagesReceived: v3.MESSAGES_RECEIVED, liveDeliveryChange: v3.LIVE_DELIVERY_CHANGE,
  },
  4: {
    version: 4, piuri: v4.PIURI, statusRequest: v4.STATUS_REQUEST, status: v4.STATUS, deliveryRequest: v4.DELIVERY_REQUEST,
    delivery: v4.DELIVERY, messagesReceived: v4.MESSAGES_RECEIVED, liveDeliveryChange: v4.LIVE_DELIVERY_CHANGE,
  },
};

/** The pickup version a message type belongs to (either spelling of the protocol name), if any. */
export function pickupVersionOf(type: string): PickupVersion | undefined {
  const m = /^https:\/\/didcomm\.org\/(messagepickup|message-pickup)\/(\d+)\.\d+\//.exec(type);
  if (!m) return undefined;
  return m[2] === '3' ? 3 : m[2] === '4' ? 4 : undefined;
}

/** The body of a status message (spec names; only message_count is required). */
export interface PickupStatus {
  message_count: number;
  recipient_did?: string;
  longest_waited_seconds?: number;
  newest_received_time?: number;
  oldest_received_time?: number;
  total_bytes?: number;
  live_delivery?: boolean;
  [k: string]: unknown;
}
