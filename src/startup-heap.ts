import { setFlagsFromString } from 'node:v8';

/**
 * Starting allocates mostly what lives as long as the process (modules, metadata, the schema), and
 * V8 answers by doubling its young generation up to 32 MiB, which then sits idle until its memory
 * reducer shrinks it some 25 s later. Keeping the young generation from growing while starting
 * keeps that off an idle replica's RSS (~143 → ~112 MiB); {@link startupDone} lets it grow again
 * for the load to come (V8's default factor).
 */
setFlagsFromString('--semi-space-growth-factor=1');

export function startupDone(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
}
