import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { HEADERS, dlqSubject, tenantOfSubject, type DeadLetterStage } from '@millrace/log-schema';
import { deadLetters } from './metrics';

/** Reason headers are bounded: a reason is for humans, not a place to dump payloads. */
const MAX_REASON = 1024;

/**
 * Publish a failed message to `dlq.<stage>.<tenant>` with its reason and origin. Resolves only
 * once the DLQ stream stored it, so the caller may then terminate the original.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  msg: JsMsg,
  stage: DeadLetterStage,
  reason: string,
  reasonClass: string,
): Promise<void> {
  const h = natsHeaders();
  if (msg.headers) for (const [key, values] of msg.headers) for (const v of values) if (key !== HEADERS.msgId) h.append(key, v);
  h.set(HEADERS.dlqReason, reason.slice(0, MAX_REASON).replace(/[\r\n]+/g, ' '));
  h.set(HEADERS.dlqStage, stage);
  h.set(HEADERS.dlqSubject, msg.subject);
  h.set(HEADERS.dlqStream, msg.info.stream);
  h.set(HEADERS.dlqSequence, String(msg.seq));
  h.set(HEADERS.dlqDeliveries, String(msg.info.deliveryCount));
  await js.publish(dlqSubject(stage, tenantOfSubject(msg.subject)), msg.data, {
    headers: h,
    // The same original message dead-lettered twice (a crash before term) is stored once.
    msgID: `${msg.info.stream}:${msg.seq}`,
  });
  deadLetters.inc({ stage, reason: reasonClass });
}
