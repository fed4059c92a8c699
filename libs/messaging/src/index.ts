export { connectNats, natsConnectionOptions } from './connection';
export { pipelineStreamConfigs, ensureStreams, DUPLICATE_WINDOW_MS } from './streams';
export type { StreamSettings } from './streams';
export { BatchConsumer, PermanentFailure } from './consumer';
export type { BatchConsumerOptions, ConsumerLogger } from './consumer';
export { publishDeadLetter } from './dead-letter';
export { messagesSettled, deadLetters, handlerSeconds } from './metrics';
export { NatsModule, NatsReadiness, NatsLifecycle, NATS_CONNECTION, JETSTREAM, JETSTREAM_MANAGER } from './nats.module';
export type { NatsModuleOptions, NatsConnection, JetStreamClient, JetStreamManager } from './nats.module';
