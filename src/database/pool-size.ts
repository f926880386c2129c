/** Connections left beyond the outbox lanes: one promotion holding its model's lock, one other request. */
export const POOL_HEADROOM = 2;

/** The startup warning when DATABASE_POOL_SIZE cannot serve the outbox lanes and requests at once; undefined when it can. */
export function poolSizeWarning(poolSize: number, outboxLanes: number): string | undefined {
  const needed = outboxLanes + POOL_HEADROOM;
  if (poolSize >= needed) return undefined;
  return (
    `DATABASE_POOL_SIZE=${poolSize} cannot cover the ${outboxLanes} outbox lanes plus ${POOL_HEADROOM} connections for requests; ` +
    `requests may wait for a connection while notifications are sent: set it to ${needed} or more`
  );
}
