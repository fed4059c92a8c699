import fc from 'fast-check';
import { compress } from 'snappyjs';
import { snappyUncompress, SnappyError } from './snappy';

describe('snappyUncompress', () => {
  it('round-trips what snappyjs compresses (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 5000 }), fc.string({ maxLength: 3000 }).map((s) => new TextEncoder().encode(s.repeat(3)))), (data) => {
        const input = Buffer.from(data);
        expect(snappyUncompress(compress(input), 1e6)).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses the 7-byte input that sends snappyjs into an endless loop, at once', () => {
    const started = Date.now();
    expect(() => snappyUncompress(Buffer.from([0x0a, 0xfc, 0x00, 0x00, 0x00, 0x80, 0x00]), 1000)).toThrow(SnappyError);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses a preamble over the limit without allocating it', () => {
    expect(() => snappyUncompress(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 1e6)).toThrow(expect.objectContaining({ tooLarge: true }));
    expect(() => snappyUncompress(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 1e6)).toThrow('bad length preamble');
    expect(() => snappyUncompress(Buffer.alloc(0), 1e6)).toThrow('bad length preamble');
  });

  it('refuses bad offsets, overruns and short output', () => {
    expect(() => snappyUncompress(Buffer.from([0x04, 0x01, 0x00]), 100)).toThrow(/copy offset 0/);
    expect(() => snappyUncompress(Buffer.from([0x04, 0x0c, 0x61, 0x62]), 100)).toThrow('literal runs past the input');
    expect(() => snappyUncompress(Buffer.from([0x01, 0x04, 0x61, 0x62]), 100)).toThrow('output longer than its preamble');
    expect(() => snappyUncompress(Buffer.from([0x05, 0x00, 0x61]), 100)).toThrow('output is 1 bytes, the preamble says 5');
  });

  it('never throws anything but SnappyError and never hangs on random input (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        try {
          snappyUncompress(Buffer.from(data), 1e5);
        } catch (err) {
          expect(err).toBeInstanceOf(SnappyError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
