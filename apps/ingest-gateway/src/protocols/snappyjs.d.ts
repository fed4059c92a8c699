// snappyjs ships no types. The tests use its compressor to build Loki bodies; decoding uses
// ./snappy.ts (see there why).
declare module 'snappyjs' {
  export function compress(uncompressed: Buffer): Buffer;
  export function uncompress(compressed: Buffer, maxLength?: number): Buffer;
}
