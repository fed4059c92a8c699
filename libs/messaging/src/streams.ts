import { nanos } from '@nats-io/transport-node';
import {
  DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType,
  type JetStreamManager, type StreamConfig,
} from '@nats-io/jetstream';
import { STREAMS, STREAM_SUBJECTS, type StreamName } from '@millrace/log-schema';
import type { NatsConfig } from '@millrace/service-kit';

const HOUR_MS = 3600 * 1000;
/** Redeliveries and gateway retries inside this window are dropped by `Nats-Msg-Id`. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
const DLQ_MAX_AGE_MS = 30 * 24 * HOUR_MS;

export type StreamSettings = Pick<NatsConfig, 'JETSTREAM_REPLICAS' | 'JETSTREAM_MAX_AGE_HOURS' | 'JETSTREAM_MAX_BYTES'>;

/**
 * The pipeline's streams as DESIGN.md fixes them: file storage, limits by age and bytes, and
 * `discard: new` on the work streams so a full buffer refuses new data (the gateway answers 503)
 * instead of silently deleting old, unprocessed data.
 */
export function pipelineStreamConfigs(settings: StreamSettings): Array<Partial<StreamConfig> & { name: StreamName }> {
  const work = (name: StreamName): Partial<StreamConfig> & { name: StreamName } => ({
    name,
    subjects: [STREAM_SUBJECTS[name]],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_age: nanos(settings.JETSTREAM_MAX_AGE_HOURS * HOUR_MS),
    max_bytes: settings.JETSTREAM_MAX_BYTES,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: settings.JETSTREAM_REPLICAS,
    max_msg_size: 1024 * 1024,
  });
  return [
    work(STREAMS.INGEST),
    work(STREAMS.PARSE),
    work(STREAMS.EVENTS),
    // Dead letters must never be refused: keep them long, make room by dropping the oldest.
    { ...work(STREAMS.DLQ), discard: DiscardPolicy.Old, max_age: nanos(DLQ_MAX_AGE_MS) },
  ];
}

/**
 * Create the streams, or update them to the configured settings. Idempotent. A request that times
 * out or finds JetStream briefly unavailable (a cluster electing its leaders, or busy with many
 * services starting at once) is tried again, up to `attempts` times.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  configs: Array<Partial<StreamConfig> & { name: string }>,
  { attempts = 6, backoffMs = 500 }: { attempts?: number; backoffMs?: number } = {},
): Promise<void> {
  for (const config of configs) {
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureStream(jsm, config);
        break;
      } catch (error) {
        if (attempt >= attempts || !isPassingJetStreamError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffMs * attempt));
      }
    }
  }
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    await jsm.streams.update(config.name, config);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 404) await jsm.streams.add(config);
    else if ((error as { name?: string }).name === 'StreamNotFoundError' || /stream not found/i.test(String((error as Error).message))) {
      await jsm.streams.add(config);
    } else throw error;
  }
}

/** A request timeout, or JetStream answering that it is temporarily unavailable (code 10008). */
function isPassingJetStreamError(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return name === 'TimeoutError' || /temporarily unavailable/i.test(String(message));
}
