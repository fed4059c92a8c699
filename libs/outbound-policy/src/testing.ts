/**
 * Ways to write 127.0.0.1 (or the loopback interface) as the host of a URL, for delivery tests:
 * every one must be refused when private targets are not allowed, and nothing may arrive.
 * The ones Linux actually routes to an IPv4 listener on 127.0.0.1 are marked `reaches`.
 */
export const LOOPBACK_HOST_FORMS: ReadonlyArray<{ host: string; reaches: boolean }> = [
  { host: '127.0.0.1', reaches: true },
  { host: '2130706433', reaches: true },
  { host: '0177.0.0.1', reaches: true },
  { host: '0x7f.1', reaches: true },
  { host: '127.1', reaches: true },
  { host: 'localhost', reaches: true },
  { host: 'localhost.', reaches: true },
  { host: '[::ffff:127.0.0.1]', reaches: true },
  { host: '[::ffff:7f00:1]', reaches: true },
  { host: '[0:0:0:0:0:ffff:7f00:1]', reaches: true },
  { host: '[::127.0.0.1]', reaches: false },
  { host: '[::ffff:0:127.0.0.1]', reaches: false },
  { host: '[64:ff9b::7f00:1]', reaches: false },
  { host: '[2002:7f00:1::]', reaches: false },
];
