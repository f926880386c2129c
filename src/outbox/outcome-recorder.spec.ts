import { OutcomeRecorder, RecordRetry } from './outcome-recorder';

/** A commit the test finishes by hand, so it can add outcomes while one is under way. */
function manualCommits() {
  const commits: { batch: number[]; finish: (err?: Error) => void }[] = [];
  const commit = (batch: number[]) =>
    new Promise<void>((resolve, reject) => commits.push({ batch, finish: (err) => (err ? reject(err) : resolve()) }));
  return { commits, commit };
}
const tick = () => new Promise((r) => setImmediate(r));
const always: RecordRetry = { keepTrying: () => true, pauseMs: () => 1 };

describe('OutcomeRecorder', () => {
  it('commits an outcome at once, and groups those that finish during a commit into the next one', async () => {
    const { commits, commit } = manualCommits();
    const recorder = new OutcomeRecorder<number>(commit, always, () => undefined);
    recorder.add([1]);
    expect(commits.map((c) => c.batch)).toEqual([[1]]);
    recorder.add([2]);
    recorder.add([3, 4]);
    expect(commits).toHaveLength(1); // no second commit while the first runs
    commits[0].finish();
    await tick();
    expect(commits.map((c) => c.batch)).toEqual([[1], [2, 3, 4]]);
    commits[1].finish();
    await recorder.settled();
    recorder.add([5]); // after the queue ran dry, a new outcome starts a new commit
    expect(commits.map((c) => c.batch)).toEqual([[1], [2, 3, 4], [5]]);
    commits[2].finish();
    await recorder.settled();
  });

  it('tries a failed commit again, with what finished meanwhile', async () => {
    const { commits, commit } = manualCommits();
    const giveUp = jest.fn();
    const recorder = new OutcomeRecorder<number>(commit, always, giveUp);
    recorder.add([1]);
    recorder.add([2]);
    commits[0].finish(new Error('connection reset'));
    await new Promise((r) => setTimeout(r, 10));
    expect(commits.map((c) => c.batch)).toEqual([[1], [1, 2]]);
    commits[1].finish();
    await recorder.settled();
    expect(giveUp).not.toHaveBeenCalled();
  });

  it('gives up when the retry policy says so, and goes on with later outcomes', async () => {
    const { commits, commit } = manualCommits();
    const giveUp = jest.fn();
    const recorder = new OutcomeRecorder<number>(commit, { keepTrying: (failures) => failures < 2, pauseMs: () => 1 }, giveUp);
    recorder.add([1]);
    commits[0].finish(new Error('down'));
    await new Promise((r) => setTimeout(r, 10));
    recorder.add([2]);
    commits[1].finish(new Error('still down'));
    await tick();
    expect(giveUp).toHaveBeenCalledWith([1], expect.objectContaining({ message: 'still down' }));
    const settled = recorder.settled();
    await tick();
    expect(commits.map((c) => c.batch)).toEqual([[1], [1], [2]]);
    commits[2].finish();
    await settled;
  });
});
