import { resolve } from 'node:path';

/** Where the panel keeps its state when HW_DATA_DIR is not set: var/ under the working directory. */
export const DEFAULT_DATA_DIR = 'var';

/** The data directory as the configuration reads it (the launcher reads it before the configuration exists). */
export function dataDirOf(env: NodeJS.ProcessEnv): string {
  const value = env.HW_DATA_DIR?.trim();
  return resolve(value ? value : DEFAULT_DATA_DIR);
}
