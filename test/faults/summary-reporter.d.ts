export interface FaultOutcome {
  /** `1`…`10`, with a letter for the parts of one scenario (`5a`). */
  id: string;
  scenario: string;
  result: 'passed' | 'failed';
  counts: Record<string, number | string>;
  ms: number;
}

export function formatFaultTable(outcomes: FaultOutcome[]): string;
export const RESULTS_VAR: string;
