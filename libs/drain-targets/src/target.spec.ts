import { maskDrainUrl, parseDrainUrl } from './target';

describe('drain targets', () => {
  it('parses the four kinds of target', () => {
    expect(parseDrainUrl('https://user:p%40ss@logs.example.com/in?x=1')).toEqual({ transport: 'https', host: 'logs.example.com', port: 443, path: '/in?x=1', auth: 'user:p@ss' });
    expect(parseDrainUrl('http://127.0.0.1:8080')).toMatchObject({ transport: 'http', port: 8080, path: '/' });
    expect(parseDrainUrl('syslog+tls://logs.example.com:6514')).toMatchObject({ transport: 'syslog+tls', port: 6514 });
    expect(parseDrainUrl('syslog://logs.example.com:514')).toMatchObject({ transport: 'syslog+tcp' });
    expect(parseDrainUrl('syslog+tcp://[::1]:514')).toMatchObject({ host: '::1' });
  });

  it('refuses other schemes, missing hosts and syslog without a port', () => {
    expect(() => parseDrainUrl('ftp://x')).toThrow(/scheme ftp/);
    expect(() => parseDrainUrl('syslog+tcp://logs.example.com')).toThrow(/port/);
    expect(() => parseDrainUrl('not a url')).toThrow(/not a URL/);
    expect(() => parseDrainUrl('file:///etc/passwd')).toThrow(/scheme/);
  });

  it('masks credentials in user info and query values', () => {
    expect(maskDrainUrl('https://token:s3cret@logs.example.com/p?key=abc&x=1')).toBe('https://****:****@logs.example.com/p?key=****&x=****');
    expect(maskDrainUrl('syslog+tls://logs.example.com:6514')).toBe('syslog+tls://logs.example.com:6514');
  });
});
