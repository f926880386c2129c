import type { MlflowPage } from '../../mlflow/mlflow.types';

/** `{ items, next_page_token? }` from a page of domain objects. */
export function toPageView<T, V>(page: MlflowPage<T>, view: (item: T) => V): { items: V[]; next_page_token?: string } {
  return { items: page.items.map(view), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
}
