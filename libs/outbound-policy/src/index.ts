/** The one outbound-address policy: what a connection made where a tenant says may reach. */
export { classifyAddress, describeAddress } from './address';
export type { AddressKind, ClassifiedAddress, Embedding } from './address';
export { canonicalHost, classifyName, InvalidHostError } from './host';
export type { CanonicalHost, NameKind } from './host';
export { OutboundPolicy, OutboundRefusedError } from './policy';
export type { OutboundPolicyOptions } from './policy';
export { OUTBOUND_PURPOSES, outboundPolicy } from './purposes';
export type { OutboundPurpose } from './purposes';
export { LOOPBACK_HOST_FORMS } from './testing';
