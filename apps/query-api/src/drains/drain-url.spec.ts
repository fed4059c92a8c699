import { checkDrainUrl, maskDrainUrl } from './drain-url';

describe('drain URLs', () => {
  it('accepts http, https, syslog+tcp, syslog+tls with a host and port', () => {
    expect(checkDrainUrl('https://user:pw@logs.example.com/x')).toEqual({ transport: 'https', host: 'logs.example.com', port: 443 });
    expect(checkDrainUrl('syslog+tls://logs.example.com:6514')).toEqual({ transport: 'syslog+tls', host: 'logs.example.com', port: 6514 });
    expect(checkDrainUrl('syslog://10.0.0.1:514').transport).toBe('syslog+tcp');
  });

  it('refuses other schemes, syslog without a port or with a path or credentials', () => {
    expect(() => checkDrainUrl('gopher://x')).toThrow(/scheme/);
    expect(() => checkDrainUrl('syslog+tls://logs.example.com')).toThrow(/port/);
    expect(() => checkDrainUrl('syslog+tcp://u:p@logs.example.com:514')).toThrow(/host and port only/);
    expect(() => checkDrainUrl('nonsense')).toThrow(/must be a URL/);
  });

  it('masks credentials', () => {
    expect(maskDrainUrl('https://token:abc@h.example.com/p?api_key=xyz')).toBe('https://****:****@h.example.com/p?api_key=****');
  });
});
