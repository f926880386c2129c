/** How times and durations read in the console: UTC, to the second, like the notices. */

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `3 h 20 min`, `45 s`: time left before an expiry, how long a version held a stage. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1000) return 'under 1 s';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days ${h % 24} h`;
}

export function timeLeft(expiresAt: string | null, now = Date.now()): string {
  if (!expiresAt) return 'no expiry';
  const ms = new Date(expiresAt).getTime() - now;
  return ms <= 0 ? 'expired' : formatDuration(ms);
}

export function formatObserved(value: number | string | null): string {
  if (value === null) return 'absent';
  return typeof value === 'number' ? String(Number(value.toFixed(6))) : value;
}
