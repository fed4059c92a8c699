export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const JETSTREAM = Symbol('JETSTREAM');
export const JETSTREAM_MANAGER = Symbol('JETSTREAM_MANAGER');
/** The SharedLimitsStore (JetStream KV) every NatsModule user gets; its bucket is made on first use. */
export const SHARED_LIMITS = Symbol('SHARED_LIMITS');
