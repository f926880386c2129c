export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __modelgateTestPg?: { stop(): Promise<void> } }).__modelgateTestPg;
  await server?.stop();
}
