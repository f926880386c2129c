import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logger';

function capture(): { logger: pino.Logger; lines: () => string } {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { logger: pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink), lines: () => out };
}

describe('log redaction', () => {
  it('hides credentials a failed HTTP call carries in its error', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('Request failed with status code 500'), {
      config: {
        url: 'https://hooks.slack.com/services/T0/B0/secret-path',
        headers: { Authorization: 'Bearer mlflow-token-123' },
        auth: { username: 'u', password: 'basic-pass' },
      },
    });
    logger.error({ err }, 'upstream failed');
    expect(lines()).toContain('Request failed with status code 500');
    for (const secret of ['secret-path', 'mlflow-token-123', 'basic-pass']) expect(lines()).not.toContain(secret);
  });

  it('hides API keys in request headers', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer mg_abc', 'x-api-key': 'mg_def' } } }, 'request');
    expect(lines()).not.toContain('mg_abc');
    expect(lines()).not.toContain('mg_def');
  });
});
