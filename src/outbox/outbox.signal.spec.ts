import { OutboxSignal } from './outbox.signal';

describe('OutboxSignal', () => {
  it('wakes every waiter at once', async () => {
    const signal = new OutboxSignal();
    const started = Date.now();
    const waits = [signal.wait(5000), signal.wait(5000)];
    signal.notify();
    await Promise.all(waits);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('remembers a notify that came while nobody waited', async () => {
    const signal = new OutboxSignal();
    signal.notify();
    const started = Date.now();
    await signal.wait(5000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('times out without a notify', async () => {
    const signal = new OutboxSignal();
    const started = Date.now();
    await signal.wait(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
