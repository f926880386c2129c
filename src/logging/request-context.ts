import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving a request carries. */
export interface RequestContext {
  requestId: string;
}

/** The request being served, wherever its work goes (services, stores, adapters): the logger reads it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
