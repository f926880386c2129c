/** The stages of a model version, in MLflow's names and spelling: the domain's vocabulary, shared by every feature. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

/** Stage names are accepted case-insensitively (as MLflow does) and answered in MLflow's spelling. */
export function parseStage(input: string): Stage | undefined {
  const lower = input.trim().toLowerCase();
  return STAGES.find((s) => s.toLowerCase() === lower);
}
