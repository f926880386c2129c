import type { Tx } from '../database/transactions';
import type { ConfigProblem, ProjectDefinition } from './project-config';

/** A project's settings with defaults resolved, as stored beside the document. */
export type ProjectSettings = Omit<ProjectDefinition, 'name' | 'config'>;

export interface ProjectWrite {
  name: string;
  settings: ProjectSettings;
  config: Record<string, unknown>;
  raw: string;
  configHash: string;
  source: 'file' | 'api';
  /** The file the project came from (kept after an API edit: that file still wins when it changes). */
  sourcePath: string | null;
  updatedBy: string | null;
}

export interface ProjectRecord extends ProjectWrite {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Where projects live. Writes take the caller's transaction. */
export abstract class ProjectStore {
  /** Creates or replaces the project `write.name`; MODEL_ALREADY_CLAIMED when another project holds its model. */
  abstract save(write: ProjectWrite, tx?: Tx): Promise<ProjectRecord>;
  abstract delete(name: string, tx?: Tx): Promise<boolean>;
  abstract findByName(name: string, tx?: Tx): Promise<ProjectRecord | undefined>;
  abstract findByModel(modelName: string, tx?: Tx): Promise<ProjectRecord | undefined>;
  /** The first project naming one of these ARNs. */
  abstract findByStateMachineArn(arns: string[]): Promise<ProjectRecord | undefined>;
  /** The project with this state machine name that names no ARN of its own. */
  abstract findByStateMachineName(name: string): Promise<ProjectRecord | undefined>;
  /** By name, after `after`. */
  abstract list(after: string | undefined, limit: number): Promise<ProjectRecord[]>;
}

export interface ProjectFileRecord {
  /** Relative to PROJECTS_DIR, e.g. `recsys/config.yaml`. */
  path: string;
  /** sha256 of the content last applied from this file. */
  loadedHash: string | null;
  projectName: string | null;
  /** Why the current content was not applied; null when it was (or is unchanged). */
  problems: ConfigProblem[] | null;
  checkedAt: Date;
}

/** What the loader last did with each config file. */
export abstract class ProjectFileStore {
  abstract find(path: string, tx?: Tx): Promise<ProjectFileRecord | undefined>;
  abstract save(record: Omit<ProjectFileRecord, 'checkedAt'>, tx?: Tx): Promise<void>;
  abstract listWithProblems(): Promise<ProjectFileRecord[]>;
  /** Files that are gone have nothing left to report. */
  abstract clearProblemsExcept(paths: string[], tx?: Tx): Promise<void>;
}
