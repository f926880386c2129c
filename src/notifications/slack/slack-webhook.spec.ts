import { Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/app-config';
import { DeliveryError } from '../../outbox/outbox.types';
import { SlackWebhook } from './slack-webhook';

describe('SlackWebhook deadline', () => {
  let server: Server;
  let url: string;
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    // Answers at once, then sends its body a byte every 100 ms for 2 s: never idle, always late.
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '20' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write('k');
        if (++sent === 20) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ml-alerts`;
  });
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up at NOTIFY_TIMEOUT_MS even when Slack keeps trickling its answer (the outbox lease counts on it)', async () => {
    const webhook = new SlackWebhook(loadConfig({ NOTIFY_TIMEOUT_MS: '300' }));
    const started = Date.now();
    const posted = webhook.post(url, { text: 'hello', blocks: [] } as never);
    await expect(posted).rejects.toThrow(DeliveryError);
    await expect(posted).rejects.toMatchObject({ permanent: false, message: 'Slack did not answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
