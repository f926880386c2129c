import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { ProjectLookup } from './project-lookup';

class CountingDirectory extends ProjectDirectory {
  calls = 0;
  constructor(private readonly project: ResolvedProject | undefined) {
    super();
  }
  findByName = async () => undefined;
  findByModel = async () => undefined;
  list = async () => [];
  async findByStateMachine(): Promise<ResolvedProject | undefined> {
    this.calls += 1;
    return this.project;
  }
}

describe('ProjectLookup', () => {
  const arn = 'arn:aws:states:us-east-1:1:stateMachine:recsys-workflow';

  afterEach(() => jest.useRealTimers());

  it('asks the directory once a second per state machine, remembering unknown ones too', async () => {
    jest.useFakeTimers({ now: 0 });
    const directory = new CountingDirectory(undefined);
    const lookup = new ProjectLookup(directory);
    await lookup.byStateMachine(arn);
    jest.setSystemTime(1000);
    await lookup.byStateMachine(arn);
    expect(directory.calls).toBe(1);
    jest.setSystemTime(1001);
    await lookup.byStateMachine(arn);
    expect(directory.calls).toBe(2);
    await lookup.byStateMachine(`${arn}-2`);
    expect(directory.calls).toBe(3);
  });

  it('answers what the directory answered', async () => {
    const project = { name: 'recsys' } as ResolvedProject;
    expect(await new ProjectLookup(new CountingDirectory(project)).byStateMachine(arn)).toBe(project);
  });
});
