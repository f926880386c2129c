import { formatDuration, formatTime } from '../format';
import type { ProductionSegment, ProductionStrip } from '../stage-history';

/** Colours cycle through the versions the strip shows; "none" is grey. */
const COLOURS = 6;

function rangeText(s: ProductionSegment, now: number): string {
  const until = s.to >= now ? 'now' : formatTime(new Date(s.to).toISOString());
  return `${formatTime(new Date(s.from).toISOString())} → ${until} (${formatDuration(s.to - s.from)})`;
}

const holderText = (s: ProductionSegment) => (s.version ? `version ${s.version}` : 'no version');

/**
 * Which version was in Production over the window: a bar for the eye (hidden from screen readers)
 * and, below it, the same stretches as a list, which is its text alternative.
 */
export function ProductionStripView({ model, strip }: { model: string; strip?: ProductionStrip }) {
  if (!strip) return <p class="muted">modelgate has recorded no stage change of {model} yet.</p>;
  const total = Math.max(1, strip.end - strip.start);
  const versions = [...new Set(strip.segments.flatMap((s) => (s.version ? [s.version] : [])))];
  const colourOf = (s: ProductionSegment) => (s.version ? `strip-c${versions.indexOf(s.version) % COLOURS}` : 'strip-none');
  return (
    <>
      {strip.recordBeginsInWindow ? (
        <p class="muted">modelgate's record of {model} begins {formatTime(new Date(strip.start).toISOString())}: the strip starts there.</p>
      ) : null}
      <div class="strip" aria-hidden="true">
        {strip.segments.map((s) => (
          <div key={s.from} class={`strip-seg ${colourOf(s)}`} style={{ flexGrow: String((s.to - s.from) / total) }} title={`${holderText(s)}: ${rangeText(s, strip.end)}`}>
            {s.version ? `v${s.version}` : ''}
          </div>
        ))}
      </div>
      <div class="strip-axis" aria-hidden="true">
        <span>{formatTime(new Date(strip.start).toISOString())}</span>
        <span>now</span>
      </div>
      <ol class="strip-list" aria-label={`${model} in Production, stretch by stretch`}>
        {strip.segments.map((s) => (
          <li key={s.from}>
            <span class={`strip-key ${colourOf(s)}`} aria-hidden="true" /> {holderText(s)} in Production: {rangeText(s, strip.end)}
          </li>
        ))}
      </ol>
    </>
  );
}
