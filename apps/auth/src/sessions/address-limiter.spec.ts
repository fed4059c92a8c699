import { HttpException } from '@nestjs/common';
import { AddressLimiter } from './address-limiter';

describe('AddressLimiter', () => {
  it('allows N attempts a minute per address, then 429 until the minute is over (counted locally without a store)', async () => {
    let now = 0;
    const limiter = new AddressLimiter(3, undefined, () => now);
    for (let i = 0; i < 3; i++) await limiter.hit('a');
    await expect(limiter.hit('a')).rejects.toThrow(HttpException);
    await limiter.hit('b');
    now = 59_000;
    const error = await limiter.hit('a').then(() => undefined, (e: unknown) => e);
    expect((error as HttpException).getStatus()).toBe(429);
    expect((error as HttpException).getResponse()).toMatchObject({ retryAfterSeconds: 1 });
    now = 60_000;
    await expect(limiter.hit('a')).resolves.toBeUndefined();
  });

  it('is off at 0', async () => {
    const limiter = new AddressLimiter(0);
    for (let i = 0; i < 1000; i++) await limiter.hit('a');
  });
});
