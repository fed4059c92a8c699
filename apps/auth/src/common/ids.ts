import { NotFoundException } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that cannot exist are simply not found (never a database error). */
export function requireUuid(id: string, what: string): string {
  if (!UUID.test(id)) throw new NotFoundException(`${what} ${id} not found`);
  return id.toLowerCase();
}
