import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS, createRootLogger } from './logger';

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

describe('root logger format', () => {
  function sink(): { stream: Writable; text: () => string } {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    return { stream, text: () => out };
  }

  it('writes one JSON object per line for a log collector', () => {
    const { stream, text } = sink();
    createRootLogger('info', { pretty: false, destination: stream }).info({ request_id: 'r1' }, 'promotion completed');
    expect(JSON.parse(text().trim())).toEqual(expect.objectContaining({ level: 30, msg: 'promotion completed', request_id: 'r1' }));
  });

  it('writes readable lines for a person at a terminal, still redacted', () => {
    const { stream, text } = sink();
    createRootLogger('info', { pretty: true, destination: stream }).info({ key: 'mg_secret', model: 'recsys' }, 'promotion completed');
    expect(text()).toMatch(/INFO.*promotion completed/);
    expect(text()).toContain('model: "recsys"');
    expect(text()).not.toContain('mg_secret');
    expect(() => JSON.parse(text().trim())).toThrow();
  });
});
