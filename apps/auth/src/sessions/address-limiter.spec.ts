import { HttpException } from '@nestjs/common';
import { AddressLimiter } from './address-limiter';

describe('AddressLimiter', () => {
  it('allows N attempts a minute per address, then 429 until the minute is over', () => {
    let now = 0;
    const limiter = new AddressLimiter(3, () => now);
    for (let i = 0; i < 3; i++) limiter.hit('a');
    expect(() => limiter.hit('a')).toThrow(HttpException);
    limiter.hit('b');
    now = 59_000;
    try {
      limiter.hit('a');
      throw new Error('expected 429');
    } catch (error) {
      expect((error as HttpException).getStatus()).toBe(429);
      expect((error as HttpException).getResponse()).toMatchObject({ retryAfterSeconds: 1 });
    }
    now = 60_000;
    expect(() => limiter.hit('a')).not.toThrow();
  });

  it('is off at 0', () => {
    const limiter = new AddressLimiter(0);
    for (let i = 0; i < 1000; i++) limiter.hit('a');
  });
});
