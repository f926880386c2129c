import { Injectable } from '@nestjs/common';
import { ProjectRecord, ProjectStore } from './project.store';
import { ProjectDirectory, ResolvedProject } from './project.types';

/** Far more projects than a platform has; list() answers them all. */
const LIST_PAGE = 500;

export function toResolvedProject(r: ProjectRecord): ResolvedProject {
  return {
    ...r.settings,
    name: r.name,
    config: r.config,
    configHash: r.configHash,
    source: r.source,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

/** `arn:aws:states:eu-west-1:123456789012:stateMachine:recsys-workflow[:version]` → base ARN and name. */
export function stateMachineOf(arn: string): { base: string; name: string } | undefined {
  const parts = arn.split(':');
  const at = parts.indexOf('stateMachine');
  if (at < 0 || !parts[at + 1]) return undefined;
  return { base: parts.slice(0, at + 2).join(':'), name: parts[at + 1] };
}

/** {@link ProjectDirectory} over the projects table. */
@Injectable()
export class StoredProjectDirectory extends ProjectDirectory {
  constructor(private readonly store: ProjectStore) {
    super();
  }

  async findByName(name: string): Promise<ResolvedProject | undefined> {
    const record = await this.store.findByName(name);
    return record && toResolvedProject(record);
  }

  async findByModel(modelName: string): Promise<ResolvedProject | undefined> {
    const record = await this.store.findByModel(modelName);
    return record && toResolvedProject(record);
  }

  async findByStateMachine(stateMachineArn: string): Promise<ResolvedProject | undefined> {
    const machine = stateMachineOf(stateMachineArn);
    if (!machine) return undefined;
    const record =
      (await this.store.findByStateMachineArn([...new Set([stateMachineArn, machine.base])])) ??
      (await this.store.findByStateMachineName(machine.name));
    return record && toResolvedProject(record);
  }

  async list(): Promise<ResolvedProject[]> {
    const all: ProjectRecord[] = [];
    let page: ProjectRecord[];
    do {
      page = await this.store.list(all.at(-1)?.name, LIST_PAGE);
      all.push(...page);
    } while (page.length === LIST_PAGE);
    return all.map(toResolvedProject);
  }
}
