import { SLOW_REQUEST_MS, requestLogLevel } from './request-log';

describe('requestLogLevel', () => {
  it('keeps errors, refusals and slow answers at info or above, and the rest at debug', () => {
    expect(requestLogLevel(200, 3)).toBe('debug');
    expect(requestLogLevel(202, SLOW_REQUEST_MS - 1)).toBe('debug');
    expect(requestLogLevel(200, SLOW_REQUEST_MS)).toBe('info');
    expect(requestLogLevel(404, 1)).toBe('info');
    expect(requestLogLevel(409, 1)).toBe('info');
    expect(requestLogLevel(500, 1)).toBe('error');
    expect(requestLogLevel(503, 1)).toBe('error');
  });
});
