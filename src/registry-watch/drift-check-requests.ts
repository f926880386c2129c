/**
 * How a feature asks the drift watcher to look at one model now rather than at its next round
 * (an MLflow webhook said something changed, the deploy gate saw a surprise). Implemented by the
 * watcher; asking is cheap and never waits for the check.
 */
export abstract class DriftCheckRequests {
  abstract checkSoon(model: string): void;
}
