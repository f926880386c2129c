/** A project's name, as config.yaml's `project_name`, a path (`/projects/:name`) or the gate's `project` writes it. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
