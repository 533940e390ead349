import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The checkout or release folder (package.json next to templates/), whether this runs from
 * dist/src/… or from the bundle dist/hostwright.js. dist/ holds a copy of package.json, hence both.
 */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
