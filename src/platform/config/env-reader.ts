/** Reads typed values from an environment map; every failure names the variable. */
export class ConfigError extends Error {}

export class EnvReader {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    }
    return Number(value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    throw new ConfigError(`${name} must be true or false (got "${value}")`);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) {
      throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    }
    return value as T;
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** A command as an argument array: a JSON array, or words split on spaces. Empty means "do nothing". */
  command(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    if (value.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new ConfigError(`${name} must be a JSON array of strings or a space-separated command`);
      }
      if (!Array.isArray(parsed) || parsed.some((part) => typeof part !== 'string')) {
        throw new ConfigError(`${name} must be a JSON array of strings`);
      }
      return parsed as string[];
    }
    return value.split(/\s+/);
  }

  ipv4(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    const parts = value.split('.');
    const valid = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
    if (!valid) throw new ConfigError(`${name} must be an IPv4 address (got "${value}")`);
    return value;
  }
}
