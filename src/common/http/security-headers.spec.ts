import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { HELMET_OPTIONS, securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('are the headers helmet sets on a response, computed once', () => {
    const set: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => (set[k.toLowerCase()] = String(v)), removeHeader: () => undefined };
    helmet(HELMET_OPTIONS)({} as IncomingMessage, res as unknown as ServerResponse, () => undefined);
    expect(securityHeaders()).toEqual(set);
    expect(securityHeaders()).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': expect.stringContaining("script-src 'self' 'unsafe-inline'"),
    });
  });
});
