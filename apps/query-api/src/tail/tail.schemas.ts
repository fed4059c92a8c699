import { z } from 'zod';
import { named } from '@millrace/service-kit';
import { eventSchema, logQuerySchema, queryInt } from '../search/params.schemas';

const tailId = z.string().regex(/^[0-9]{1,15}-[0-9]{1,5}$/, 'must be an id this tail sent (<sequence>-<index>)');

export const tailQuerySchema = z.object({
  q: logQuerySchema.optional(),
  backlog: queryInt(0, 10_000, 'matching lines from before the tail to send first (default TAIL_BACKLOG_DEFAULT = 100, at most TAIL_BACKLOG_MAX)'),
  lastEventId: tailId.optional().describe('resume after this id (as the Last-Event-ID header)'),
  token: z.string().min(1).max(512).optional().describe('the key, for clients that cannot set headers (EventSource, browsers’ WebSocket)'),
}).strict();

export const tailHeadersSchema = z.object({
  'last-event-id': tailId.optional().describe('resume after this id; EventSource sends it by itself when it reconnects'),
}).passthrough();

export const tailMessageSchema = named('TailMessage', z.discriminatedUnion('type', [
  z.object({ type: z.literal('line'), id: z.string().describe('<sequence>-<index>: resume after it with lastEventId'), event: eventSchema }),
  z.object({ type: z.literal('ready') }).passthrough().describe('the backlog is sent; live lines follow'),
  z.object({ type: z.literal('dropped'), count: z.number().int() }).passthrough().describe('lines this client missed because it read too slowly'),
  z.object({ type: z.literal('gap') }).passthrough().describe('the resume point is older than the stream keeps: lines were missed'),
]));

export const SSE_DESCRIPTION = [
  'Server-Sent Events (`text/event-stream`), kept open. Each matching event is a message with `id: <sequence>-<index>`',
  'and the event as JSON in `data` (a LogEvent). Named events: `ready` (the backlog is sent, live lines follow),',
  '`dropped` (`{"count": n}` lines this client missed because it read too slowly), `gap` (a resume point older than the',
  'stream keeps), `error` (the tail could not start). Comment lines are heartbeats. Reconnecting with `Last-Event-ID`',
  '(EventSource does it by itself) continues exactly after the last line received. Refusals (bad query, no key, too many',
  'tails) are ordinary JSON errors before the stream starts.',
].join(' ');
