import { ApiError, get } from '../api';
import { ErrorNote, Loading, Section } from '../components/common';
import { useLoad } from '../hooks';

/** Whether this server tracks drift; a server without it has no GET /drift route (404 NOT_FOUND). */
async function driftTracking(): Promise<boolean> {
  try {
    await get('/drift', { max_results: 1 });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === 'NOT_FOUND') return false;
    throw err;
  }
}

/** Open and resolved drifts, adopted from here: filled in once the server tracks drift. */
export function DriftPage() {
  const available = useLoad(driftTracking, []);
  return (
    <>
      <h1>Drift</h1>
      <Section title="Registry drift">
        {available.data === undefined ? (
          available.error ? <ErrorNote error={available.error} /> : <Loading what="drift tracking" />
        ) : available.data ? (
          <p class="muted">This server tracks drift; this console version does not show it yet.</p>
        ) : (
          <p class="muted">Drift tracking is not available on this server.</p>
        )}
      </Section>
    </>
  );
}
