import { Injectable } from '@nestjs/common';
import { ShortCache } from '../common/short-cache';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';

/** How long a state machine's project is remembered: a config change reaches recipients within this. */
export const PROJECT_LOOKUP_TTL_MS = 1000;

/**
 * The project of a state machine, remembered for a second: a burst of events for the same pipelines
 * (EventBridge redeliveries, a reconciler round) would otherwise ask the database for each one.
 */
@Injectable()
export class ProjectLookup {
  private readonly cache = new ShortCache<ResolvedProject | undefined>(PROJECT_LOOKUP_TTL_MS);

  constructor(private readonly projects: ProjectDirectory) {}

  byStateMachine(stateMachineArn: string): Promise<ResolvedProject | undefined> {
    return this.cache.get(stateMachineArn, () => this.projects.findByStateMachine(stateMachineArn));
  }
}
