import { Injectable } from '@nestjs/common';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';

/** How long a state machine's project is remembered: a config change reaches recipients within this. */
export const PROJECT_LOOKUP_TTL_MS = 1000;
const MAX_ENTRIES = 1000;

/**
 * The project of a state machine, remembered for a second: a burst of events for the same pipelines
 * (EventBridge redeliveries, a reconciler round) would otherwise ask the database for each one.
 */
@Injectable()
export class ProjectLookup {
  private readonly cache = new Map<string, { project: ResolvedProject | undefined; until: number }>();

  constructor(private readonly projects: ProjectDirectory) {}

  async byStateMachine(stateMachineArn: string, now = Date.now()): Promise<ResolvedProject | undefined> {
    const hit = this.cache.get(stateMachineArn);
    if (hit && hit.until > now) return hit.project;
    const project = await this.projects.findByStateMachine(stateMachineArn);
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(stateMachineArn, { project, until: now + PROJECT_LOOKUP_TTL_MS });
    return project;
  }
}
